/**
 * The subset of kubectl JSONPath that printer columns use: `.a.b`, `.a[0]`, `.a[*].b`,
 * `.a[?(@.type=="Ready")].status`. Returns every match.
 */
import { isObject } from '../storage/json.js';

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parse(expr: string): Step[] {
  const s = expr.trim().replace(/^\{(.*)\}$/, '$1').replace(/^\$/, '');
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_\-$/]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? '' } });
    else if (m[5] !== undefined) steps.push({ field: m[5] });
    else steps.push({ all: true });
    if (re.lastIndex >= s.length) break;
  }
  return steps;
}

function dig(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

/** Evaluates a printer-column JSONPath against an object. */
export function evalJsonPath(obj: unknown, expr: string): unknown[] {
  let cur: unknown[] = [obj];
  for (const step of parse(expr)) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('field' in step) {
        if (isObject(v) && v[step.field] !== undefined) next.push(v[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(v) && v[step.index] !== undefined) next.push(v[step.index]);
      } else if ('all' in step) {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (isObject(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) if (String(dig(item, step.filter.path)) === step.filter.value) next.push(item);
      }
    }
    cur = next;
  }
  return cur;
}
