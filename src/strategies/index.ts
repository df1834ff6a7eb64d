/** Canary (and later blue-green) strategies as pure planners: (observed state, now) -> plan. */
export { planCanary, weightVerified, isRunning } from './canary.js';
export { Phase, ConditionType, Reason, phaseOf, conditionsFor, findCondition } from './conditions.js';
export { canaryReplicaCounts, resolveSurgeAndUnavailable, weightedReplicas, desiredCanaryCounts } from './replicas.js';
export { StepKind, stepKind, weightAt, describeStep, formatMs, managedRoutesAt } from './steps.js';
export { hashObject, canonicalJson, replicaSetName, runName } from './names.js';
export { RunKind } from './types.js';
export type * from './types.js';
export type * from './spec.js';
export { workloadReplicas, planRestart, type ScaleDownPolicy, type RestartPod, type RestartPlan } from './workload.js';
export { planEphemeral, type RoleMetadata, type MetaView, type MetaPatch } from './ephemeral.js';
export { injectAntiAffinity, withoutInjectedAntiAffinity, type AntiAffinityRule, type AntiAffinityPatch } from './anti-affinity.js';
