/**
 * The parts of a Rollout the planners read, with Argo Rollouts' field names. Parsed Rollouts
 * from src/api satisfy these views; durations are milliseconds here (parsed at the edge).
 */

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope?: boolean;
}

/** `steps[].analysis`, `bake.analysis` and background `analysis`. */
export interface AnalysisRef {
  templates: AnalysisTemplateRef[];
  args?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  dryRun?: Array<{ metricName: string }>;
  measurementRetention?: Array<{ metricName: string; limit: number }>;
}

export interface CanaryStepView {
  setWeight?: number;
  /** `pause: {}` is indefinite; `duration` (ms) for a timed pause. */
  pause?: { duration?: number };
  analysis?: AnalysisRef;
  setCanaryScale?: { weight?: number; replicas?: number; matchTrafficWeight?: boolean };
  setHeaderRoute?: { name: string; match?: unknown[] };
  setMirrorRoute?: { name: string; percentage?: number; match?: unknown[] };
  /** Sluice: hold the weight for `duration` (ms) while the analysis runs for the whole bake. */
  bake?: { duration: number; analysis?: AnalysisRef };
}

export interface CanaryStrategyView {
  canaryService?: string;
  stableService?: string;
  steps: CanaryStepView[];
  maxSurge: number | string;
  maxUnavailable: number | string;
  analysis?: AnalysisRef & { startingStep?: number };
  trafficRouting?: { maxTrafficWeight?: number; [router: string]: unknown };
  dynamicStableScale: boolean;
  scaleDownDelaySeconds: number;
  abortScaleDownDelaySeconds: number;
  /** Old ReplicaSets that may wait out scaleDownDelaySeconds at once (newest first); absent: all. */
  scaleDownDelayRevisionLimit?: number | undefined;
  /** With trafficRouting: a stable or canary ReplicaSet that has pods has at least this many. */
  minPodsPerReplicaSet?: number | undefined;
}

export interface RolloutSpecView {
  replicas: number;
  paused: boolean;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  progressDeadlineSeconds: number;
  progressDeadlineAbort: boolean;
  rollbackWindow?: { revisions: number };
  restartAt?: string;
  strategy: { canary?: CanaryStrategyView };
}

export interface ConditionView {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  lastUpdateTime?: string;
}

export interface RunStatusView {
  name: string;
  status: string;
  message?: string;
}

export interface WeightView {
  weight: number;
  podTemplateHash: string;
  serviceName?: string;
}

/** Status as the planner reads and writes it. Every field is optional: status is memory. */
export interface RolloutStatusView {
  observedGeneration?: number;
  phase?: string;
  message?: string;
  conditions?: ConditionView[];
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  pauseConditions?: Array<{ reason: string; startTime: string }>;
  controllerPause?: boolean;
  abort?: boolean;
  abortedAt?: string;
  promoteFull?: boolean;
  restartedAt?: string;
  selector?: string;
  canary?: {
    weights?: { canary: WeightView; stable: WeightView; verified?: boolean };
    currentStepAnalysisRunStatus?: RunStatusView;
    currentBackgroundAnalysisRunStatus?: RunStatusView;
  };
  /** Sluice: the bake in progress (its step, start, end and analysis run). */
  bake?: { stepIndex: number; startedAt: string; endsAt: string; analysisRun?: string };
  /** Sluice: retries of the current revision after an abort (names fresh AnalysisRuns). */
  attempt?: number;
  [extra: string]: unknown;
}
