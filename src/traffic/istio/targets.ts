/**
 * Which destinations of a VirtualService are the canary and which the stable: host-level
 * routing compares the destination host's short name (`reviews` in
 * `reviews.default.svc.cluster.local`, as Argo Rollouts does) with the canary/stable Service;
 * subset-level routing (a DestinationRule is configured) compares the destination subset with
 * `canarySubsetName`/`stableSubsetName`.
 */
import { asObject, asString } from '../json.js';

/** What identifies the canary and stable destinations, and which http routes are managed. */
export interface IstioTargets {
  canaryService: string;
  stableService: string;
  /** Set for subset-level routing. */
  subsets?: { canary: string; stable: string };
  /** `trafficRouting.managedRoutes[].name`, in precedence order. */
  managedRoutes: string[];
}

/** The role of one route destination (`{destination: {host, subset, port}, weight}`). */
export function destinationRole(routeDestination: unknown, t: IstioTargets): 'canary' | 'stable' | undefined {
  const dest = asObject(asObject(routeDestination)?.['destination']);
  if (!dest) return undefined;
  if (t.subsets) {
    const subset = asString(dest['subset']);
    if (subset === undefined) return undefined;
    if (subset === t.subsets.canary) return 'canary';
    if (subset === t.subsets.stable) return 'stable';
    return undefined;
  }
  const host = shortHost(asString(dest['host']) ?? '');
  if (host !== '' && host === t.canaryService) return 'canary';
  if (host !== '' && host === t.stableService) return 'stable';
  return undefined;
}

/** `reviews.default.svc.cluster.local` -> `reviews`. */
export function shortHost(host: string): string {
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

/** Describes a destination for messages: `reviews-canary` or `reviews/v2`. */
export function describeDestination(routeDestination: unknown): string {
  const dest = asObject(asObject(routeDestination)?.['destination']);
  const host = asString(dest?.['host']) ?? '(no host)';
  const subset = asString(dest?.['subset']);
  return subset ? `${host}/${subset}` : host;
}
