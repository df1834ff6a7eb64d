/**
 * The narrow slice of `spec.strategy.canary.trafficRouting` the routers read. Field names are
 * Argo Rollouts' (`v1alpha1`), so these types are structurally compatible with the Rollout
 * schema in src/api: the reconciler passes its parsed `trafficRouting` object straight in.
 */

/** `trafficRouting.istio.virtualService.tlsRoutes[]`: a TLS route found by port and SNI hosts. */
export interface IstioTlsRouteRef {
  port?: number;
  sniHosts?: string[];
}

/** `trafficRouting.istio.virtualService.tcpRoutes[]`: a TCP route found by port. */
export interface IstioTcpRouteRef {
  port?: number;
}

/**
 * One VirtualService. `name` may be `name.namespace` (Argo Rollouts' form) to point into
 * another namespace. `routes` names the http routes to weight; when omitted, the VirtualService
 * must have exactly one http route that the controller does not manage.
 */
export interface IstioVirtualServiceRef {
  name: string;
  routes?: string[];
  tlsRoutes?: IstioTlsRouteRef[];
  tcpRoutes?: IstioTcpRouteRef[];
}

/** `trafficRouting.istio.destinationRule`: subset-level routing. */
export interface IstioDestinationRuleRef {
  name: string;
  canarySubsetName: string;
  stableSubsetName: string;
}

/** `trafficRouting.istio`. */
export interface IstioRoutingConfig {
  virtualService?: IstioVirtualServiceRef;
  virtualServices?: IstioVirtualServiceRef[];
  destinationRule?: IstioDestinationRuleRef;
}

/** `trafficRouting.nginx`. */
export interface NginxRoutingConfig {
  stableIngress?: string;
  stableIngresses?: string[];
  /** Absent or '' means `nginx.ingress.kubernetes.io`. */
  annotationPrefix?: string;
  /** Added to the canary Ingress under the prefix (`<prefix>/<key>`). */
  additionalIngressAnnotations?: Record<string, string>;
  /** Added to the canary Ingress as written (full keys). */
  canaryIngressAnnotations?: Record<string, string>;
}

/** `trafficRouting.smi`. */
export interface SmiRoutingConfig {
  /** Default (absent or ''): the stable Service. */
  rootService?: string;
  /** Default (absent or ''): the Rollout's name. */
  trafficSplitName?: string;
}

/** One HTTPRoute in `trafficRouting.gatewayAPI.httpRoutes[]`. */
export interface GatewayHttpRouteRef {
  name: string;
  /** Header routes (`setHeaderRoute`) go only to HTTPRoutes with this set. */
  useHeaderRoutes?: boolean;
}

/** `trafficRouting.gatewayAPI` (Sluice's built-in form of Argo's Gateway API plugin config). */
export interface GatewayApiRoutingConfig {
  httpRoute?: string;
  httpRoutes?: GatewayHttpRouteRef[];
  /** Namespace of the HTTPRoutes; absent or '' means the Rollout's. */
  namespace?: string;
}

/** `trafficRouting.managedRoutes[]`: the routes the controller may add, in precedence order. */
export interface ManagedRouteRef {
  name: string;
}

/** `spec.strategy.canary.trafficRouting`. Several routers may be configured at once. */
export interface TrafficRoutingConfig {
  istio?: IstioRoutingConfig;
  nginx?: NginxRoutingConfig;
  smi?: SmiRoutingConfig;
  gatewayAPI?: GatewayApiRoutingConfig;
  managedRoutes?: ManagedRouteRef[];
  maxTrafficWeight?: number;
}

/** Field path prefix used in every {@link RouterProblem}. */
export const TRAFFIC_ROUTING_FIELD = 'spec.strategy.canary.trafficRouting';
