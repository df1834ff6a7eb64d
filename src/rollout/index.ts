/** The Rollout reconciler: observe -> plan (src/strategies) -> act. */
export { rolloutController, type PlanListener } from './controller.js';
export { observe, type Observation, type RawRollout, type RolloutCaches } from './observe.js';
export { act, syncSelectors } from './act.js';
export { buildReplicaSet, observeReplicaSet } from './replicasets.js';
export { buildAnalysisRun, observeRun } from './runs.js';
export * from './labels.js';
export { RolloutMetrics, RolloutMetricNames } from './metrics.js';
