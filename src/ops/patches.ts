/**
 * The patches the CLI writes, decided from the object as read. Pure. They are the merge
 * patches Argo Rollouts' `kubectl argo rollouts` plugin writes, so the controller (which reads
 * Argo's fields) reacts to both alike.
 */
import type { KubeObject } from './client.js';

/** A status patch (to the `/status` subresource) and/or a spec patch, applied in that order. */
export interface PatchPlan {
  readonly status?: Record<string, unknown>;
  readonly spec?: Record<string, unknown>;
}

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

/** `status.abort: true`: traffic back to stable, the canary scaled down. */
export const ABORT_PATCH = { status: { abort: true } } as const;
/** `status.abort: false`: start the aborted revision again. */
export const RETRY_PATCH = { status: { abort: false } } as const;
/** `spec.paused: true`. */
export const PAUSE_PATCH = { spec: { paused: true } } as const;
/** `spec.paused: false`. */
export const UNPAUSE_PATCH = { spec: { paused: false } } as const;
/** `status.promoteFull: true`: skip the remaining steps, analyses and pauses. */
export const PROMOTE_FULL_PATCH = { status: { promoteFull: true } } as const;
/** `spec.terminate: true` on an AnalysisRun. */
export const TERMINATE_PATCH = { spec: { terminate: true } } as const;

/**
 * What `promote` writes, as Argo's plugin decides it:
 *
 * - `--full`: `status.promoteFull: true`, unless the rollout is already on its stable
 *   revision (then nothing).
 * - otherwise: `spec.paused: false` when the spec is paused; and on status either
 *   `pauseConditions: null` when the controller paused it (a pause step, an inconclusive
 *   analysis), or, for a canary with steps that is not paused (mid analysis or bake),
 *   `pauseConditions: null` with `currentStepIndex` one past the current step (capped at the
 *   number of steps), which skips that step. Never both.
 *
 * @example
 * // paused at step 1 of 4 by a pause step
 * promotePlan(ro, false) // => { status: { pauseConditions: null } }
 * // running the analysis of step 2 of 4
 * promotePlan(ro, false) // => { status: { pauseConditions: null, currentStepIndex: 3 } }
 */
export function promotePlan(ro: KubeObject, full: boolean): PatchPlan {
  const spec = rec(ro['spec']);
  const status = rec(ro['status']);
  if (full) return status['currentPodHash'] !== status['stableRS'] ? { status: { ...PROMOTE_FULL_PATCH.status } } : {};
  const plan: { status?: Record<string, unknown>; spec?: Record<string, unknown> } = {};
  if (spec['paused'] === true) plan.spec = { ...UNPAUSE_PATCH.spec };
  const pauseConditions = status['pauseConditions'];
  const canary = rec(spec['strategy'])['canary'];
  const steps = rec(canary)['steps'];
  if (Array.isArray(pauseConditions) && pauseConditions.length > 0) {
    plan.status = { pauseConditions: null };
  } else if (canary !== undefined && Array.isArray(steps) && steps.length > 0) {
    const current = typeof status['currentStepIndex'] === 'number' ? status['currentStepIndex'] : 0;
    plan.status = { pauseConditions: null, currentStepIndex: current < steps.length ? current + 1 : current };
  }
  return plan;
}

/**
 * What `resume` writes: `spec.paused: false`, and `status.pauseConditions: null` when the
 * controller holds a pause (Argo's older `resume` cleared the pause conditions; the newer one
 * unpauses the spec: Sluice does both, so one command releases either kind of pause).
 */
export function resumePlan(ro: KubeObject): PatchPlan {
  const pauseConditions = rec(ro['status'])['pauseConditions'];
  return Array.isArray(pauseConditions) && pauseConditions.length > 0 ? { status: { pauseConditions: null }, spec: { ...UNPAUSE_PATCH.spec } } : { spec: { ...UNPAUSE_PATCH.spec } };
}

/** `spec.restartAt`: every pod older than this time is recreated. */
export function restartPatch(at: string): { spec: { restartAt: string } } {
  return { spec: { restartAt: at } };
}
