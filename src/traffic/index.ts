/**
 * Traffic routers: one module per router behind the {@link TrafficRouter} interface.
 * `createRouters` builds every router a rollout's `trafficRouting` configures (several may be
 * configured at once); a rollout without `trafficRouting` gets none and shifts traffic by
 * replica ratio alone.
 */
import type { TrafficRoutingConfig } from './config.js';
import { GatewayApiRouter } from './gateway-api/router.js';
import { IstioRouter } from './istio/router.js';
import { NginxRouter } from './nginx/router.js';
import { SmiRouter } from './smi/router.js';
import type { TrafficContext, TrafficRouter } from './types.js';

export * from './config.js';
export * from './types.js';
export { ConflictRetriesExhaustedError, MAX_WRITE_ATTEMPTS } from './kube.js';
export { MANAGED_BY_KEY, POD_TEMPLATE_HASH_LABEL } from './meta.js';
export { IstioRouter, DEFAULT_ISTIO_API_VERSION } from './istio/router.js';
export { NginxRouter } from './nginx/router.js';
export { canaryIngressName, DEFAULT_ANNOTATION_PREFIX } from './nginx/canary-ingress.js';
export { GatewayApiRouter, DEFAULT_GATEWAY_API_VERSION } from './gateway-api/router.js';
export { MANAGED_RULES_ANNOTATION } from './gateway-api/managed-rules.js';
export { SmiRouter, DEFAULT_SMI_API_VERSION } from './smi/router.js';

/** The default total weight when `maxTrafficWeight` is not set. */
export const DEFAULT_MAX_WEIGHT = 100;

/**
 * Every router `trafficRouting` configures, in a fixed order (istio, nginx, gatewayAPI, smi).
 * `ctx.maxWeight` should already be `trafficRouting.maxTrafficWeight ?? 100`.
 */
export function createRouters(trafficRouting: TrafficRoutingConfig | undefined, ctx: TrafficContext): TrafficRouter[] {
  if (!trafficRouting) return [];
  const managed = (trafficRouting.managedRoutes ?? []).map((r) => r.name);
  const routers: TrafficRouter[] = [];
  if (trafficRouting.istio) routers.push(new IstioRouter(trafficRouting.istio, managed, ctx));
  if (trafficRouting.nginx) routers.push(new NginxRouter(trafficRouting.nginx, ctx));
  if (trafficRouting.gatewayAPI) routers.push(new GatewayApiRouter(trafficRouting.gatewayAPI, managed, ctx));
  if (trafficRouting.smi) routers.push(new SmiRouter(trafficRouting.smi, ctx));
  return routers;
}
