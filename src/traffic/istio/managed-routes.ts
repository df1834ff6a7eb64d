/**
 * The http routes the controller adds to a VirtualService (steps `setHeaderRoute` and
 * `setMirrorRoute`): named routes placed at the top of `spec.http`, ordered as
 * `trafficRouting.managedRoutes` lists them, removed by name. Pure.
 */
import { asObject, clone } from '../json.js';
import type { HeaderRoute, KubeObject, MirrorRoute, MirrorRouteMatch, StringMatch } from '../types.js';
import { routeList, routeName, type WeightedRoutes } from './routes.js';
import { destinationRole, type IstioTargets } from './targets.js';

function setHttp(vs: KubeObject, http: unknown[]): KubeObject {
  const next = clone(vs);
  const spec = asObject(next['spec']) ?? {};
  spec['http'] = http;
  next['spec'] = spec;
  return next;
}

/** `vs` without the http routes named in `names`. */
export function withoutRoutes(vs: KubeObject, names: Iterable<string>): KubeObject {
  const drop = new Set(names);
  const http = routeList(vs, 'http');
  const kept = http.filter((r) => !drop.has(routeName(r) ?? ''));
  return kept.length === http.length ? vs : setHttp(vs, kept);
}

/** Managed routes first, in `managedRoutes` order; every other route after, in its order. */
export function orderManagedRoutes(vs: KubeObject, managedRoutes: string[]): KubeObject {
  const http = routeList(vs, 'http');
  const rank = new Map(managedRoutes.map((n, i) => [n, i] as const));
  const managed = http.filter((r) => rank.has(routeName(r) ?? '')).sort((a, b) => (rank.get(routeName(a) ?? '') ?? 0) - (rank.get(routeName(b) ?? '') ?? 0));
  const rest = http.filter((r) => !rank.has(routeName(r) ?? ''));
  return setHttp(vs, [...managed, ...rest]);
}

/** The canary destination (host, subset, port as the primary route writes it) for a new route. */
function canaryDestination(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets): Record<string, unknown> {
  const primary = routeList(vs, 'http')[routes.http[0] ?? -1];
  for (const d of (asObject(primary)?.['route'] as unknown[] | undefined) ?? []) {
    if (destinationRole(d, t) === 'canary') {
      const dest = asObject(asObject(d)?.['destination']) ?? {};
      const out: Record<string, unknown> = { host: dest['host'] };
      if (dest['subset'] !== undefined) out['subset'] = dest['subset'];
      if (dest['port'] !== undefined) out['port'] = clone(dest['port']);
      return out;
    }
  }
  return { host: t.canaryService };
}

function stringMatch(m: StringMatch): Record<string, string> {
  const out: Record<string, string> = {};
  if (m.exact !== undefined) out['exact'] = m.exact;
  if (m.prefix !== undefined) out['prefix'] = m.prefix;
  if (m.regex !== undefined) out['regex'] = m.regex;
  return out;
}

/** The http route for a header route: each match (ORed) sends its requests to the canary. */
export function headerHttpRoute(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets, route: HeaderRoute): Record<string, unknown> {
  return {
    name: route.name,
    match: (route.match ?? []).map((m) => ({ headers: { [m.headerName]: stringMatch(m.headerValue) } })),
    route: [{ destination: canaryDestination(vs, routes, t), weight: 100 }],
  };
}

function mirrorMatch(m: MirrorRouteMatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.method) out['method'] = stringMatch(m.method);
  if (m.path) out['uri'] = stringMatch(m.path);
  if (m.headers) out['headers'] = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, stringMatch(v)]));
  return out;
}

/**
 * The http route for a mirror route: the primary route's destinations (with their current
 * weights, kept in step by later weight changes) plus a mirror to the canary.
 */
export function mirrorHttpRoute(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets, route: MirrorRoute): Record<string, unknown> {
  const primary = asObject(routeList(vs, 'http')[routes.http[0] ?? -1]);
  return {
    name: route.name,
    match: (route.match ?? []).map(mirrorMatch),
    route: clone(primary?.['route'] ?? []),
    mirror: canaryDestination(vs, routes, t),
    mirrorPercentage: { value: route.percentage ?? 100 },
  };
}

/** `vs` with `route` (replacing any route of its name) placed by managedRoutes order. */
export function withManagedRoute(vs: KubeObject, route: Record<string, unknown>, managedRoutes: string[]): KubeObject {
  const name = String(route['name']);
  const without = withoutRoutes(vs, [name]);
  return orderManagedRoutes(setHttp(without, [route, ...routeList(without, 'http')]), managedRoutes);
}
