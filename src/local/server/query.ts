/** Query parameters of resource requests. */
import { badRequest } from '../errors.js';

/** Parsed common query parameters. */
export interface RequestQuery {
  raw: URLSearchParams;
  dryRun: boolean;
  fieldManager?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  watch: boolean;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  propagationPolicy?: string;
  force: boolean;
  includeObject?: string;
  fieldValidation?: string;
}

function bool(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Parses the query; 400 on malformed numbers or dryRun values. */
export function parseQuery(q: URLSearchParams): RequestQuery {
  const dry = q.getAll('dryRun');
  for (const d of dry) if (d !== 'All') throw badRequest(`Invalid dry run value: ${JSON.stringify(d)}: supported values: "All"`);
  const int = (name: string): number | undefined => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`);
    return Number(v);
  };
  const limit = int('limit');
  return {
    raw: q,
    dryRun: dry.length > 0,
    fieldManager: q.get('fieldManager') ?? undefined,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit !== undefined && limit > 0 ? limit : undefined,
    continue: q.get('continue') || undefined,
    watch: bool(q.get('watch')),
    resourceVersion: q.get('resourceVersion') ?? undefined,
    timeoutSeconds: int('timeoutSeconds'),
    allowWatchBookmarks: bool(q.get('allowWatchBookmarks')),
    sendInitialEvents: bool(q.get('sendInitialEvents')),
    propagationPolicy: q.get('propagationPolicy') ?? undefined,
    force: bool(q.get('force')),
    includeObject: q.get('includeObject') ?? undefined,
    fieldValidation: q.get('fieldValidation') ?? undefined,
  };
}

/** Write options of a request; `warnings` collects what goes into Warning headers. */
export function writeOptions(q: RequestQuery): { dryRun: boolean; fieldValidation?: string; warnings: string[] } {
  const fv = q.fieldValidation;
  if (fv !== undefined && fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation parameter unsupported: ${fv}`);
  }
  return { dryRun: q.dryRun, fieldValidation: fv, warnings: [] };
}

/** True when the Accept header asks for the Table format. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0] ?? '';
  return /(^|;)\s*as=Table/.test(first);
}
