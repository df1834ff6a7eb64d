/**
 * Strategic merge patch for built-in kinds: like a merge patch, except that lists with a patch
 * merge key (containers by name, ports by containerPort, ownerReferences by uid, conditions by
 * type, ...) merge item by item, `finalizers` merge as a set, and the directives `$patch`
 * (delete/replace/merge), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` are honoured. Lists without a merge key are replaced.
 */
import { clone, deepEqual, isObject, type JsonObject } from '../storage/json.js';

const BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'imagePullSecrets', 'env', 'resourceClaims']);
const CONTAINERS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const PRIMITIVE_SETS = new Set(['finalizers']);

/** The merge key of list `field` under the field chain `path` for `kind`, or undefined. */
export function mergeKeyFor(kind: string, path: readonly string[], field: string): string | undefined {
  if (BY_NAME.has(field)) return 'name';
  const parent = path[path.length - 1];
  switch (field) {
    case 'ports':
      if (parent && CONTAINERS.has(parent)) return 'containerPort';
      if (kind === 'Service' && parent === 'spec' && path.length === 1) return 'port';
      return undefined;
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

/** Applies a strategic merge patch to a copy of `target`. */
export function applyStrategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  if (!isObject(patch)) return clone(patch);
  return mergeMap(isObject(target) ? target : {}, patch, [], kind) ?? {};
}

function mergeMap(orig: JsonObject, patch: JsonObject, path: string[], kind: string): JsonObject | undefined {
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clone(rest);
  }
  const out: JsonObject = { ...orig };
  const orders: Array<[string, unknown[]]> = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (isObject(v)) {
      const merged = mergeMap(isObject(cur) ? cur : {}, v, [...path, k], kind);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(cur) ? cur : [], v, [...path], k, kind);
    } else out[k] = clone(v);
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = reorder(cur, order, mergeKeyFor(kind, path, field));
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeList(orig: unknown[], patch: unknown[], path: string[], field: string, kind: string): unknown[] {
  if (PRIMITIVE_SETS.has(field)) {
    const out = [...orig];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
    return out;
  }
  const key = mergeKeyFor(kind, path, field);
  if (!key) return clone(patch.filter((p) => !(isObject(p) && p['$patch'])));
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return clone(patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace')));
  }
  const out: unknown[] = [...orig];
  const itemPath = [...path, field];
  for (const p of patch) {
    if (!isObject(p)) continue;
    const idx = out.findIndex((o) => isObject(o) && deepEqual(o[key], p[key]));
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as JsonObject, p, itemPath, kind);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const added = mergeMap({}, p, itemPath, kind);
      if (added !== undefined) out.push(added);
    }
  }
  return out;
}

function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const pos = (item: unknown): number =>
    order.findIndex((o) => (key && isObject(o) && isObject(item) ? deepEqual(o[key], item[key]) : deepEqual(o, item)));
  const ranked = list.map((item, i) => ({ item, i, p: pos(item) }));
  ranked.sort((a, b) => {
    if (a.p >= 0 && b.p >= 0) return a.p - b.p;
    if (a.p >= 0) return -1;
    if (b.p >= 0) return 1;
    return a.i - b.i;
  });
  return ranked.map((r) => r.item);
}
