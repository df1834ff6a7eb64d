/** Field paths as `fieldRef.fieldPath` writes them: `metadata.name`, `metadata.labels['app']`. */

/** The value at `path` in `obj`, or undefined when any step is missing. */
export function fieldPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const m of path.matchAll(/([^.[\]]+)|\[['"]([^'"]+)['"]\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[m[1] ?? m[2] ?? ''];
  }
  return cur;
}
