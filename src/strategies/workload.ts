/**
 * Decisions for the Rollout's side effects outside its own ReplicaSets: the Deployment named by
 * `workloadRef`, and `restartAt`. Pure; the reconciler applies them.
 */
import { toRfc3339 } from '../clock/index.js';

/** What happens to a Deployment the Rollout took over (`spec.workloadRef.scaleDown`). */
export type ScaleDownPolicy = 'never' | 'onsuccess' | 'progressively';

/**
 * The replicas the referenced Deployment should have now, or undefined to leave it alone:
 * - never: untouched;
 * - onsuccess: 0 once the Rollout is Healthy on a stable revision;
 * - progressively: `replicas - available` of the Rollout, so the two together keep full
 *   capacity while the Rollout's pods come up; it only goes down.
 */
export function workloadReplicas(
  policy: ScaleDownPolicy,
  deploymentReplicas: number,
  rollout: { replicas: number; available: number; healthy: boolean },
): number | undefined {
  if (policy === 'never') return undefined;
  const want = policy === 'onsuccess' ? (rollout.healthy ? 0 : deploymentReplicas) : Math.max(0, rollout.replicas - rollout.available);
  const next = Math.min(deploymentReplicas, want);
  return next === deploymentReplicas ? undefined : next;
}

/** One pod of the rollout as the restart needs it. */
export interface RestartPod {
  name: string;
  created: number;
  ready: boolean;
  deleting: boolean;
}

export interface RestartPlan {
  deletePods: string[];
  /** Set when every pod is newer than restartAt: the value for status.restartedAt. */
  restartedAt?: string;
  /** When to look again (ms from now). */
  requeueAfter?: number;
}

/**
 * `spec.restartAt`: once the time has come and the rollout is steady, recreate every pod older
 * than it, a few at a time so no more than `maxUnavailable` (at least 1) are down at once.
 * Done when none is older: status.restartedAt records it.
 */
export function planRestart(input: {
  restartAt: string | undefined;
  restartedAt: string | undefined;
  steady: boolean;
  now: number;
  pods: RestartPod[];
  maxUnavailable: number;
}): RestartPlan {
  const at = input.restartAt ? Date.parse(input.restartAt) : NaN;
  if (!Number.isFinite(at) || input.restartedAt === input.restartAt) return { deletePods: [] };
  if (at > input.now) return { deletePods: [], requeueAfter: at - input.now };
  if (!input.steady) return { deletePods: [] };
  const old = input.pods.filter((p) => p.created < at && !p.deleting).sort((a, b) => a.created - b.created);
  if (old.length === 0) return { deletePods: [], restartedAt: input.restartAt ?? toRfc3339(at) };
  const down = input.pods.filter((p) => !p.ready || p.deleting).length;
  const room = Math.max(1, input.maxUnavailable) - down;
  return { deletePods: old.slice(0, Math.max(0, room)).map((p) => p.name), requeueAfter: 1000 };
}
