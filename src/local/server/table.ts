/**
 * The `meta.k8s.io/v1` Table format kubectl asks for (`Accept: application/json;as=Table;...`):
 * Name plus the CRD's additionalPrinterColumns (or Name and Age by default), and the usual
 * columns of the common built-in kinds.
 */
import type { PrinterColumn, ServedResource } from '../registry.js';
import { getPath, isObject } from '../storage/json.js';
import type { KubeObject } from '../types.js';
import { evalJsonPath } from './jsonpath.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell(o: KubeObject, now: number): unknown;
}

/** Kubernetes' short human duration (as `kubectl get` shows ages). */
export function humanDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(ts: unknown, now: number): string {
  if (typeof ts !== 'string') return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' };
const AGE: Column = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function col(name: string, cell: (o: KubeObject) => unknown, type = 'string', priority = 0): Column {
  return { name, type, format: '', description: name, priority, cell };
}

const num = (o: KubeObject, p: string): number => {
  const v = getPath(o, p);
  return typeof v === 'number' ? v : 0;
};

/** The pod STATUS kubectl shows: a container's waiting/terminated reason wins over the phase. */
function podStatus(o: KubeObject): unknown {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const cs = getPath(o, '.status.containerStatuses');
  for (const c of Array.isArray(cs) ? cs : []) {
    const reason = getPath(c, '.state.waiting.reason') ?? getPath(c, '.state.terminated.reason');
    if (typeof reason === 'string' && reason) return reason;
  }
  return getPath(o, '.status.phase') ?? 'Pending';
}

const EVENT_COLUMNS: Column[] = [
  { ...col('Last Seen', () => ''), cell: (o, now) => age(o['lastTimestamp'] ?? o['eventTime'] ?? o.metadata.creationTimestamp, now) },
  col('Type', (o) => o['type'] ?? ''),
  col('Reason', (o) => o['reason'] ?? ''),
  col('Object', (o) => `${String(getPath(o, '.involvedObject.kind') ?? getPath(o, '.regarding.kind') ?? '').toLowerCase()}/${String(getPath(o, '.involvedObject.name') ?? getPath(o, '.regarding.name') ?? '')}`),
  col('Message', (o) => o['message'] ?? o['note'] ?? ''),
];

const BUILTIN: Record<string, Column[]> = {
  '/events': EVENT_COLUMNS,
  'events.k8s.io/events': EVENT_COLUMNS,
  '/pods': [
    NAME,
    col('Ready', (o) => {
      const cs = getPath(o, '.status.containerStatuses');
      const total = Array.isArray(getPath(o, '.spec.containers')) ? (getPath(o, '.spec.containers') as unknown[]).length : 0;
      const ready = Array.isArray(cs) ? cs.filter((c) => isObject(c) && c['ready'] === true).length : 0;
      return `${ready}/${total}`;
    }),
    col('Status', podStatus),
    col('Restarts', (o) => {
      const cs = getPath(o, '.status.containerStatuses');
      return Array.isArray(cs) ? cs.reduce((n: number, c) => n + (isObject(c) && typeof c['restartCount'] === 'number' ? c['restartCount'] : 0), 0) : 0;
    }, 'string'),
    AGE,
  ],
  'apps/deployments': [NAME, col('Ready', (o) => `${num(o, '.status.readyReplicas')}/${num(o, '.spec.replicas')}`), col('Up-to-date', (o) => num(o, '.status.updatedReplicas'), 'integer'), col('Available', (o) => num(o, '.status.availableReplicas'), 'integer'), AGE],
  'apps/replicasets': [NAME, col('Desired', (o) => num(o, '.spec.replicas'), 'integer'), col('Current', (o) => num(o, '.status.replicas'), 'integer'), col('Ready', (o) => num(o, '.status.readyReplicas'), 'integer'), AGE],
  '/configmaps': [NAME, col('Data', (o) => Object.keys((o['data'] as object | undefined) ?? {}).length + Object.keys((o['binaryData'] as object | undefined) ?? {}).length, 'integer'), AGE],
  '/secrets': [NAME, col('Type', (o) => o['type'] ?? 'Opaque'), col('Data', (o) => Object.keys((o['data'] as object | undefined) ?? {}).length, 'integer'), AGE],
  '/services': [NAME, col('Type', (o) => getPath(o, '.spec.type') ?? 'ClusterIP'), col('Cluster-IP', (o) => getPath(o, '.spec.clusterIP') ?? '<none>'), col('External-IP', () => '<none>'), col('Port(s)', (o) => {
    const ps = getPath(o, '.spec.ports');
    return Array.isArray(ps) && ps.length ? ps.map((p) => (isObject(p) ? `${String(p['port'])}/${String(p['protocol'] ?? 'TCP')}` : '')).join(',') : '<none>';
  }), AGE],
  '/namespaces': [NAME, col('Status', (o) => getPath(o, '.status.phase') ?? 'Active'), AGE],
};

function crdColumn(c: PrinterColumn): Column {
  return {
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
    cell: (o, now) => {
      const vals = evalJsonPath(o, c.jsonPath);
      if (!vals.length) return null;
      const v = vals[0];
      if (c.type === 'date') return age(v, now);
      if (isObject(v) || Array.isArray(v)) return JSON.stringify(v);
      return vals.length > 1 ? vals.map((x) => String(x)).join(',') : v;
    },
  };
}

function columnsFor(r: ServedResource): Column[] {
  if (r.printerColumns?.length) return [NAME, ...r.printerColumns.map(crdColumn)];
  return BUILTIN[`${r.group}/${r.resource}`] ?? [NAME, AGE];
}

function partial(o: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** Renders objects as a Table; `includeObject` is None, Metadata (default) or Object. */
export function toTable(r: ServedResource, objects: KubeObject[], now: number, listMeta: Record<string, unknown>, includeObject = 'Metadata'): Record<string, unknown> {
  const cols = columnsFor(r);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map(({ name, type, format, description, priority }) => ({ name, type, format, description, priority })),
    rows: objects.map((o) => ({
      cells: cols.map((c) => c.cell(o, now)),
      ...(includeObject === 'None' ? {} : { object: includeObject === 'Object' ? o : partial(o) }),
    })),
  };
}
