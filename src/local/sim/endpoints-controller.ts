/**
 * The Endpoints controller: for each Service with a selector, an Endpoints object of the same
 * name listing selected pods that have an IP — Ready ones under `addresses`, the others under
 * `notReadyAddresses` — with a targetRef to the pod, and the Service's ports (targetPort resolved
 * per pod, by number or by container port name; pods with the same ports share a subset).
 * Endpoints of Services without a selector are left to their authors.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { KubeObject, ObjectStore } from '../types.js';
import type { SimCache } from './cache.js';
import { isPodReady, podIP } from './pod-status.js';
import { WorkQueue } from './queue.js';
import { deleteIfExists, isCode, keyOf, mutate, rec, RES, splitKey, stableStringify, jsonEqual } from './resources.js';
import { mapSelector } from './selector.js';

/** Label Kubernetes puts on Endpoints of headless Services. */
const HEADLESS_LABEL = 'service.kubernetes.io/headless';

interface Port {
  name?: string;
  port: number;
  protocol: string;
}

function resolvePorts(svc: KubeObject, pod: KubeObject): Port[] | undefined {
  const ports = rec(svc['spec'])['ports'];
  if (!Array.isArray(ports)) return [];
  const out: Port[] = [];
  for (const raw of ports) {
    const p = rec(raw);
    const target = p['targetPort'] ?? p['port'];
    const protocol = typeof p['protocol'] === 'string' ? p['protocol'] : 'TCP';
    let port: number | undefined;
    if (typeof target === 'number') port = target;
    else if (typeof target === 'string' && /^\d+$/.test(target)) port = Number(target);
    else {
      const containers = rec(pod['spec'])['containers'];
      for (const c of Array.isArray(containers) ? containers : []) {
        for (const cp of Array.isArray(rec(c)['ports']) ? (rec(c)['ports'] as unknown[]) : []) {
          if (rec(cp)['name'] === target && typeof rec(cp)['containerPort'] === 'number') port = rec(cp)['containerPort'] as number;
        }
      }
    }
    if (port === undefined) continue; // named port the pod does not have: skip this port
    const e: Port = { port, protocol };
    if (typeof p['name'] === 'string' && p['name'] !== '') e.name = p['name'];
    out.push(e);
  }
  return out;
}

/** Builds the subsets of a Service's Endpoints from the selected pods. */
export function endpointSubsets(svc: KubeObject, pods: readonly KubeObject[]): unknown[] {
  const groups = new Map<string, { ports: Port[]; ready: unknown[]; notReady: unknown[] }>();
  const publishNotReady = rec(svc['spec'])['publishNotReadyAddresses'] === true;
  const sorted = [...pods].sort((a, b) => (podIP(a) ?? '').localeCompare(podIP(b) ?? '', 'en', { numeric: true }));
  for (const pod of sorted) {
    const ip = podIP(pod);
    if (!ip || pod.metadata.deletionTimestamp !== undefined) continue;
    const ports = resolvePorts(svc, pod) ?? [];
    const k = stableStringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, ready: [], notReady: [] }));
    const spec = rec(pod['spec']);
    const addr: Record<string, unknown> = {
      ip,
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    if (typeof spec['nodeName'] === 'string') addr['nodeName'] = spec['nodeName'];
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  return [...groups.values()].map((g) => {
    const s: Record<string, unknown> = {};
    if (g.ready.length > 0) s['addresses'] = g.ready;
    if (g.notReady.length > 0) s['notReadyAddresses'] = g.notReady;
    if (g.ports.length > 0) s['ports'] = g.ports;
    return s;
  });
}

/** Starts the Endpoints controller; returns its stop function. */
export function startEndpointsController(store: ObjectStore, cache: SimCache, clock: Clock, log: Logger): () => void {
  const queue = new WorkQueue('endpoints', clock, sync, log);
  /** Services deleted since their last sync: their Endpoints go too. */
  const deletedServices = new Set<string>();

  const servicesFor = (pod: KubeObject): void => {
    for (const svc of cache.inNamespace(RES.services, pod.metadata.namespace)) {
      const sel = mapSelector(rec(svc['spec'])['selector']);
      if (!sel.empty && sel.matches(pod.metadata.labels)) queue.add(keyOf(svc));
    }
  };
  cache.onEvent((ev) => {
    if (ev.res.group !== '') return;
    if (ev.res.resource === 'services') {
      if (ev.type === 'DELETED') deletedServices.add(keyOf(ev.object));
      queue.add(keyOf(ev.object));
    } else if (ev.res.resource === 'endpoints') {
      if (cache.get(RES.services, ev.object.metadata.namespace, ev.object.metadata.name ?? '')) queue.add(keyOf(ev.object));
    } else if (ev.res.resource === 'pods') {
      if (ev.old && !relevantChange(ev.old, ev.object) && ev.type === 'MODIFIED') return;
      servicesFor(ev.object);
      if (ev.old) servicesFor(ev.old);
    }
  });

  function sync(key: string): undefined {
    const { namespace, name } = splitKey(key);
    const svc = cache.get(RES.services, namespace, name);
    const ep = cache.get(RES.endpoints, namespace, name);
    if (!svc) {
      if (ep && deletedServices.has(key)) deleteIfExists(store, RES.endpoints, namespace, name);
      deletedServices.delete(key);
      return undefined;
    }
    deletedServices.delete(key);
    const sel = mapSelector(rec(svc['spec'])['selector']);
    if (sel.empty) return undefined;
    const subsets = endpointSubsets(svc, cache.selectPods(namespace ?? '', sel, RES.pods));
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (rec(svc['spec'])['clusterIP'] === 'None') labels[HEADLESS_LABEL] = '';
    if (!ep) {
      try {
        const created = store.create(RES.endpoints, {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name, namespace, labels },
          subsets,
        });
        cache.apply('ADDED', RES.endpoints, created);
      } catch (err) {
        if (!isCode(err, 409)) throw err;
        queue.add(key); // created meanwhile: update it on the next pass
      }
      return undefined;
    }
    if (jsonEqual(ep['subsets'] ?? [], subsets) && jsonEqual(ep.metadata.labels ?? {}, labels)) return undefined;
    const written = mutate(store, RES.endpoints, namespace, name, (o) => {
      o['subsets'] = subsets;
      o.metadata.labels = labels;
      return true;
    });
    if (written) cache.apply('MODIFIED', RES.endpoints, written);
    return undefined;
  }

  return () => queue.stop();
}

/** Pod changes that can move an address: labels, IP, readiness, deletion. */
function relevantChange(a: KubeObject, b: KubeObject): boolean {
  return (
    !jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) ||
    podIP(a) !== podIP(b) ||
    isPodReady(a) !== isPodReady(b) ||
    a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp ||
    rec(a['spec'])['nodeName'] !== rec(b['spec'])['nodeName']
  );
}
