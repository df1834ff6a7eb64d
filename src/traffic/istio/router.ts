/**
 * The Istio router: weights on VirtualService routes (host- or subset-level), pod-template
 * hashes on DestinationRule subsets, and managed header/mirror routes. Thin I/O over the pure
 * functions in this folder; every write is a read-modify-write that is skipped when nothing
 * changes.
 */
import type { Logger } from 'pino';
import { TRAFFIC_ROUTING_FIELD, type IstioRoutingConfig, type IstioVirtualServiceRef } from '../config.js';
import { deepEqual } from '../json.js';
import { resourceClient, splitNameNamespace, type ResourceClient } from '../kube.js';
import { LogKeys, routerLogger, splitApiVersion } from '../meta.js';
import { RouterConfigError, type HeaderRoute, type KubeObject, type MirrorRoute, type RouterProblem, type TrafficContext, type TrafficRouter } from '../types.js';
import { destinationRuleProblems, subsetHash, withSubsetHashes } from './destination-rule.js';
import { headerHttpRoute, mirrorHttpRoute, withManagedRoute, withoutRoutes } from './managed-routes.js';
import { destinationProblems, findWeightedRoutes, type WeightedRoutes } from './routes.js';
import type { IstioTargets } from './targets.js';
import { readIstioWeights, withIstioWeights } from './weights.js';

/** Default Istio API version: served by Istio 1.5 and later (v1alpha3 and v1 also work). */
export const DEFAULT_ISTIO_API_VERSION = 'networking.istio.io/v1beta1';

const FIELD = `${TRAFFIC_ROUTING_FIELD}.istio`;

interface VsRef {
  ref: IstioVirtualServiceRef;
  field: string;
  name: string;
  namespace: string;
}

/** Writes and verifies weights on Istio VirtualServices (and DestinationRule subsets). */
export class IstioRouter implements TrafficRouter {
  readonly type = 'istio';
  private readonly vs: ResourceClient;
  private readonly dr: ResourceClient;
  private readonly targets: IstioTargets;
  private readonly log: Logger;

  constructor(
    private readonly cfg: IstioRoutingConfig,
    managedRoutes: string[],
    private readonly ctx: TrafficContext,
  ) {
    const { group, version } = splitApiVersion(ctx.apiVersions?.istio ?? DEFAULT_ISTIO_API_VERSION);
    this.vs = resourceClient(ctx, { group, version, plural: 'virtualservices', kind: 'VirtualService' });
    this.dr = resourceClient(ctx, { group, version, plural: 'destinationrules', kind: 'DestinationRule' });
    this.targets = {
      canaryService: ctx.canaryService,
      stableService: ctx.stableService,
      managedRoutes,
      ...(cfg.destinationRule ? { subsets: { canary: cfg.destinationRule.canarySubsetName, stable: cfg.destinationRule.stableSubsetName } } : {}),
    };
    this.log = routerLogger(ctx, this.type);
  }

  private refs(): VsRef[] {
    const out: VsRef[] = [];
    if (this.cfg.virtualService) out.push({ ref: this.cfg.virtualService, field: `${FIELD}.virtualService`, ...splitNameNamespace(this.cfg.virtualService.name, this.ctx.namespace) });
    (this.cfg.virtualServices ?? []).forEach((ref, i) => out.push({ ref, field: `${FIELD}.virtualServices[${i}]`, ...splitNameNamespace(ref.name, this.ctx.namespace) }));
    return out;
  }

  private missing(r: VsRef): RouterProblem {
    return { field: `${r.field}.name`, message: `VirtualService "${r.name}" not found in namespace "${r.namespace}"; create it or fix the name` };
  }

  private resolve(vs: KubeObject, r: VsRef): WeightedRoutes {
    const { routes, problems } = findWeightedRoutes(vs, r.ref, this.targets, r.field);
    problems.push(...destinationProblems(vs, routes, this.targets, r.field));
    if (problems.length > 0) throw new RouterConfigError(problems);
    return routes;
  }

  async validate(signal: AbortSignal): Promise<RouterProblem[]> {
    const problems: RouterProblem[] = [];
    const refs = this.refs();
    if (refs.length === 0) problems.push({ field: `${FIELD}.virtualService`, message: 'set virtualService or virtualServices' });
    for (const r of refs) {
      const vs = await this.vs.get(r.namespace, r.name, signal);
      if (!vs) {
        problems.push(this.missing(r));
        continue;
      }
      const found = findWeightedRoutes(vs, r.ref, this.targets, r.field);
      problems.push(...found.problems, ...destinationProblems(vs, found.routes, this.targets, r.field));
    }
    const drRef = this.cfg.destinationRule;
    if (drRef) {
      const { name, namespace } = splitNameNamespace(drRef.name, this.ctx.namespace);
      const dr = await this.dr.get(namespace, name, signal);
      if (!dr) problems.push({ field: `${FIELD}.destinationRule.name`, message: `DestinationRule "${name}" not found in namespace "${namespace}"; create it or fix the name` });
      else problems.push(...destinationRuleProblems(dr, drRef, `${FIELD}.destinationRule`));
    }
    return problems;
  }

