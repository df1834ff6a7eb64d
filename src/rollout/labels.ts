/** Labels and annotations the Rollout controller writes and reads. */
import { POD_TEMPLATE_HASH_LABEL } from '../api/group.js';

/** On ReplicaSets, Pods and Service selectors: the pod-template hash (Argo Rollouts' name). */
export const POD_TEMPLATE_HASH = POD_TEMPLATE_HASH_LABEL;
/** On ReplicaSets: the revision number of its template. */
export const REVISION = 'rollout.sluice.dev/revision';
/** On ReplicaSets: when (RFC 3339, ms) it scales to zero. */
export const SCALE_DOWN_DEADLINE = 'rollout.sluice.dev/scale-down-deadline';
/** On AnalysisRuns: which rollout run it is. */
export const RUN_KIND = 'rollout.sluice.dev/run-kind';
export const RUN_STEP = 'rollout.sluice.dev/step';
export const RUN_ATTEMPT = 'rollout.sluice.dev/attempt';
/** On AnalysisRuns and ReplicaSets: the rollout's name (for selection). */
export const ROLLOUT_NAME = 'rollout.sluice.dev/name';
