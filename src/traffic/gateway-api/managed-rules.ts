/**
 * The rules the controller adds to an HTTPRoute (steps `setHeaderRoute` and `setMirrorRoute`).
 * HTTPRoute rules have no name in every served version, so the controller records each rule
 * it added, by managed-route name, in the annotation {@link MANAGED_RULES_ANNOTATION}, and
 * recognises it again as the rule that contains everything it wrote (the API server may add
 * defaults). A rule a person wrote is never taken for a managed one. Pure.
 */
import { asArray, asObject, clone, deepContains, type JsonObject } from '../json.js';
import type { HeaderRoute, KubeObject, MirrorRoute, MirrorRouteMatch, StringMatch } from '../types.js';
import { refersTo, rules, type Services } from './weights.js';

/** Annotation holding `[{name, rule}]` for the rules the controller added, JSON-encoded. */
export const MANAGED_RULES_ANNOTATION = 'sluice.dev/managed-rules';

/** One rule the controller added. */
export interface ManagedRule {
  name: string;
  rule: JsonObject;
}

/** The recorded managed rules. */
export function readManagedRules(route: KubeObject): ManagedRule[] {
  const raw = route.metadata.annotations?.[MANAGED_RULES_ANNOTATION];
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return asArray(parsed).flatMap((e) => {
      const o = asObject(e);
      const rule = asObject(o?.['rule']);
      return o && typeof o['name'] === 'string' && rule ? [{ name: o['name'], rule }] : [];
    });
  } catch {
    return [];
  }
}

/** Index in `spec.rules` of the rule recorded as `m`, or -1. */
function indexOf(route: KubeObject, m: ManagedRule, taken: Set<number>): number {
  return rules(route).findIndex((r, i) => !taken.has(i) && deepContains(r, m.rule));
}

/** Where each recorded rule sits now (-1 when a person removed it). */
export function locateManagedRules(route: KubeObject): Array<ManagedRule & { index: number }> {
  const taken = new Set<number>();
  return readManagedRules(route).map((m) => {
    const index = indexOf(route, m, taken);
    if (index >= 0) taken.add(index);
    return { ...m, index };
  });
}

function write(route: KubeObject, list: unknown[], managed: ManagedRule[]): KubeObject {
  const next = clone(route);
  const spec = asObject(next['spec']) ?? {};
  spec['rules'] = list;
  next['spec'] = spec;
  const annotations = { ...(next.metadata.annotations ?? {}) };
  if (managed.length > 0) annotations[MANAGED_RULES_ANNOTATION] = JSON.stringify(managed);
  else delete annotations[MANAGED_RULES_ANNOTATION];
  next.metadata.annotations = annotations;
  if (Object.keys(annotations).length === 0) delete next.metadata.annotations;
  return next;
}

/** `route` without the managed rules named in `names` (all of them when omitted). */
export function withoutManagedRules(route: KubeObject, names?: string[]): KubeObject {
  const located = locateManagedRules(route);
  const drop = located.filter((m) => !names || names.includes(m.name));
  if (drop.length === 0) return route;
  const dropIdx = new Set(drop.map((m) => m.index));
  const keep = located.filter((m) => !drop.includes(m)).map(({ name, rule }) => ({ name, rule }));
  return write(route, rules(route).filter((_, i) => !dropIdx.has(i)), keep);
}

/**
 * After the weights changed (`before` -> `after`, same rule positions), records the managed
 * rules as they now read, so they are still recognised.
 */
export function refreshManagedRules(before: KubeObject, after: KubeObject): KubeObject {
  const located = locateManagedRules(before);
  if (located.length === 0) return after;
  const list = rules(after);
  const managed = located.map((m) => ({ name: m.name, rule: m.index >= 0 ? (asObject(clone(list[m.index])) ?? m.rule) : m.rule }));
  return write(after, list, managed);
}

