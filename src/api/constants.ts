/**
 * Named values of the API: phases, condition types and statuses, pause reasons, analysis
 * phases. `as const` objects, so `RolloutPhase.Healthy` is both a value and a literal type.
 */

/** `status.phase` of a Rollout; first match wins: Degraded, Paused, Progressing, Healthy. */
export const RolloutPhase = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Paused: 'Paused',
  Degraded: 'Degraded',
} as const;
/** One of {@link RolloutPhase}. */
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase];

/**
 * Condition types on a Rollout. `Ready`, `Reconciling` and `Stalled` follow kstatus (Flux,
 * Helm `--wait`, `kubectl wait --for=condition=Ready`); the rest follow Argo Rollouts.
 */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Progressing: 'Progressing',
  Paused: 'Paused',
  Degraded: 'Degraded',
  InvalidSpec: 'InvalidSpec',
  Available: 'Available',
  Completed: 'Completed',
  Healthy: 'Healthy',
  ReplicaFailure: 'ReplicaFailure',
} as const;
/** One of {@link ConditionType}. */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** `status` of a condition. */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
/** One of {@link ConditionStatus}. */
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Why the controller paused a Rollout (`status.pauseConditions[].reason`), as in Argo Rollouts. */
export const PauseReason = {
  CanaryPauseStep: 'CanaryPauseStep',
  BlueGreenPause: 'BlueGreenPause',
  InconclusiveAnalysisRun: 'InconclusiveAnalysisRun',
  InconclusiveExperiment: 'InconclusiveExperiment',
} as const;
/** One of {@link PauseReason}. */
export type PauseReason = (typeof PauseReason)[keyof typeof PauseReason];

/** Phase of an AnalysisRun, a metric result or a measurement. */
export const AnalysisPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Successful: 'Successful',
  Failed: 'Failed',
  Error: 'Error',
  Inconclusive: 'Inconclusive',
} as const;
/** One of {@link AnalysisPhase}. */
export type AnalysisPhase = (typeof AnalysisPhase)[keyof typeof AnalysisPhase];

/** True for the phases an analysis ends in: Successful, Failed, Error, Inconclusive. */
export function isAnalysisCompleted(p: AnalysisPhase): boolean {
  return p === 'Successful' || p === 'Failed' || p === 'Error' || p === 'Inconclusive';
}

/** What happens to a referenced Deployment (`spec.workloadRef.scaleDown`). */
export const ScaleDown = { Never: 'never', OnSuccess: 'onsuccess', Progressively: 'progressively' } as const;
/** One of {@link ScaleDown}. */
export type ScaleDown = (typeof ScaleDown)[keyof typeof ScaleDown];

/** Which service is stable in a ping-pong canary (`status.canary.stablePingPong`). */
export const PingPong = { Ping: 'ping', Pong: 'pong' } as const;
