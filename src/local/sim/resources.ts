/**
 * The resource types the simulated controllers act on, and small helpers shared by them:
 * object keys, owner references, and writes that retry on 409 by re-reading.
 */
import { ApiError, type KubeObject, type ObjectStore, type OwnerReference, type ResourceKey } from '../types.js';

/** Resource keys of the built-in types the simulation manages. */
export const RES = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  services: { group: '', version: 'v1', resource: 'services' },
  endpoints: { group: '', version: 'v1', resource: 'endpoints' },
  replicasets: { group: 'apps', version: 'v1', resource: 'replicasets' },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments' },
} as const satisfies Record<string, ResourceKey>;

/** Identity of a resource type that ignores the version: `group/resource`. */
export function resId(res: ResourceKey): string {
  return `${res.group}/${res.resource}`;
}

/** `namespace/name` (or `name` for cluster-scoped objects). */
export function objKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by {@link objKey}. */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The key of an object. */
export function keyOf(obj: KubeObject): string {
  return objKey(obj.metadata.namespace, obj.metadata.name ?? '');
}

/** The owner reference marked `controller: true`, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** Deep copy of JSON data. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** True when the error is an {@link ApiError} with this HTTP code. */
export function isCode(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

/** Attempts made by {@link mutate} before it gives up and lets the caller's queue retry. */
const MAX_ATTEMPTS = 8;

/**
 * Read-modify-write with retries on 409: reads the live object (the store returns a copy), lets
 * `change` edit it (return
 * false for "nothing to change"), and writes it (through the status subresource when `status`).
 * Returns the written object, or undefined when the object is gone or nothing changed.
 */
export function mutate(
  store: ObjectStore,
  res: ResourceKey,
  namespace: string | undefined,
  name: string,
  change: (obj: KubeObject) => boolean,
  opts: { status?: boolean; uid?: string } = {},
): KubeObject | undefined {
  for (let attempt = 1; ; attempt++) {
    const live = store.get(res, namespace, name);
    if (!live || (opts.uid !== undefined && live.metadata.uid !== opts.uid)) return undefined;
    const next = live; // the store hands out copies
    if (!change(next)) return undefined;
    try {
      return opts.status ? store.updateStatus(res, next) : store.update(res, next);
    } catch (err) {
      if (isCode(err, 404)) return undefined;
      if (isCode(err, 409) && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

/** Deletes, treating 404 as done. Returns true when something was deleted. */
export function deleteIfExists(store: ObjectStore, res: ResourceKey, namespace: string | undefined, name: string): boolean {
  try {
    return store.delete(res, namespace, name) !== undefined;
  } catch (err) {
    if (isCode(err, 404)) return false;
    throw err;
  }
}

/** Stable JSON: object keys sorted, so equal values always give equal strings. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Structural equality of JSON values (undefined object fields count as absent). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** Reads a nested field as a record (empty when absent or not an object). */
export function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Reads an integer field, with a default. */
export function int(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : dflt;
}
