/**
 * Finding the routes of a VirtualService the rollout weights, and the problems when they are
 * not there. Pure: object in, indices and problems out.
 */
import type { IstioTcpRouteRef, IstioTlsRouteRef, IstioVirtualServiceRef } from '../config.js';
import { asArray, asObject, asString } from '../json.js';
import type { KubeObject, RouterProblem } from '../types.js';
import { describeDestination, destinationRole, type IstioTargets } from './targets.js';

/** Indices into `spec.http`, `spec.tls`, `spec.tcp` of the routes to weight. */
export interface WeightedRoutes {
  http: number[];
  tls: number[];
  tcp: number[];
}

/** `spec.<kind>` of a VirtualService as an array. */
export function routeList(vs: KubeObject, kind: 'http' | 'tls' | 'tcp'): unknown[] {
  return asArray(asObject(vs['spec'])?.[kind]);
}

/** A route's name, or undefined. */
export function routeName(route: unknown): string | undefined {
  return asString(asObject(route)?.['name']);
}

function describeNames(routes: unknown[]): string {
  if (routes.length === 0) return '(no http routes)';
  return routes.map((r, i) => routeName(r) ?? `(unnamed route #${i})`).join(', ');
}

function matchesTls(route: unknown, ref: IstioTlsRouteRef): boolean {
  const ports = new Set<number>();
  const sni = new Set<string>();
  for (const m of asArray(asObject(route)?.['match'])) {
    const mo = asObject(m);
    const port = mo?.['port'];
    ports.add(typeof port === 'number' ? port : 0);
    for (const h of asArray(mo?.['sniHosts'])) if (typeof h === 'string') sni.add(h);
  }
  if (ports.size > 1) return false;
  const port = [...ports][0] ?? 0;
  const want = new Set(ref.sniHosts ?? []);
  return port === (ref.port ?? 0) && want.size === sni.size && [...want].every((h) => sni.has(h));
}

function matchesTcp(route: unknown, ref: IstioTcpRouteRef): boolean {
  const ports = new Set<number>();
  for (const m of asArray(asObject(route)?.['match'])) {
    const port = asObject(m)?.['port'];
    ports.add(typeof port === 'number' ? port : 0);
  }
  if (ports.size > 1) return false;
  return ([...ports][0] ?? 0) === (ref.port ?? 0);
}

function hasBoth(route: unknown, t: IstioTargets): boolean {
  const roles = asArray(asObject(route)?.['route']).map((d) => destinationRole(d, t));
  return roles.includes('canary') && roles.includes('stable');
}

/**
 * The routes `ref` points at in `vs`, and a problem for each reference that does not resolve.
 * `field` is the path of `ref` in the Rollout (e.g. `...istio.virtualService`).
 */
export function findWeightedRoutes(vs: KubeObject, ref: IstioVirtualServiceRef, t: IstioTargets, field: string): { routes: WeightedRoutes; problems: RouterProblem[] } {
  const problems: RouterProblem[] = [];
  const routes: WeightedRoutes = { http: [], tls: [], tcp: [] };
  const vsName = vs.metadata.name ?? ref.name;
  const http = routeList(vs, 'http');
  const managed = new Set(t.managedRoutes);

  const names = ref.routes ?? [];
  names.forEach((name, i) => {
    if (managed.has(name)) {
      problems.push({ field: `${field}.routes[${i}]`, message: `route "${name}" is also listed in managedRoutes; the controller would remove it. Rename one of them` });
      return;
    }
    const idx = http.findIndex((r) => routeName(r) === name);
    if (idx < 0) {
      problems.push({ field: `${field}.routes[${i}]`, message: `route "${name}" not found in VirtualService "${vsName}"; it has: ${describeNames(http)}` });
    } else {
      routes.http.push(idx);
    }
  });
  const tlsRefs = ref.tlsRoutes ?? [];
  const tcpRefs = ref.tcpRoutes ?? [];
  if (names.length === 0) {
    const own = http.map((r, i) => [r, i] as const).filter(([r]) => !managed.has(routeName(r) ?? ''));
    if (own.length === 1) routes.http.push(own[0]![1]);
    else if (own.length > 1) {
      problems.push({ field: `${field}.routes`, message: `VirtualService "${vsName}" has ${own.length} http routes (${describeNames(own.map(([r]) => r))}); list the ones to weight in routes` });
    } else if (tlsRefs.length === 0 && tcpRefs.length === 0 && routeList(vs, 'tls').length === 0 && routeList(vs, 'tcp').length === 0) {
      problems.push({ field: `${field}.name`, message: `VirtualService "${vsName}" has no http, tls or tcp routes to weight` });
    }
  }

  const tls = routeList(vs, 'tls');
  tlsRefs.forEach((r, i) => {
    const found = tls.flatMap((route, idx) => (matchesTls(route, r) ? [idx] : []));
    if (found.length === 0) {
      problems.push({ field: `${field}.tlsRoutes[${i}]`, message: `no tls route in VirtualService "${vsName}" matches port ${r.port ?? 0} and sniHosts [${(r.sniHosts ?? []).join(', ')}]` });
    }
    routes.tls.push(...found);
  });
  if (tlsRefs.length === 0 && tls.length === 1 && hasBoth(tls[0], t)) routes.tls.push(0);

  const tcp = routeList(vs, 'tcp');
  tcpRefs.forEach((r, i) => {
    const found = tcp.flatMap((route, idx) => (matchesTcp(route, r) ? [idx] : []));
    if (found.length === 0) {
      problems.push({ field: `${field}.tcpRoutes[${i}]`, message: `no tcp route in VirtualService "${vsName}" matches port ${r.port ?? 0}` });
    }
    routes.tcp.push(...found);
  });
  if (tcpRefs.length === 0 && tcp.length === 1 && hasBoth(tcp[0], t)) routes.tcp.push(0);

  return { routes, problems };
}

/** Problems with the destinations of the weighted routes: both roles present, nothing else. */
export function destinationProblems(vs: KubeObject, routes: WeightedRoutes, t: IstioTargets, field: string): RouterProblem[] {
  const problems: RouterProblem[] = [];
  const vsName = vs.metadata.name ?? '';
  const canary = t.subsets ? `subset "${t.subsets.canary}"` : `canary Service "${t.canaryService}"`;
  const stable = t.subsets ? `subset "${t.subsets.stable}"` : `stable Service "${t.stableService}"`;
  for (const kind of ['http', 'tls', 'tcp'] as const) {
    const list = routeList(vs, kind);
    for (const idx of routes[kind]) {
      const route = list[idx];
      const label = `${kind} route ${routeName(route) ? `"${routeName(route)}"` : `#${idx}`} of VirtualService "${vsName}"`;
      const dests = asArray(asObject(route)?.['route']);
      const roles = dests.map((d) => destinationRole(d, t));
      if (!roles.includes('canary')) problems.push({ field, message: `${label} has no destination for the ${canary}` });
      if (!roles.includes('stable')) problems.push({ field, message: `${label} has no destination for the ${stable}` });
      dests.forEach((d, i) => {
        if (roles[i] === undefined) {
          problems.push({ field, message: `${label} also routes to ${describeDestination(d)}, which is neither the canary nor the stable destination; weights would not add up. Move it to its own route` });
        }
      });
    }
  }
  return problems;
}
