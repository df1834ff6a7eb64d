/**
 * Kubernetes-style JSONPath selection for the web provider, as Argo Rollouts writes it:
 * `{$.data.ok}`, `{.data}`, `$.data.items[0].value`. The braces are optional; a leading `.`
 * means `$.`. Evaluation uses jsonpath-plus with its safe (non-eval) script engine.
 */
import { JSONPath } from 'jsonpath-plus';

/** The outcome of a selection: one value, several (as an array), or none. */
export type Selection = { readonly found: true; readonly value: unknown } | { readonly found: false };

/** Turns `{$.data.ok}` / `{.data.ok}` into `$.data.ok`; throws for an empty or unbalanced path. */
export function normalizeJsonPath(path: string): string {
  let p = path.trim();
  if (p.startsWith('{')) {
    if (!p.endsWith('}')) throw new Error(`jsonPath ${JSON.stringify(path)} has an unbalanced '{'`);
    p = p.slice(1, -1).trim();
  }
  if (p.startsWith('.') || p.startsWith('[')) p = `$${p}`;
  if (!p.startsWith('$')) throw new Error(`jsonPath ${JSON.stringify(path)} must start with '$' or '.'`);
  return p;
}

/** Selects from `json`; a path matching several nodes yields them as an array. */
export function selectJsonPath(json: unknown, path: string): Selection {
  const p = normalizeJsonPath(path);
  if (p === '$') return { found: true, value: json };
  const hits = JSONPath({ path: p, json: json as object, wrap: true, eval: 'safe' }) as unknown[] | undefined;
  if (!hits || hits.length === 0) return { found: false };
  return { found: true, value: hits.length === 1 ? hits[0] : hits };
}
