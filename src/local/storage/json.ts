/** Small JSON helpers shared by the store and the patchers. */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of two JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** The object without the listed top-level keys (shallow). */
export function without(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** Reads `.a.b.c` (a simple JSONPath of field names). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (!part) continue;
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Writes `.a.b.c`, creating intermediate objects. */
export function setPath(obj: JsonObject, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.').filter((p) => p);
  let cur: JsonObject = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    const next = cur[p];
    if (isObject(next)) cur = next;
    else {
      const made: JsonObject = {};
      cur[p] = made;
      cur = made;
    }
  }
  const last = parts[parts.length - 1];
  if (last !== undefined) cur[last] = value;
}
