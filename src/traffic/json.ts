/** Small helpers for working on Kubernetes objects as plain JSON. */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` when it is an array, else `[]`. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v` when it is an object, else `undefined`. */
export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** `v` when it is a string, else `undefined`. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of two JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * True when everything in `sub` is also in `whole` (objects may have extra keys in `whole`,
 * arrays must have the same length). Used to recognise an object we wrote after the API server
 * filled in defaults.
 */
export function deepContains(whole: unknown, sub: unknown): boolean {
  if (Array.isArray(sub)) {
    return Array.isArray(whole) && whole.length === sub.length && sub.every((x, i) => deepContains(whole[i], x));
  }
  if (isObject(sub)) {
    return isObject(whole) && Object.keys(sub).every((k) => deepContains(whole[k], sub[k]));
  }
  return whole === sub;
}

/** Reads a numeric weight (numbers or numeric strings, as SMI v1alpha1 quantities are written). */
export function readWeight(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return 0;
}