  /** Applies `change` to every VirtualService; a missing one is a {@link RouterConfigError}. */
  private async eachVirtualService(what: string, change: (vs: KubeObject, r: VsRef) => KubeObject, signal: AbortSignal): Promise<void> {
    for (const r of this.refs()) {
      const res = await this.vs.update(r.namespace, r.name, (vs) => {
        const next = change(vs, r);
        return deepEqual(next, vs) ? undefined : next;
      }, signal);
      if (!res) throw new RouterConfigError([this.missing(r)]);
      if (res.written) this.log.info({ [LogKeys.object]: `${r.namespace}/${r.name}` }, `VirtualService updated: ${what}`);
    }
  }

  async updateHash(canaryHash: string | undefined, stableHash: string | undefined, signal: AbortSignal): Promise<void> {
    const drRef = this.cfg.destinationRule;
    if (!drRef) return;
    const { name, namespace } = splitNameNamespace(drRef.name, this.ctx.namespace);
    const res = await this.dr.update(namespace, name, (dr) => {
      const problems = destinationRuleProblems(dr, drRef, `${FIELD}.destinationRule`);
      if (problems.length > 0) throw new RouterConfigError(problems);
      const next = withSubsetHashes(dr, drRef, canaryHash, stableHash, this.ctx.rolloutName);
      return deepEqual(next, dr) ? undefined : next;
    }, signal);
    if (!res) throw new RouterConfigError([{ field: `${FIELD}.destinationRule.name`, message: `DestinationRule "${name}" not found in namespace "${namespace}"` }]);
    if (res.written) this.log.info({ [LogKeys.object]: `${namespace}/${name}`, canaryHash, stableHash }, 'DestinationRule subsets updated');
  }

  async setWeight(canaryWeight: number, signal: AbortSignal): Promise<void> {
    await this.eachVirtualService(`canary weight ${canaryWeight}`, (vs, r) => withIstioWeights(vs, this.resolve(vs, r), this.targets, canaryWeight, this.ctx.maxWeight), signal);
  }

  async verifyWeight(canaryWeight: number, signal: AbortSignal): Promise<boolean> {
    for (const r of this.refs()) {
      const vs = await this.vs.get(r.namespace, r.name, signal);
      if (!vs) return false;
      const weights = readIstioWeights(vs, this.resolve(vs, r), this.targets);
      if (!weights.every((w) => w.canary === canaryWeight && w.stable === this.ctx.maxWeight - canaryWeight)) return false;
    }
    const drRef = this.cfg.destinationRule;
    if (drRef) {
      // Subset-level routing also needs the subsets to select pods: both hashes set.
      const { name, namespace } = splitNameNamespace(drRef.name, this.ctx.namespace);
      const dr = await this.dr.get(namespace, name, signal);
      if (!dr || subsetHash(dr, drRef.stableSubsetName) === undefined) return false;
      if (canaryWeight > 0 && subsetHash(dr, drRef.canarySubsetName) === undefined) return false;
    }
    return true;
  }

  private checkManaged(name: string, step: string): void {
    if (!this.targets.managedRoutes.includes(name)) {
      throw new RouterConfigError([{ field: `${TRAFFIC_ROUTING_FIELD}.managedRoutes`, message: `${step} route "${name}" is not listed in managedRoutes; add {name: ${name}}` }]);
    }
  }

  async setHeaderRoute(route: HeaderRoute, signal: AbortSignal): Promise<void> {
    this.checkManaged(route.name, 'setHeaderRoute');
    await this.eachVirtualService(`header route ${route.name}`, (vs, r) => {
      if (!route.match || route.match.length === 0) return withoutRoutes(vs, [route.name]);
      const routes = this.resolve(vs, r);
      return withManagedRoute(vs, headerHttpRoute(vs, routes, this.targets, route), this.targets.managedRoutes);
    }, signal);
  }

  async setMirrorRoute(route: MirrorRoute, signal: AbortSignal): Promise<void> {
    this.checkManaged(route.name, 'setMirrorRoute');
    await this.eachVirtualService(`mirror route ${route.name}`, (vs, r) => {
      if (!route.match || route.match.length === 0) return withoutRoutes(vs, [route.name]);
      const routes = this.resolve(vs, r);
      return withManagedRoute(vs, mirrorHttpRoute(vs, routes, this.targets, route), this.targets.managedRoutes);
    }, signal);
  }

  async removeManagedRoutes(signal: AbortSignal): Promise<void> {
    if (this.targets.managedRoutes.length === 0) return;
    await this.eachVirtualService('managed routes removed', (vs) => withoutRoutes(vs, this.targets.managedRoutes), signal);
  }

  /** Removes the managed routes; the VirtualServices and DestinationRule are the user's and stay. */
  async finalize(signal: AbortSignal): Promise<void> {
    await this.removeManagedRoutes(signal);
  }
}
