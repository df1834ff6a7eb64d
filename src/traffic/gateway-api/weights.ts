/**
 * Weight math on a Gateway API HTTPRoute. Pure: an HTTPRoute in, a new one out.
 *
 * Weights on `backendRefs` are relative, so the canary gets `w` and the stable
 * `maxWeight - w` on every rule that references both Services:
 *
 * | canaryWeight | canary backendRef | stable backendRef |
 * |-------------:|------------------:|------------------:|
 * |            0 |                 0 |               100 |
 * |            5 |                 5 |                95 |
 * |           50 |                50 |                50 |
 * |          100 |               100 |                 0 |
 *
 * Only those two `weight` fields change; matches, filters, timeouts, other rules and other
 * backendRefs stay as written.
 */
import { asArray, asObject, asString, clone, readWeight } from '../json.js';
import type { KubeObject, RouterProblem, TrafficContext } from '../types.js';

/** The Services a route targets. */
export type Services = Pick<TrafficContext, 'canaryService' | 'stableService'>;

/** `spec.rules` as an array. */
export function rules(route: KubeObject): unknown[] {
  return asArray(asObject(route['spec'])?.['rules']);
}

/** True when a backendRef points at the core Service `name`. */
export function refersTo(ref: unknown, name: string): boolean {
  const r = asObject(ref);
  if (!r || asString(r['name']) !== name) return false;
  const kind = r['kind'] ?? 'Service';
  const group = r['group'] ?? '';
  return kind === 'Service' && group === '';
}

/** Indices of the rules whose backendRefs reference both the canary and the stable Service. */
export function weightedRules(route: KubeObject, s: Services): number[] {
  return rules(route).flatMap((rule, i) => {
    const refs = asArray(asObject(rule)?.['backendRefs']);
    return refs.some((r) => refersTo(r, s.canaryService)) && refs.some((r) => refersTo(r, s.stableService)) ? [i] : [];
  });
}

/** `route` with the canary at `canaryWeight` and the stable at `maxWeight - canaryWeight`. */
export function withGatewayWeights(route: KubeObject, s: Services, canaryWeight: number, maxWeight: number): KubeObject {
  const next = clone(route);
  const list = rules(next);
  for (const idx of weightedRules(next, s)) {
    for (const ref of asArray(asObject(list[idx])?.['backendRefs'])) {
      const r = asObject(ref);
      if (!r) continue;
      if (refersTo(r, s.canaryService)) r['weight'] = canaryWeight;
      else if (refersTo(r, s.stableService)) r['weight'] = maxWeight - canaryWeight;
    }
  }
  return next;
}

/** Canary and stable weights of each weighted rule (an absent weight is the API default, 1). */
export function readGatewayWeights(route: KubeObject, s: Services): Array<{ canary: number; stable: number }> {
  const list = rules(route);
  return weightedRules(route, s).map((idx) => {
    let canary = 0;
    let stable = 0;
    for (const ref of asArray(asObject(list[idx])?.['backendRefs'])) {
      const w = asObject(ref)?.['weight'] === undefined ? 1 : readWeight(asObject(ref)?.['weight']);
      if (refersTo(ref, s.canaryService)) canary += w;
      else if (refersTo(ref, s.stableService)) stable += w;
    }
    return { canary, stable };
  });
}

/** A problem when no rule references both Services. */
export function httpRouteProblems(route: KubeObject, s: Services, field: string): RouterProblem[] {
  if (weightedRules(route, s).length > 0) return [];
  const names = new Set(rules(route).flatMap((rule) => asArray(asObject(rule)?.['backendRefs']).map((r) => asString(asObject(r)?.['name']) ?? '?')));
  return [{
    field,
    message: `HTTPRoute "${route.metadata.name ?? ''}" has no rule whose backendRefs reference both the canary Service "${s.canaryService}" and the stable Service "${s.stableService}"; it references: ${[...names].join(', ') || '(no backends)'}`,
  }];
}
