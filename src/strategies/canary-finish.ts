/**
 * The last part of a canary plan: replica counts in status, the progress deadline, phase,
 * conditions, message, and when to look again.
 */
import { toRfc3339Millis } from '../clock/index.js';
import { ConditionType, conditionsFor, findCondition, phaseOf, Phase, Reason, type Situation } from './conditions.js';
import type { ObservedRollout, Plan, PlannedEvent } from './types.js';

/** The planner's working state for one pass. */
export interface PlanBuilder {
  plan: Plan;
  situation: Situation;
  /** Absolute times (ms) at which something falls due. */
  waits: number[];
  /** The rollout waits on purpose (pause, bake, analysis): the progress deadline does not run. */
  deliberateWait: boolean;
  waitAt(t: number): void;
  event(type: PlannedEvent['type'], reason: string, message: string, key?: string): void;
  /** A spec duration (ms) divided by the time scale. */
  scaled(ms: number): number;
  now: number;
}

/** Fills status counts, deadline, phase and conditions; sets requeueAfter. */
export function finishPlan(b: PlanBuilder, o: ObservedRollout, now: number): Plan {
  const next = b.plan.status;
  const prev = o.status;
  const current = o.replicaSets.find((r) => r.hash === o.currentHash);
  next.replicas = o.replicaSets.reduce((s, r) => s + r.spec, 0);
  next.updatedReplicas = current?.spec ?? 0;
  next.readyReplicas = o.replicaSets.reduce((s, r) => s + r.ready, 0);
  next.availableReplicas = o.replicaSets.reduce((s, r) => s + r.available, 0);

  const progressedAt = trackProgress(b, o, now);
  const s = b.situation;
  const { phase, message } = phaseOf(s);
  next.phase = phase;
  next.message = message;
  next.conditions = conditionsFor(s, prev.conditions, now, progressedAt);

  if (prev.phase !== phase) {
    if (phase === Phase.Healthy && prev.phase !== undefined) b.event('Normal', 'RolloutHealthy', message);
    if (s.invalid) b.event('Warning', 'InvalidSpec', s.invalid);
    if (s.deadlineExceeded) b.event('Warning', 'ProgressDeadlineExceeded', s.deadlineExceeded);
  } else if (s.invalid && prev.message !== message) {
    b.event('Warning', 'InvalidSpec', s.invalid);
  }

  const due = b.waits.filter((t) => Number.isFinite(t));
  if (due.length) b.plan.requeueAfter = Math.max(0, Math.min(...due) - now);
  return b.plan;
}

/**
 * The progress deadline: while the rollout converges (not paused, baking, analysing, done or
 * aborted), it must make progress every progressDeadlineSeconds. Progress is a change of
 * step, revision, replica counts or weight. Returns the time of the last progress.
 */
function trackProgress(b: PlanBuilder, o: ObservedRollout, now: number): string {
  const next = b.plan.status;
  const prev = o.status;
  const s = b.situation;
  const fingerprint = (x: typeof prev): string =>
    JSON.stringify([x.currentPodHash, x.stableRS, x.currentStepIndex, x.replicas, x.updatedReplicas, x.readyReplicas, x.availableReplicas, x.canary?.weights?.canary.weight]);
  const idle = b.deliberateWait || !!s.paused || !!s.aborted || !!s.invalid || s.progressing === undefined;
  // While idle the time stands still (no status churn); the clock restarts when converging
  // resumes: after any change, or when the last pass was not converging.
  const last = findCondition(prev.conditions, ConditionType.Progressing)?.lastUpdateTime;
  if (idle) return last ?? toRfc3339Millis(now);
  const progressing = findCondition(prev.conditions, ConditionType.Progressing);
  const wasConverging = prev.phase === Phase.Progressing || progressing?.reason === Reason.ProgressDeadlineExceeded;
  if (!last || fingerprint(prev) !== fingerprint(next) || !wasConverging) return toRfc3339Millis(now);
  const deadline = Date.parse(last) + b.scaled(o.spec.progressDeadlineSeconds * 1000);
  if (now < deadline) {
    b.waitAt(deadline);
    return last;
  }
  s.deadlineExceeded = `no progress for ${o.spec.progressDeadlineSeconds}s: ${s.progressing}`;
  if (o.spec.progressDeadlineAbort) {
    next.abort = true;
    next.abortedAt = toRfc3339Millis(now);
    s.aborted = s.deadlineExceeded;
    b.event('Warning', 'RolloutAborted', `progress deadline exceeded: ${s.progressing}`);
    b.waitAt(now);
  }
  return last;
}
