/**
 * Helpers over condition values: type names for messages, deep equality, conversion from the
 * arbitrary JSON a provider returns, and Go-compatible float parsing.
 */
import type { Value } from './ast.js';

/** The type name used in messages: nil, bool, number, string, array, map. */
export function typeName(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return Array.isArray(v) ? 'array' : 'map';
}

/** A short rendering of a value for messages (`NaN`, `+Inf`, `"ok"`, `[0.5, ...]`). */
export function show(v: Value, budget = 40): string {
  let s: string;
  if (typeof v === 'number') s = formatNumber(v);
  else if (Array.isArray(v)) s = `[${v.slice(0, 5).map((e) => show(e, 12)).join(', ')}${v.length > 5 ? ', ...' : ''}]`;
  else s = v === null ? 'nil' : JSON.stringify(v);
  return s.length > budget ? `${s.slice(0, budget - 3)}...` : s;
}

/**
 * Formats a number the way Prometheus and Go's `strconv.FormatFloat(f, 'f', -1, 64)` do, which
 * is what Argo Rollouts stores as a measurement value: `NaN`, `+Inf`, `-Inf`, `0.25`, `1200`.
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  const s = String(n);
  if (!s.includes('e')) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/**
 * Parses a float as Go's `strconv.ParseFloat` and Prometheus' JSON do: `NaN`, `+Inf`, `-Inf`,
 * `Inf` (any case), decimals and exponents. Returns undefined for anything else, including "".
 */
export function parseFloatStrict(s: string): number | undefined {
  const t = s.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Deep equality as expr's `==`: different types are unequal, numbers by value (NaN != NaN). */
export function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as readonly Value[];
    return a.length === bb.length && a.every((e: Value, i: number) => equal(e, bb[i] ?? null));
  }
  const ao = a as { readonly [k: string]: Value };
  const bo = b as { readonly [k: string]: Value };
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && equal(ao[k] ?? null, bo[k] ?? null));
}

/**
 * Converts arbitrary input (a provider's parsed JSON, numbers, arrays) to a {@link Value}:
 * undefined becomes nil, functions and symbols become nil, objects are copied shallowly per level.
 * Depth beyond 32 is cut to nil so a hostile document cannot blow the stack.
 */
export function toValue(input: unknown, depth = 0): Value {
  if (input === undefined || input === null || depth > 32) return null;
  if (typeof input === 'boolean' || typeof input === 'number' || typeof input === 'string') return input;
  if (typeof input === 'bigint') return Number(input);
  if (Array.isArray(input)) return input.map((e) => toValue(e, depth + 1));
  if (typeof input === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) out[k] = toValue(v, depth + 1);
    return out;
  }
  return null;
}
