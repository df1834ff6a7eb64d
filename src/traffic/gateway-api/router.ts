/**
 * The Gateway API router (Sluice's built-in form of Argo Rollouts' Gateway API plugin):
 * backendRef weights on HTTPRoute rules that reference both Services, plus managed header and
 * mirror rules. Thin I/O over weights.ts and managed-rules.ts.
 */
import type { Logger } from 'pino';
import { TRAFFIC_ROUTING_FIELD, type GatewayApiRoutingConfig } from '../config.js';
import { asObject, deepEqual, type JsonObject } from '../json.js';
import { resourceClient, type ResourceClient } from '../kube.js';
import { LogKeys, routerLogger, splitApiVersion } from '../meta.js';
import { RouterConfigError, type HeaderRoute, type KubeObject, type MirrorRoute, type RouterProblem, type TrafficContext, type TrafficRouter } from '../types.js';
import { headerRule, locateManagedRules, mirrorRule, refreshManagedRules, withManagedRule, withoutManagedRules } from './managed-rules.js';
import { httpRouteProblems, readGatewayWeights, rules, weightedRules, withGatewayWeights } from './weights.js';

/** Default Gateway API version (v1beta1 is also served by Gateway API 0.8 and later). */
export const DEFAULT_GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

const FIELD = `${TRAFFIC_ROUTING_FIELD}.gatewayAPI`;

interface RouteRef {
  name: string;
  field: string;
  useHeaderRoutes: boolean;
}

/** Writes and verifies weights on Gateway API HTTPRoutes. */
export class GatewayApiRouter implements TrafficRouter {
  readonly type = 'gatewayAPI';
  private readonly routes: ResourceClient;
  private readonly namespace: string;
  private readonly log: Logger;

  constructor(
    private readonly cfg: GatewayApiRoutingConfig,
    private readonly managedRoutes: string[],
    private readonly ctx: TrafficContext,
  ) {
    const { group, version } = splitApiVersion(ctx.apiVersions?.gatewayAPI ?? DEFAULT_GATEWAY_API_VERSION);
    this.routes = resourceClient(ctx, { group, version, plural: 'httproutes', kind: 'HTTPRoute' });
    this.namespace = cfg.namespace || ctx.namespace;
    this.log = routerLogger(ctx, this.type);
  }

  private refs(): RouteRef[] {
    const out: RouteRef[] = [];
    if (this.cfg.httpRoute) out.push({ name: this.cfg.httpRoute, field: `${FIELD}.httpRoute`, useHeaderRoutes: true });
    (this.cfg.httpRoutes ?? []).forEach((r, i) => out.push({ name: r.name, field: `${FIELD}.httpRoutes[${i}].name`, useHeaderRoutes: r.useHeaderRoutes === true }));
    return out;
  }

  private missing(r: RouteRef): RouterProblem {
    return { field: r.field, message: `HTTPRoute "${r.name}" not found in namespace "${this.namespace}"; create it or fix the name` };
  }

  async validate(signal: AbortSignal): Promise<RouterProblem[]> {
    const problems: RouterProblem[] = [];
    const refs = this.refs();
    if (refs.length === 0) problems.push({ field: `${FIELD}.httpRoute`, message: 'set httpRoute or httpRoutes' });
    for (const r of refs) {
      const route = await this.routes.get(this.namespace, r.name, signal);
      if (!route) problems.push(this.missing(r));
      else problems.push(...httpRouteProblems(route, this.ctx, r.field));
    }
    return problems;
  }

  /** Subset-level routing does not apply: the Services select the pods. */
  async updateHash(): Promise<void> {}

  private async each(what: string, refs: RouteRef[], change: (route: KubeObject, r: RouteRef) => KubeObject, signal: AbortSignal): Promise<void> {
    for (const r of refs) {
      const res = await this.routes.update(this.namespace, r.name, (route) => {
        const next = change(route, r);
        return deepEqual(next, route) ? undefined : next;
      }, signal);
      if (!res) throw new RouterConfigError([this.missing(r)]);
      if (res.written) this.log.info({ [LogKeys.object]: `${this.namespace}/${r.name}` }, `HTTPRoute updated: ${what}`);
    }
  }

  private checked(route: KubeObject, r: RouteRef): void {
    const problems = httpRouteProblems(route, this.ctx, r.field);
    if (problems.length > 0) throw new RouterConfigError(problems);
  }

  async setWeight(canaryWeight: number, signal: AbortSignal): Promise<void> {
    await this.each(`canary weight ${canaryWeight}`, this.refs(), (route, r) => {
      this.checked(route, r);
      return refreshManagedRules(route, withGatewayWeights(route, this.ctx, canaryWeight, this.ctx.maxWeight));
    }, signal);
  }

  async verifyWeight(canaryWeight: number, signal: AbortSignal): Promise<boolean> {
    for (const r of this.refs()) {
      const route = await this.routes.get(this.namespace, r.name, signal);
      if (!route) return false;
      const weights = readGatewayWeights(route, this.ctx);
      if (weights.length === 0 || !weights.every((w) => w.canary === canaryWeight && w.stable === this.ctx.maxWeight - canaryWeight)) return false;
    }
    return true;
  }

  /** The first weighted rule a person wrote: the model for header and mirror rules. */
  private primary(route: KubeObject, r: RouteRef): JsonObject | undefined {
    this.checked(route, r);
    const managed = new Set(locateManagedRules(route).map((m) => m.index));
    const idx = weightedRules(route, this.ctx).find((i) => !managed.has(i));
    return asObject(rules(route)[idx ?? -1]);
  }

  private checkManaged(name: string, step: string): void {
    if (!this.managedRoutes.includes(name)) {
      throw new RouterConfigError([{ field: `${TRAFFIC_ROUTING_FIELD}.managedRoutes`, message: `${step} route "${name}" is not listed in managedRoutes; add {name: ${name}}` }]);
    }
  }

  async setHeaderRoute(route: HeaderRoute, signal: AbortSignal): Promise<void> {
    this.checkManaged(route.name, 'setHeaderRoute');
    const refs = this.refs().filter((r) => r.useHeaderRoutes);
    if (refs.length === 0) this.log.warn({ [LogKeys.route]: route.name }, 'setHeaderRoute: no HTTPRoute has useHeaderRoutes: true');
    await this.each(`header route ${route.name}`, refs, (obj, r) => {
      if (!route.match || route.match.length === 0) return withoutManagedRules(obj, [route.name]);
      return withManagedRule(obj, route.name, headerRule(this.primary(obj, r), this.ctx, route), this.managedRoutes);
    }, signal);
  }

  async setMirrorRoute(route: MirrorRoute, signal: AbortSignal): Promise<void> {
    this.checkManaged(route.name, 'setMirrorRoute');
    await this.each(`mirror route ${route.name}`, this.refs(), (obj, r) => {
      if (!route.match || route.match.length === 0) return withoutManagedRules(obj, [route.name]);
      return withManagedRule(obj, route.name, mirrorRule(this.primary(obj, r), this.ctx, route), this.managedRoutes);
    }, signal);
  }

  async removeManagedRoutes(signal: AbortSignal): Promise<void> {
    await this.each('managed routes removed', this.refs(), (obj) => withoutManagedRules(obj), signal);
  }

  /** Removes the managed rules; the HTTPRoutes are the user's and stay. */
  async finalize(signal: AbortSignal): Promise<void> {
    await this.removeManagedRoutes(signal);
  }
}
