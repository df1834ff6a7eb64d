/**
 * Canary replica arithmetic, the same as Argo Rollouts' so a migrated rollout scales the same.
 *
 * Desired counts for a canary weight `w` (0..100) and `spec.replicas = R`:
 *
 *   canary = ceil(R * w / 100)        stable = ceil(R * (100 - w) / 100)
 *
 * Both round up, so between 1% and 99% neither side is 0 when R >= 2 (and with R = 1 both
 * keep one pod). When `R * w / 100` is not whole, the two sides add up to R + 1: the surge
 * budget grows by one for that case.
 *
 * Without a traffic router the pods are the traffic split, so scaling is bounded:
 * - up: the sum of every ReplicaSet's spec.replicas stays within R + maxSurge (stable first);
 * - down: the available pods counted for scale-down never go below R - maxUnavailable;
 *   older ReplicaSets go first, then the canary, then stable.
 *
 * Worked examples (R, w, canary/stable before, maxSurge, maxUnavailable -> canary/stable):
 * - 10, 10%, 0/10, surge 1, unavail 1 -> 1/9
 * - 10, 5%, 0/10, surge 1, unavail 1 -> 1/10 (both round up: 0.5 -> 1 and 9.5 -> 10)
 * - 10, 30%, 0/10, surge 3, unavail 0 -> 3/10 (stable waits for canary pods to be available)
 * - 10, 30%, 0/10, surge 0, unavail 5 -> 0/7 (room is made first; canary comes next pass)
 * - 1, 5%, 0/1, surge 1, unavail 0 -> 1/1
 *
 * With a traffic router, stable stays at R until the rollout completes and the canary gets
 * ceil(R * w / 100), or exactly `setCanaryScale.replicas`. With `dynamicStableScale`, stable
 * shrinks to ceil(R * (100 - trafficWeight) / 100) as traffic leaves it.
 */
import { resolveIntOrPercent } from '../api/kit.js';

/** What is known of one ReplicaSet for the arithmetic. */
export interface ReplicaSetCounts {
  /** spec.replicas */
  spec: number;
  /** status.availableReplicas */
  available: number;
}

export interface CanaryReplicaInput {
  /** spec.replicas of the Rollout. */
  replicas: number;
  /** Canary weight 0..100 for replica purposes (setWeight, or setCanaryScale.weight). */
  weight: number;
  /** setCanaryScale.replicas: an exact canary count (traffic routing only). */
  canaryReplicas?: number;
  /** A traffic router is configured: pods and traffic are decoupled. */
  trafficRouting: boolean;
  /** With trafficRouting and dynamicStableScale: the weight traffic sends to the canary now. */
  dynamicStableScale?: { trafficWeight: number };
  /** With trafficRouting: minPodsPerReplicaSet, the floor of a side that is not 0. */
  minPods?: number;
  /** Resolved absolute numbers, see {@link resolveSurgeAndUnavailable}. */
  maxSurge: number;
  maxUnavailable: number;
  /** The canary (newest) ReplicaSet, if it exists. */
  canary?: ReplicaSetCounts;
  /** The stable ReplicaSet, if it exists and is not the canary. */
  stable?: ReplicaSetCounts;
  /** Sum of spec.replicas over every other ReplicaSet of the rollout. */
  othersSpec: number;
}

export interface ReplicaCounts {
  canary: number;
  stable: number;
}

/** ceil(R * w / 100), guarding floating error (e.g. 10 * 0.07 = 0.7000000000000001). */
export function weightedReplicas(replicas: number, weight: number): number {
  return Math.ceil(Math.round(replicas * weight * 1e6) / 1e8);
}

function isWhole(replicas: number, weight: number): boolean {
  return (replicas * weight) % 100 === 0;
}

/**
 * Resolves int-or-percent maxSurge/maxUnavailable against `replicas` as Kubernetes does:
 * surge rounds up, unavailable rounds down, and if both come to 0, unavailable is 1.
 */
export function resolveSurgeAndUnavailable(
  maxSurge: number | string,
  maxUnavailable: number | string,
  replicas: number,
): { maxSurge: number; maxUnavailable: number } {
  const surge = resolveIntOrPercent(maxSurge, replicas, true);
  let unavailable = resolveIntOrPercent(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: Math.min(unavailable, replicas) };
}

/** The desired end state for the current weight, before surge/unavailability limits. */
export function desiredCanaryCounts(input: CanaryReplicaInput): ReplicaCounts {
  const r = input.replicas;
  if (!input.stable) return { canary: r, stable: 0 };
  const canary = input.canaryReplicas ?? weightedReplicas(r, input.weight);
  if (input.trafficRouting) {
    // High availability (Argo's minPodsPerReplicaSet): a side that runs pods runs at least `min`.
    const floor = (n: number): number => (n === 0 || input.minPods === undefined ? n : Math.max(n, input.minPods));
    if (input.dynamicStableScale) {
      return { canary: floor(canary), stable: floor(weightedReplicas(r, 100 - input.dynamicStableScale.trafficWeight)) };
    }
    return { canary: floor(canary), stable: r };
  }
  return { canary, stable: weightedReplicas(r, 100 - input.weight) };
}

/** The counts to set now: the desired state, approached within maxSurge and maxUnavailable. */
export function canaryReplicaCounts(input: CanaryReplicaInput): ReplicaCounts {
  const desired = desiredCanaryCounts(input);
  if (input.trafficRouting || input.canaryReplicas !== undefined) return desired;

  const { canary, stable } = input;
  let canaryCount = canary?.spec ?? 0;
  let stableCount = stable?.spec ?? 0;

  // Room to grow: R + maxSurge, plus one when both sides were rounded up.
  const surge = input.maxSurge + (stable && !isWhole(input.replicas, input.weight) ? 1 : 0);
  let up = input.replicas + surge - (input.othersSpec + canaryCount + stableCount);
  if (stable && stableCount < desired.stable && up > 0) {
    const grow = Math.min(up, desired.stable - stableCount);
    stableCount += grow;
    up -= grow;
  }
  if (canaryCount < desired.canary && up > 0) {
    canaryCount += Math.min(up, desired.canary - canaryCount);
  }
  if (input.othersSpec > 0) return { canary: canaryCount, stable: stableCount };

  // Room to shrink: available pods above R - maxUnavailable. When the canary is growing, its
  // unavailable pods do not hold stable back; when shrinking (abort), stable's do not.
  const growing = !canary || desired.canary >= canary.spec;
  const counted = countedForScaleDown(canary, !growing) + countedForScaleDown(stable, growing);
  let down = counted - (input.replicas - input.maxUnavailable);
  if (down <= 0) return { canary: canaryCount, stable: stableCount };
  if (canary && canary.spec > desired.canary) {
    const shrink = Math.min(down, canary.spec - desired.canary);
    canaryCount = canary.spec - shrink;
    down -= shrink;
  }
  if (stable && stable.spec > desired.stable) {
    stableCount = stable.spec - Math.min(down, stable.spec - desired.stable);
  }
  return { canary: canaryCount, stable: stableCount };
}

function countedForScaleDown(rs: ReplicaSetCounts | undefined, ignoreAvailability: boolean): number {
  if (!rs) return 0;
  if (rs.spec < rs.available || ignoreAvailability) return rs.spec;
  return rs.available;
}
