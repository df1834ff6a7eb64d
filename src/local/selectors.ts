/**
 * Label and field selectors, parsed once and matched many times. Grammar as in
 * k8s.io/apimachinery/pkg/labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`;
 * field selectors: `f=v`, `f==v`, `f!=v`.
 */
import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';

/** A compiled selector; `matches` is cheap. */
export interface Selector {
  readonly empty: boolean;
  matches(obj: KubeObject): boolean;
  /** For `metadata.name=x` field selectors: the single name selected, if any. */
  readonly exactName?: string;
}

type Req =
  | { op: 'eq' | 'ne'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

const EVERYTHING: Selector = { empty: true, matches: () => true };

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseLabelReq(part: string): Req {
  let m = /^!\s*([A-Za-z0-9._/-]+)$/.exec(part);
  if (m?.[1]) return { op: 'notexists', key: m[1] };
  m = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
  if (m?.[1] && m[2] && m[3] !== undefined) {
    const values = m[3].split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1], values };
  }
  m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(part);
  if (m?.[1] && m[2]) return { op: m[2] === '!=' ? 'ne' : 'eq', key: m[1], value: m[3] ?? '' };
  m = /^([A-Za-z0-9._/-]+)$/.exec(part);
  if (m?.[1]) return { op: 'exists', key: m[1] };
  throw badRequest(`unable to parse requirement: invalid label selector: ${JSON.stringify(part)}`);
}

function test(req: Req, value: string | undefined): boolean {
  switch (req.op) {
    case 'eq':
      return value === req.value;
    case 'ne':
      return value !== req.value;
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
  }
}

/** Parses a label selector string; throws 400 on bad syntax. */
export function parseLabelSelector(s: string | undefined): Selector {
  if (!s || !s.trim()) return EVERYTHING;
  const reqs = splitTopLevel(s).map(parseLabelReq);
  return {
    empty: false,
    matches: (obj) => {
      const labels = obj.metadata.labels ?? {};
      return reqs.every((r) => test(r, labels[r.key]));
    },
  };
}

/** Reads a dotted field path of an object as a field selector sees it (as a string). */
export function fieldValue(obj: KubeObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur as string | number | boolean);
}

/**
 * Parses a field selector; only `metadata.name`, `metadata.namespace` and the labels the
 * resource supports are accepted (400 otherwise, as the real server answers).
 */
export function parseFieldSelector(s: string | undefined, supported: readonly string[]): Selector {
  if (!s || !s.trim()) return EVERYTHING;
  const reqs: Array<{ key: string; value: string; ne: boolean }> = [];
  for (const part of splitTopLevel(s)) {
    const m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m?.[1] || !m[2]) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    const key = m[1];
    if (key !== 'metadata.name' && key !== 'metadata.namespace' && !supported.includes(key)) {
      throw badRequest(`field label not supported: ${key}`);
    }
    reqs.push({ key, value: (m[3] ?? '').trim(), ne: m[2] === '!=' });
  }
  const nameReq = reqs.find((r) => r.key === 'metadata.name' && !r.ne);
  return {
    empty: false,
    exactName: nameReq?.value,
    matches: (obj) =>
      reqs.every((r) => {
        const v =
          r.key === 'metadata.name'
            ? (obj.metadata.name ?? '')
            : r.key === 'metadata.namespace'
              ? (obj.metadata.namespace ?? '')
              : (fieldValue(obj, r.key) ?? '');
        return r.ne ? v !== r.value : v === r.value;
      }),
  };
}

/** Renders a LabelSelector object (matchLabels/matchExpressions) as a selector string. */
export function labelSelectorToString(sel: unknown): string {
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${vals}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${vals}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
