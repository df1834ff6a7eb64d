/**
 * The SMI router: one TrafficSplit per rollout, created and owned by the Rollout when missing
 * (garbage-collected with it), its backend weights updated otherwise.
 */
import type { Logger } from 'pino';
import { TRAFFIC_ROUTING_FIELD, type SmiRoutingConfig } from '../config.js';
import { deepEqual } from '../json.js';
import { ConflictError } from '../../controller/index.js';
import { MAX_WRITE_ATTEMPTS, resourceClient, type ResourceClient } from '../kube.js';
import { isOwnedByRollout, LogKeys, routerLogger, splitApiVersion } from '../meta.js';
import { RouterConfigError, type HeaderRoute, type KubeObject, type MirrorRoute, type RouterProblem, type TrafficContext, type TrafficRouter } from '../types.js';
import { desiredTrafficSplit, readSplitWeights, trafficSplitName, trafficSplitProblems, withSplitWeights } from './traffic-split.js';

/** Default SMI API version (Argo Rollouts' default is v1alpha1; v1alpha2 and v1alpha3 also work). */
export const DEFAULT_SMI_API_VERSION = 'split.smi-spec.io/v1alpha2';

const FIELD = `${TRAFFIC_ROUTING_FIELD}.smi`;

/** Writes and verifies weights on an SMI TrafficSplit. */
export class SmiRouter implements TrafficRouter {
  readonly type = 'smi';
  private readonly splits: ResourceClient;
  private readonly apiVersion: string;
  private readonly log: Logger;

  constructor(
    private readonly cfg: SmiRoutingConfig,
    private readonly ctx: TrafficContext,
  ) {
    this.apiVersion = ctx.apiVersions?.smi ?? DEFAULT_SMI_API_VERSION;
    const { group, version } = splitApiVersion(this.apiVersion);
    this.splits = resourceClient(ctx, { group, version, plural: 'trafficsplits', kind: 'TrafficSplit' });
    this.log = routerLogger(ctx, this.type);
  }

  private notOurs(name: string): RouterProblem {
    return { field: `${FIELD}.trafficSplitName`, message: `TrafficSplit "${name}" exists but is not owned by Rollout "${this.ctx.rolloutName}"; delete it or choose another trafficSplitName` };
  }

  async validate(signal: AbortSignal): Promise<RouterProblem[]> {
    const name = trafficSplitName(this.cfg, this.ctx);
    const ts = await this.splits.get(this.ctx.namespace, name, signal);
    if (!ts) return [];
    return isOwnedByRollout(ts, this.ctx) ? trafficSplitProblems(ts, this.ctx, `${FIELD}.trafficSplitName`) : [this.notOurs(name)];
  }

  /** Subset-level routing does not apply: the Services select the pods. */
  async updateHash(): Promise<void> {}

  async setWeight(canaryWeight: number, signal: AbortSignal): Promise<void> {
    const ns = this.ctx.namespace;
    const name = trafficSplitName(this.cfg, this.ctx);
    for (let attempt = 1; ; attempt++) {
      const res = await this.splits.update(ns, name, (ts: KubeObject) => {
        if (!isOwnedByRollout(ts, this.ctx)) throw new RouterConfigError([this.notOurs(name)]);
        const next = withSplitWeights(ts, this.cfg, this.ctx, canaryWeight);
        return deepEqual(next, ts) ? undefined : next;
      }, signal);
      if (res) {
        if (res.written) this.log.info({ [LogKeys.object]: `${ns}/${name}`, [LogKeys.canaryWeight]: canaryWeight }, 'TrafficSplit updated');
        return;
      }
      try {
        await this.splits.create(desiredTrafficSplit(this.apiVersion, this.cfg, this.ctx, canaryWeight), signal);
        this.log.info({ [LogKeys.object]: `${ns}/${name}`, [LogKeys.canaryWeight]: canaryWeight }, 'TrafficSplit created');
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= MAX_WRITE_ATTEMPTS) throw err;
      }
    }
  }

  async verifyWeight(canaryWeight: number, signal: AbortSignal): Promise<boolean> {
    const ts = await this.splits.get(this.ctx.namespace, trafficSplitName(this.cfg, this.ctx), signal);
    if (!ts) return false;
    const w = readSplitWeights(ts, this.ctx);
    return w.canary === canaryWeight && w.stable === this.ctx.maxWeight - canaryWeight;
  }

  /** A no-op, as in Argo Rollouts: SMI TrafficSplits have no header routes. */
  async setHeaderRoute(route: HeaderRoute): Promise<void> {
    this.log.debug({ [LogKeys.route]: route.name }, 'setHeaderRoute is not supported by the SMI router; ignored');
  }

  /** A no-op, as in Argo Rollouts: SMI TrafficSplits cannot mirror. */
  async setMirrorRoute(route: MirrorRoute): Promise<void> {
    this.log.debug({ [LogKeys.route]: route.name }, 'setMirrorRoute is not supported by the SMI router; ignored');
  }

  /** The SMI router adds no routes. */
  async removeManagedRoutes(): Promise<void> {}

  /**
   * Leaves the TrafficSplit in place (stable at full weight keeps serving), as Argo Rollouts
   * does; the owner reference removes it with the Rollout.
   */
  async finalize(): Promise<void> {}
}
