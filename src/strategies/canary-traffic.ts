/**
 * Where the pods and the traffic of a canary go at a step: replica counts, the weight the
 * canary may safely have, and the plan's ReplicaSet and traffic actions. Pure; used by the
 * canary planner.
 */
import { canaryReplicaCounts, resolveSurgeAndUnavailable, type ReplicaCounts } from './replicas.js';
import type { PlanBuilder } from './canary-finish.js';
import type { CanaryStrategyView, RolloutStatusView } from './spec.js';
import { canaryScaleAt, managedRoutesAt, weightAt } from './steps.js';
import type { ObservedReplicaSet, ObservedRollout } from './types.js';

/** The rollout's ReplicaSet for a pod-template hash. */
export function rsByHash(o: ObservedRollout, hash: string): ObservedReplicaSet | undefined {
  return o.replicaSets.find((r) => r.hash === hash);
}

/** Replica counts at step `index` (weight 0 when aborting). */
export function counts(o: ObservedRollout, c: CanaryStrategyView, stableHash: string, index: number, aborting = false): ReplicaCounts {
  const r = o.spec.replicas;
  const current = rsByHash(o, o.currentHash);
  const stable = stableHash === o.currentHash ? undefined : rsByHash(o, stableHash);
  const { maxSurge, maxUnavailable } = resolveSurgeAndUnavailable(c.maxSurge, c.maxUnavailable, r);
  const weight = aborting ? 0 : weightAt(c.steps, index);
  const scale = c.trafficRouting && !aborting ? canaryScaleAt(c.steps, index) : undefined;
  const others = o.replicaSets.filter((rs) => rs.hash !== o.currentHash && rs.hash !== stableHash);
  const traffic = o.status.canary?.weights?.canary.weight ?? 0;
  return canaryReplicaCounts({
    replicas: r,
    weight: scale?.weight ?? weight,
    canaryReplicas: scale?.replicas,
    trafficRouting: !!c.trafficRouting,
    dynamicStableScale: c.dynamicStableScale && c.trafficRouting ? { trafficWeight: traffic } : undefined,
    ...(c.trafficRouting && c.minPodsPerReplicaSet !== undefined ? { minPods: c.minPodsPerReplicaSet } : {}),
    maxSurge,
    maxUnavailable,
    canary: current ? { spec: current.spec, available: current.available } : { spec: 0, available: 0 },
    stable: stable ? { spec: stable.spec, available: stable.available } : undefined,
    othersSpec: others.reduce((sum, rs) => sum + rs.spec, 0),
  });
}

/**
 * The weight the canary may have now: the step's weight once the canary has the pods that
 * weight needs available; with fewer, no more than it already had; with none, 0.
 */
export function safeWeight(o: ObservedRollout, c: CanaryStrategyView, index: number, n: ReplicaCounts, stableHash: string): number {
  if (!c.trafficRouting) return 0;
  const target = weightAt(c.steps, index);
  if (target === 0) return 0;
  const current = rsByHash(o, o.currentHash);
  const available = current?.available ?? 0;
  if (available === 0 || stableHash === o.currentHash) return 0;
  const needed = index >= c.steps.length ? o.spec.replicas : Math.max(1, Math.min(n.canary, Math.ceil((o.spec.replicas * target) / 100)));
  if (available >= needed) return target;
  return Math.min(target, o.status.canary?.weights?.canary.weight ?? 0);
}

/** True when the last status shows the router verified at `weight`. */
export function weightVerified(prev: RolloutStatusView, weight: number): boolean {
  const w = prev.canary?.weights;
  return !!w && w.verified === true && w.canary.weight === weight;
}

export function setReplicas(b: PlanBuilder, hash: string, rs: ObservedReplicaSet | undefined, replicas: number): void {
  if (!rs) {
    if (b.plan.createReplicaSet?.hash === hash) b.plan.createReplicaSet.replicas = replicas;
    return;
  }
  const clearDeadline = rs.scaleDownAt !== undefined && replicas > 0;
  if (rs.spec === replicas && !clearDeadline) return;
  const action = { name: rs.name, replicas, ...(clearDeadline ? { scaleDownAt: null } : {}) };
  if (replicas >= rs.spec) b.plan.scaleUp.push(action);
  else b.plan.scaleDown.push(action);
}

export function setTraffic(
  b: PlanBuilder,
  o: ObservedRollout,
  c: CanaryStrategyView,
  weight: number,
  canaryHash: string,
  stableHash: string,
  opts: { finalize: boolean; removeRoutes?: boolean; index?: number },
): void {
  const next = b.plan.status;
  const max = c.trafficRouting?.maxTrafficWeight ?? 100;
  const routes = opts.index === undefined || opts.removeRoutes ? { header: [], mirror: [] } : managedRoutesAt(c.steps, opts.index);
  if (c.canaryService || c.stableService) b.plan.services = { canaryHash, stableHash };
  if (c.trafficRouting) {
    b.plan.traffic = {
      weight,
      canaryHash,
      stableHash,
      headerRoutes: routes.header,
      mirrorRoutes: routes.mirror,
      removeManagedRoutes: opts.removeRoutes === true || opts.finalize,
      finalize: opts.finalize,
    };
  }
  const shown = c.trafficRouting ? weight : basicWeight(o, canaryHash, stableHash);
  const prevW = o.status.canary?.weights;
  const verified = c.trafficRouting ? weightVerified(o.status, weight) && prevW?.canary.podTemplateHash === canaryHash : true;
  next.canary = {
    ...(next.canary ?? {}),
    weights: {
      canary: { weight: shown, podTemplateHash: canaryHash, ...(c.canaryService ? { serviceName: c.canaryService } : {}) },
      stable: { weight: max - shown, podTemplateHash: stableHash, ...(c.stableService ? { serviceName: c.stableService } : {}) },
      verified,
    },
  };
}

/** Without a router the pods are the split: the canary's share of available pods. */
function basicWeight(o: ObservedRollout, canaryHash: string, stableHash: string): number {
  if (canaryHash === stableHash) return 0;
  const canary = rsByHash(o, canaryHash)?.available ?? 0;
  const total = o.replicaSets.reduce((s, rs) => s + rs.available, 0);
  return total === 0 ? 0 : Math.round((100 * canary) / total);
}

