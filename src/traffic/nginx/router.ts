/**
 * The NGINX Ingress router: one generated canary Ingress per stable Ingress, owned by the
 * Rollout (garbage-collected with it) and deleted by {@link NginxRouter.finalize}. The stable
 * Ingresses are never written.
 */
import type { Logger } from 'pino';
import { TRAFFIC_ROUTING_FIELD, type NginxRoutingConfig } from '../config.js';
import { deepEqual } from '../json.js';
import { ConflictError } from '../../controller/index.js';
import { MAX_WRITE_ATTEMPTS, resourceClient, type ResourceClient } from '../kube.js';
import { LogKeys, routerLogger } from '../meta.js';
import { RouterConfigError, type HeaderRoute, type KubeObject, type MirrorRoute, type RouterProblem, type TrafficContext, type TrafficRouter } from '../types.js';
import { canaryIngressName, desiredCanaryIngress, isManagedCanary, mergeCanaryIngress, readCanaryWeight, stableIngressProblems } from './canary-ingress.js';

const FIELD = `${TRAFFIC_ROUTING_FIELD}.nginx`;

interface StableRef {
  name: string;
  field: string;
}

/** Writes and verifies canary weights through generated NGINX canary Ingresses. */
export class NginxRouter implements TrafficRouter {
  readonly type = 'nginx';
  private readonly ingresses: ResourceClient;
  private readonly log: Logger;

  constructor(
    private readonly cfg: NginxRoutingConfig,
    private readonly ctx: TrafficContext,
  ) {
    this.ingresses = resourceClient(ctx, { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress' });
    this.log = routerLogger(ctx, this.type);
  }

  private stables(): StableRef[] {
    const out: StableRef[] = [];
    if (this.cfg.stableIngress) out.push({ name: this.cfg.stableIngress, field: `${FIELD}.stableIngress` });
    (this.cfg.stableIngresses ?? []).forEach((name, i) => out.push({ name, field: `${FIELD}.stableIngresses[${i}]` }));
    return out;
  }

  private missing(s: StableRef): RouterProblem {
    return { field: s.field, message: `Ingress "${s.name}" not found in namespace "${this.ctx.namespace}"; create it or fix the name` };
  }

  private notOurs(name: string, s: StableRef): RouterProblem {
    return { field: s.field, message: `Ingress "${name}" already exists and is not managed by Rollout "${this.ctx.rolloutName}"; delete or rename it` };
  }

  async validate(signal: AbortSignal): Promise<RouterProblem[]> {
    const problems: RouterProblem[] = [];
    const stables = this.stables();
    if (stables.length === 0) problems.push({ field: `${FIELD}.stableIngress`, message: 'set stableIngress or stableIngresses' });
    for (const s of stables) {
      const stable = await this.ingresses.get(this.ctx.namespace, s.name, signal);
      if (!stable) {
        problems.push(this.missing(s));
        continue;
      }
      problems.push(...stableIngressProblems(stable, this.ctx, s.field));
      const canaryName = canaryIngressName(this.ctx.rolloutName, s.name);
      const canary = await this.ingresses.get(this.ctx.namespace, canaryName, signal);
      if (canary && !isManagedCanary(canary, this.ctx)) problems.push(this.notOurs(canaryName, s));
    }
    return problems;
  }

  /** Subset-level routing does not apply to NGINX: the Services select the pods. */
  async updateHash(): Promise<void> {}

  async setWeight(canaryWeight: number, signal: AbortSignal): Promise<void> {
    for (const s of this.stables()) await this.setOne(s, canaryWeight, signal);
  }

  private async setOne(s: StableRef, canaryWeight: number, signal: AbortSignal): Promise<void> {
    const ns = this.ctx.namespace;
    const stable = await this.ingresses.get(ns, s.name, signal);
    if (!stable) throw new RouterConfigError([this.missing(s)]);
    const problems = stableIngressProblems(stable, this.ctx, s.field);
    if (problems.length > 0) throw new RouterConfigError(problems);
    const desired = desiredCanaryIngress(stable, this.cfg, this.ctx, canaryWeight);
    const name = desired.metadata.name ?? '';
    for (let attempt = 1; ; attempt++) {
      const res = await this.ingresses.update(ns, name, (existing) => {
        if (!isManagedCanary(existing, this.ctx)) throw new RouterConfigError([this.notOurs(name, s)]);
        const next = mergeCanaryIngress(existing, desired, this.cfg);
        return deepEqual(next, existing) ? undefined : next;
      }, signal);
      if (res) {
        if (res.written) this.log.info({ [LogKeys.object]: `${ns}/${name}`, [LogKeys.canaryWeight]: canaryWeight }, 'canary Ingress updated');
        return;
      }
      // Nothing to create at weight 0: no canary Ingress is the same as one at 0.
      if (canaryWeight === 0) return;
      try {
        await this.ingresses.create(desired, signal);
        this.log.info({ [LogKeys.object]: `${ns}/${name}`, [LogKeys.canaryWeight]: canaryWeight }, 'canary Ingress created');
        return;
      } catch (err) {
        // Created meanwhile by another writer: go round and update it.
        if (!(err instanceof ConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw err;
      }
    }
  }

  async verifyWeight(canaryWeight: number, signal: AbortSignal): Promise<boolean> {
    for (const s of this.stables()) {
      const canary = await this.ingresses.get(this.ctx.namespace, canaryIngressName(this.ctx.rolloutName, s.name), signal);
      const weight = canary ? readCanaryWeight(canary, this.cfg) : 0;
      if (weight !== canaryWeight) return false;
    }
    return true;
  }

  /**
   * A no-op, as in Argo Rollouts: header routing with NGINX is configured with
   * `additionalIngressAnnotations` (`canary-by-header`), and another router configured beside
   * this one may serve the step.
   */
  async setHeaderRoute(route: HeaderRoute): Promise<void> {
    this.log.debug({ [LogKeys.route]: route.name }, 'setHeaderRoute is not supported by the NGINX router; ignored');
  }

  /** A no-op, as in Argo Rollouts: NGINX canary Ingresses cannot mirror. */
  async setMirrorRoute(route: MirrorRoute): Promise<void> {
    this.log.debug({ [LogKeys.route]: route.name }, 'setMirrorRoute is not supported by the NGINX router; ignored');
  }

  /** The NGINX router adds no routes of its own. */
  async removeManagedRoutes(): Promise<void> {}

  /** Deletes the canary Ingresses this Rollout generated. */
  async finalize(signal: AbortSignal): Promise<void> {
    for (const s of this.stables()) {
      const name = canaryIngressName(this.ctx.rolloutName, s.name);
      const canary: KubeObject | undefined = await this.ingresses.get(this.ctx.namespace, name, signal);
      if (!canary || !isManagedCanary(canary, this.ctx)) continue;
      if (await this.ingresses.delete(this.ctx.namespace, name, canary.metadata.uid, signal)) {
        this.log.info({ [LogKeys.object]: `${this.ctx.namespace}/${name}` }, 'canary Ingress deleted');
      }
    }
  }
}
