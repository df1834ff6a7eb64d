/**
 * Small schema builders shared by the API files: ranged integers with Sluice's messages,
 * string maps, int-or-string values and the lenient builders used for status (our own memory:
 * a bad or missing field falls back to its zero value instead of failing the whole object).
 */
import { z } from 'zod';
import { describeValue } from './errors.js';

/** An integer in [min, max]; the message names both bounds: `must be between 0 and 100, got 120`. */
export function intBetween(min: number, max: number) {
  const error = (iss: { input?: unknown }): string => `must be between ${min} and ${max}, got ${describeValue(iss.input)}`;
  return z.int({ error: (iss) => (iss.input === undefined ? 'is required' : error(iss)) }).min(min, { error }).max(max, { error });
}

/** An integer >= min (0 by default): `must be >= 0, got -1`. */
export function intAtLeast(min = 0) {
  return z.int().min(min, { error: (iss) => `must be >= ${min}, got ${describeValue(iss.input)}` });
}

/** A percentage 0..100. */
export const percent = (): ReturnType<typeof intBetween> => intBetween(0, 100);

/** `map[string]string`, defaulting to `{}`. */
export const StringMap = z.record(z.string(), z.string());
/** Type of {@link StringMap}. */
export type StringMap = z.infer<typeof StringMap>;
/** A string map that is `{}` when absent. */
export const stringMap = () => StringMap.default(() => ({}));

/** An integer or a string (Kubernetes IntOrString); `x-kubernetes-int-or-string` in the CRD. */
export const IntOrString = z.union([z.int(), z.string()], {
  error: (iss) => `must be an integer or a string, got ${describeValue(iss.input)}`,
});
/** Type of {@link IntOrString}. */
export type IntOrString = z.infer<typeof IntOrString>;

const PERCENT = /^(\d+)%$/;

/** An absolute count or a percentage string like `"25%"` (maxSurge, maxUnavailable). */
export const IntOrPercent = z
  .union([z.int(), z.string()], { error: (iss) => `must be an integer or a percentage like "25%", got ${describeValue(iss.input)}` })
  .check((ctx) => {
    const v = ctx.value;
    const ok = typeof v === 'number' ? v >= 0 : PERCENT.test(v);
    if (!ok) ctx.issues.push({ code: 'custom', input: v, message: `must be a non-negative integer or a percentage like "25%", got ${describeValue(v)}` });
  });

/**
 * Resolves an int-or-percent against a total, like Kubernetes' intstr: percentages round up
 * when `roundUp` (maxSurge) and down otherwise (maxUnavailable).
 *
 * `resolveIntOrPercent("25%", 10, true) === 3`, `resolveIntOrPercent("25%", 10, false) === 2`,
 * `resolveIntOrPercent(4, 10, true) === 4`.
 */
export function resolveIntOrPercent(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = PERCENT.exec(v);
  if (!m || m[1] === undefined) throw new TypeError(`not an integer or percentage: ${JSON.stringify(v)}`);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * The number in an int-or-string limit or count (`3` or `"3"`), or undefined for text that is
 * not a number (e.g. an unresolved `"{{args.count}}"`).
 */
export function intOrStringValue(v: number | string): number | undefined {
  if (typeof v === 'number') return v;
  return /^-?\d+$/.test(v.trim()) ? Number(v) : undefined;
}

// ---- lenient builders (status) ----

/** A string, '' when missing or malformed. */
export const lstr = () => z.string().catch('');
/** An integer, 0 when missing or malformed. */
export const lint = () => z.int().catch(0);
/** A boolean, false when missing or malformed. */
export const lbool = () => z.boolean().catch(false);
/** An optional value, undefined when missing or malformed. */
export const lopt = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
/** A string map, {} when missing or malformed. */
export const lmap = () => StringMap.catch(() => ({}));

/** An object whose fields are all lenient; itself falls back to all-defaults when malformed. */
export function lobj<S extends z.core.$ZodLooseShape>(shape: S) {
  const o = z.object(shape);
  return o.catch(() => o.parse({}));
}

// Keyed by the definition object, which zod shares between a schema and its clones
// (`.describe()`, `.meta()`), so a view survives documentation added later.
const crdViews = new WeakMap<object, z.core.$ZodType>();

/** Declares the schema the CRD shows for `s` (for schemas whose own input side is untyped). Returns `s`. */
export function withCrdView<T extends z.core.$ZodType>(s: T, crd: z.core.$ZodType): T {
  crdViews.set(s._zod.def, crd);
  return s;
}

/** The CRD view declared for `s`, if any. */
export function crdViewOf(s: z.core.$ZodType): z.core.$ZodType | undefined {
  return crdViews.get(s._zod.def);
}

/** A list that drops malformed items instead of failing; [] when missing. The CRD shows `items: item`. */
export function larray<T extends z.ZodType>(item: T) {
  const s = z
    .unknown()
    .optional()
    .transform((v): z.output<T>[] => {
      if (!Array.isArray(v)) return [];
      const out: z.output<T>[] = [];
      for (const x of v) {
        const r = item.safeParse(x);
        if (r.success) out.push(r.data);
      }
      return out;
    });
  return withCrdView(s, z.array(item).optional());
}
