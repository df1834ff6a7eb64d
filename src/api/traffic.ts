/**
 * Traffic routing of a canary: Istio, NGINX Ingress, SMI, and Sluice's built-in Gateway API
 * router (in Argo Rollouts a plugin, `argoproj-labs/gatewayAPI`; its plugin configuration is
 * accepted and read as `gatewayAPI`). Argo's other routers are accepted by the schema so a
 * migration gets a clear "not supported" message instead of silently losing them.
 */
import { z } from 'zod';
import { errorMap } from './errors.js';
import { intBetween, stringMap } from './kit.js';

/** Routers Sluice implements, as named under `trafficRouting`. */
export const SUPPORTED_ROUTERS = ['istio', 'nginx', 'smi', 'gatewayAPI'] as const;
/** Argo Rollouts routers Sluice does not implement. */
export const UNSUPPORTED_ROUTERS = ['alb', 'ambassador', 'appMesh', 'traefik', 'apisix'] as const;
/** Name of the Argo Rollouts Gateway API plugin whose config maps onto `gatewayAPI`. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** A TLS route of a VirtualService, matched by port and SNI hosts. */
export const IstioTlsRouteSchema = z.object({ port: z.int().optional(), sniHosts: z.array(z.string()).default(() => []) });
/** A TCP route of a VirtualService, matched by port. */
export const IstioTcpRouteSchema = z.object({ port: z.int().optional() });

/** A VirtualService whose route weights Sluice sets; empty route lists mean its single route. */
export const IstioVirtualServiceSchema = z.object({
  name: z.string().min(1),
  routes: z.array(z.string()).default(() => []),
  tlsRoutes: z.array(IstioTlsRouteSchema).default(() => []),
  tcpRoutes: z.array(IstioTcpRouteSchema).default(() => []),
});
/** Parsed VirtualService reference. */
export type IstioVirtualService = z.output<typeof IstioVirtualServiceSchema>;

/** Istio: one VirtualService (or several), and optionally subset-based routing through a DestinationRule. */
export const IstioTrafficRoutingSchema = z.object({
  virtualService: IstioVirtualServiceSchema.optional(),
  virtualServices: z.array(IstioVirtualServiceSchema).default(() => []),
  destinationRule: z
    .object({ name: z.string().min(1), canarySubsetName: z.string().min(1), stableSubsetName: z.string().min(1) })
    .optional(),
});
/** Parsed Istio routing. */
export type IstioTrafficRouting = z.output<typeof IstioTrafficRoutingSchema>;

/** NGINX Ingress: Sluice creates a canary Ingress from the stable one(s). */
export const NginxTrafficRoutingSchema = z.object({
  stableIngress: z.string().optional(),
  stableIngresses: z.array(z.string()).default(() => []),
  annotationPrefix: z.string().default('nginx.ingress.kubernetes.io'),
  additionalIngressAnnotations: stringMap(),
  canaryIngressAnnotations: stringMap(),
});
/** Parsed NGINX routing. */
export type NginxTrafficRouting = z.output<typeof NginxTrafficRoutingSchema>;

/** SMI TrafficSplit. `trafficSplitName` '' means the Rollout's name. */
export const SmiTrafficRoutingSchema = z.object({
  rootService: z.string().default(''),
  trafficSplitName: z.string().default(''),
});
/** Parsed SMI routing. */
export type SmiTrafficRouting = z.output<typeof SmiTrafficRoutingSchema>;

/** An HTTPRoute Sluice sets backend weights on; `useHeaderRoutes` lets setHeaderRoute add rules to it. */
export const GatewayHttpRouteSchema = z.object({
  name: z.string().min(1),
  useHeaderRoutes: z.boolean().default(false),
});

/**
 * Gateway API (Sluice built-in; same fields as the `argoproj-labs/gatewayAPI` plugin):
 * `httpRoute` or `httpRoutes`, in `namespace` ('' means the Rollout's namespace).
 */
export const GatewayApiTrafficRoutingSchema = z.object({
  httpRoute: z.string().optional(),
  httpRoutes: z.array(GatewayHttpRouteSchema).default(() => []),
  namespace: z.string().default(''),
});
/** Parsed Gateway API routing. */
export type GatewayApiTrafficRouting = z.output<typeof GatewayApiTrafficRoutingSchema>;

const unsupported = () => z.record(z.string(), z.unknown()).optional();

/** `spec.strategy.canary.trafficRouting`. */
export const TrafficRoutingSchema = z.object({
  istio: IstioTrafficRoutingSchema.optional(),
  nginx: NginxTrafficRoutingSchema.optional(),
  smi: SmiTrafficRoutingSchema.optional(),
  gatewayAPI: GatewayApiTrafficRoutingSchema.optional().describe('Gateway API HTTPRoute routing (Sluice built-in).'),
  plugins: z.record(z.string(), z.unknown()).optional().describe(`Argo traffic router plugins; only ${GATEWAY_API_PLUGIN} is understood.`),
  managedRoutes: z.array(z.object({ name: z.string().min(1) })).default(() => []),
  maxTrafficWeight: intBetween(1, 1_000_000).default(100).describe('The total weight that means all traffic (default 100).'),
  alb: unsupported(),
  ambassador: unsupported(),
  appMesh: unsupported(),
  traefik: unsupported(),
  apisix: unsupported(),
});
/** Parsed traffic routing (after {@link normalizeTrafficRouting}). */
export type TrafficRouting = z.output<typeof TrafficRoutingSchema>;

/**
 * Reads an `argoproj-labs/gatewayAPI` plugin configuration as `gatewayAPI` when `gatewayAPI`
 * itself is not set. Returns the routing unchanged otherwise; never mutates its argument.
 */
export function normalizeTrafficRouting(tr: TrafficRouting): { value: TrafficRouting; errors: Array<{ path: Array<string | number>; message: string }> } {
  const plugin = tr.plugins?.[GATEWAY_API_PLUGIN];
  if (plugin === undefined || tr.gatewayAPI !== undefined) return { value: tr, errors: [] };
  const r = GatewayApiTrafficRoutingSchema.safeParse(plugin, { error: errorMap, reportInput: true });
  if (!r.success) {
    return {
      value: tr,
      errors: r.error.issues.map((i) => ({ path: ['plugins', GATEWAY_API_PLUGIN, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], message: i.message })),
    };
  }
  return { value: { ...tr, gatewayAPI: r.data }, errors: [] };
}
