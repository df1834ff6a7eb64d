/**
 * Weight math on a VirtualService. Pure: a VirtualService in, a new one out.
 *
 * Worked examples (maxWeight 100, host-level routing, canary Service `r-canary`):
 *
 * | canaryWeight | r-canary weight | r-stable weight |
 * |-------------:|----------------:|----------------:|
 * |            0 |               0 |             100 |
 * |            5 |               5 |              95 |
 * |           50 |              50 |              50 |
 * |          100 |             100 |               0 |
 *
 * Only the `weight` of canary and stable destinations in the weighted routes (and in the
 * managed mirror routes, which copy them) changes; every other field stays as written.
 */
import { asArray, asObject, clone, readWeight } from '../json.js';
import type { KubeObject } from '../types.js';
import { routeList, routeName, type WeightedRoutes } from './routes.js';
import { destinationRole, type IstioTargets } from './targets.js';

/** Indices of managed http routes that carry a mirror (they copy the primary's destinations). */
export function managedMirrorRoutes(vs: KubeObject, t: IstioTargets): number[] {
  const managed = new Set(t.managedRoutes);
  return routeList(vs, 'http').flatMap((r, i) => (managed.has(routeName(r) ?? '') && asObject(r)?.['mirror'] !== undefined ? [i] : []));
}

function setRouteWeights(route: unknown, t: IstioTargets, canaryWeight: number, maxWeight: number): void {
  for (const d of asArray(asObject(route)?.['route'])) {
    const dest = asObject(d);
    const role = destinationRole(d, t);
    if (!dest || !role) continue;
    dest['weight'] = role === 'canary' ? canaryWeight : maxWeight - canaryWeight;
  }
}

/**
 * `vs` with the canary destinations at `canaryWeight` and the stable ones at
 * `maxWeight - canaryWeight` in `routes` and in the managed mirror routes.
 */
export function withIstioWeights(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets, canaryWeight: number, maxWeight: number): KubeObject {
  const next = clone(vs);
  const http = new Set([...routes.http, ...managedMirrorRoutes(vs, t)]);
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    const list = routeList(next, kind);
    const indices = kind === 'http' ? [...http] : routes[kind];
    for (const idx of indices) setRouteWeights(list[idx], t, canaryWeight, maxWeight);
  }
  return next;
}

/** Canary and stable weights as written in each weighted route (missing weight reads as 0). */
export function readIstioWeights(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets): Array<{ canary: number; stable: number }> {
  const out: Array<{ canary: number; stable: number }> = [];
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    const list = routeList(vs, kind);
    for (const idx of routes[kind]) {
      let canary = 0;
      let stable = 0;
      for (const d of asArray(asObject(list[idx])?.['route'])) {
        const role = destinationRole(d, t);
        const w = readWeight(asObject(d)?.['weight']);
        if (role === 'canary') canary += w;
        if (role === 'stable') stable += w;
      }
      out.push({ canary, stable });
    }
  }
  return out;
}