/** `route` with `rule` recorded as `name`, managed rules on top in `managedRoutes` order. */
export function withManagedRule(route: KubeObject, name: string, rule: JsonObject, managedRoutes: string[]): KubeObject {
  const base = withoutManagedRules(route, [name]);
  const located = locateManagedRules(base);
  const managedIdx = new Set(located.map((m) => m.index));
  const entries = [...located.filter((m) => m.index >= 0).map((m) => ({ name: m.name, rule: asObject(rules(base)[m.index]) ?? m.rule })), { name, rule }];
  const rank = (n: string): number => {
    const i = managedRoutes.indexOf(n);
    return i < 0 ? managedRoutes.length : i;
  };
  entries.sort((a, b) => rank(a.name) - rank(b.name));
  const rest = rules(base).filter((_, i) => !managedIdx.has(i));
  return write(base, [...entries.map((e) => e.rule), ...rest], entries);
}

function headerMatch(name: string, v: StringMatch): JsonObject {
  if (v.exact !== undefined) return { type: 'Exact', name, value: v.exact };
  if (v.regex !== undefined) return { type: 'RegularExpression', name, value: v.regex };
  return { type: 'RegularExpression', name, value: `^${(v.prefix ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*` };
}

function canaryRef(primary: JsonObject | undefined, s: Services): JsonObject {
  const ref = asArray(primary?.['backendRefs']).find((r) => refersTo(r, s.canaryService));
  const out = clone(asObject(ref) ?? { name: s.canaryService });
  delete out['weight'];
  delete out['filters'];
  return out;
}

function ownFilters(primary: JsonObject | undefined): unknown[] {
  return asArray(primary?.['filters']).filter((f) => asObject(f)?.['type'] !== 'RequestMirror').map((f) => clone(f));
}

/**
 * A rule sending requests with the route's headers (ANDed, on each of the primary rule's
 * matches) to the canary, with the primary rule's filters.
 */
export function headerRule(primary: JsonObject | undefined, s: Services, route: HeaderRoute): JsonObject {
  const headers = (route.match ?? []).map((m) => headerMatch(m.headerName, m.headerValue));
  const baseMatches = asArray(primary?.['matches']);
  const matches = (baseMatches.length > 0 ? baseMatches : [{}]).map((m) => {
    const copy = clone(asObject(m) ?? {});
    copy['headers'] = [...asArray(copy['headers']), ...headers];
    return copy;
  });
  const rule: JsonObject = { matches, backendRefs: [canaryRef(primary, s)] };
  const filters = ownFilters(primary);
  if (filters.length > 0) rule['filters'] = filters;
  return rule;
}

function mirrorMatch(m: MirrorRouteMatch): JsonObject {
  const out: JsonObject = {};
  if (m.path) {
    if (m.path.exact !== undefined) out['path'] = { type: 'Exact', value: m.path.exact };
    else if (m.path.prefix !== undefined) out['path'] = { type: 'PathPrefix', value: m.path.prefix };
    else if (m.path.regex !== undefined) out['path'] = { type: 'RegularExpression', value: m.path.regex };
  }
  if (m.method?.exact !== undefined) out['method'] = m.method.exact;
  if (m.headers) out['headers'] = Object.entries(m.headers).map(([k, v]) => headerMatch(k, v));
  return out;
}

/**
 * A rule with the primary rule's backends and weights that also mirrors `percentage` percent
 * of the matching requests to the canary (`RequestMirror` filter; `percent` needs Gateway API
 * 1.2 and is left out at 100).
 */
export function mirrorRule(primary: JsonObject | undefined, s: Services, route: MirrorRoute): JsonObject {
  const ref = canaryRef(primary, s);
  const backendRef: JsonObject = { name: ref['name'] };
  if (ref['namespace'] !== undefined) backendRef['namespace'] = ref['namespace'];
  if (ref['port'] !== undefined) backendRef['port'] = ref['port'];
  const requestMirror: JsonObject = { backendRef };
  if (route.percentage !== undefined && route.percentage < 100) requestMirror['percent'] = route.percentage;
  return {
    matches: (route.match ?? []).map(mirrorMatch),
    filters: [...ownFilters(primary), { type: 'RequestMirror', requestMirror }],
    backendRefs: clone(asArray(primary?.['backendRefs'])),
  };
}
