/**
 * Phase and conditions of a Rollout, computed from what the planner decided. Phase, first
 * match wins: Degraded -> Paused -> Progressing -> Healthy. Conditions follow kstatus so Flux,
 * Helm's --wait and `kubectl wait --for=condition=Ready` work.
 */
import { toRfc3339 } from '../clock/index.js';
import type { ConditionView } from './spec.js';
import { ConditionType, RolloutPhase } from '../api/constants.js';

/** Rollout phases and condition types: the API's own constants. */
export const Phase = RolloutPhase;
export type Phase = RolloutPhase;
export { ConditionType };

/** Condition reasons (Argo Rollouts' names where it has one). */
export const Reason = {
  InvalidSpec: 'InvalidSpec',
  SpecValid: 'SpecValid',
  RolloutAborted: 'RolloutAborted',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  RolloutPaused: 'RolloutPaused',
  RolloutResumed: 'RolloutResumed',
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  CanaryPauseStep: 'CanaryPauseStep',
  InconclusiveAnalysis: 'InconclusiveAnalysisRun',
  PausedBySpec: 'PausedBySpec',
} as const;

/** The situation the planner ended in, from which phase and conditions follow. */
export interface Situation {
  invalid?: string;
  aborted?: string;
  deadlineExceeded?: string;
  paused?: { reason: string; message: string };
  /** Why it is still progressing; undefined when the current revision is fully out. */
  progressing?: string;
}

export function phaseOf(s: Situation): { phase: Phase; message: string } {
  if (s.invalid) return { phase: Phase.Degraded, message: `${Reason.InvalidSpec}: ${s.invalid}` };
  if (s.aborted) return { phase: Phase.Degraded, message: `${Reason.RolloutAborted}: ${s.aborted}` };
  if (s.deadlineExceeded) return { phase: Phase.Degraded, message: `${Reason.ProgressDeadlineExceeded}: ${s.deadlineExceeded}` };
  if (s.paused) return { phase: Phase.Paused, message: `${s.paused.reason}: ${s.paused.message}` };
  if (s.progressing) return { phase: Phase.Progressing, message: s.progressing };
  return { phase: Phase.Healthy, message: 'the current revision is fully promoted and available' };
}

type Desired = Omit<ConditionView, 'lastTransitionTime' | 'lastUpdateTime'>;

/** The conditions for a situation, keeping lastTransitionTime when a status did not flip. */
export function conditionsFor(s: Situation, previous: ConditionView[] | undefined, now: number, progressedAt: string): ConditionView[] {
  const { phase, message } = phaseOf(s);
  const t = (b: boolean): 'True' | 'False' => (b ? 'True' : 'False');
  const degradedReason = s.invalid ? Reason.InvalidSpec : s.aborted ? Reason.RolloutAborted : Reason.ProgressDeadlineExceeded;
  const desired: Desired[] = [
    { type: ConditionType.Ready, status: t(phase === Phase.Healthy), reason: phase, message },
    {
      type: ConditionType.Reconciling,
      status: t(phase === Phase.Progressing),
      reason: phase === Phase.Progressing ? Reason.Progressing : phase,
      message: phase === Phase.Progressing ? message : '',
    },
    {
      type: ConditionType.Stalled,
      status: t(phase === Phase.Degraded),
      reason: phase === Phase.Degraded ? degradedReason : phase,
      message: phase === Phase.Degraded ? message : '',
    },
    progressingCondition(s, message),
    {
      type: ConditionType.Paused,
      status: t(!!s.paused),
      reason: s.paused?.reason ?? Reason.RolloutResumed,
      message: s.paused?.message ?? '',
    },
    {
      type: ConditionType.Degraded,
      status: t(phase === Phase.Degraded),
      reason: phase === Phase.Degraded ? degradedReason : phase,
      message: phase === Phase.Degraded ? message : '',
    },
    {
      type: ConditionType.InvalidSpec,
      status: t(!!s.invalid),
      reason: s.invalid ? Reason.InvalidSpec : Reason.SpecValid,
      message: s.invalid ?? '',
    },
  ];
  const stamp = toRfc3339(now);
  return desired.map((d) => {
    const old = previous?.find((c) => c.type === d.type);
    const lastTransitionTime = old && old.status === d.status ? old.lastTransitionTime : stamp;
    const c: ConditionView = { ...d, lastTransitionTime };
    if (d.type === ConditionType.Progressing) c.lastUpdateTime = progressedAt;
    return c;
  });
}

function progressingCondition(s: Situation, message: string): Desired {
  const type = ConditionType.Progressing;
  if (s.invalid) return { type, status: 'False', reason: Reason.InvalidSpec, message };
  if (s.aborted) return { type, status: 'False', reason: Reason.RolloutAborted, message };
  if (s.deadlineExceeded) return { type, status: 'False', reason: Reason.ProgressDeadlineExceeded, message };
  if (s.paused) return { type, status: 'Unknown', reason: Reason.RolloutPaused, message };
  if (s.progressing) return { type, status: 'True', reason: Reason.ReplicaSetUpdated, message };
  return { type, status: 'True', reason: Reason.NewReplicaSetAvailable, message };
}

/** The condition of a type, if present. */
export function findCondition(conditions: ConditionView[] | undefined, type: string): ConditionView | undefined {
  return conditions?.find((c) => c.type === type);
}
