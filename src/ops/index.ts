/**
 * The operations behind the `sluice` / `kubectl sluice` commands. Each takes an
 * {@link OpsContext} (a {@link CliClient} built from a kubeconfig, an output stream, the clock,
 * a stop signal), talks to the API, and writes what a person reads. Failures are
 * {@link OpsError}s: one line.
 *
 * - Read: {@link getRollout}, {@link rolloutStatus}, {@link listRollouts}.
 * - Write (the patches Argo Rollouts' plugin writes): {@link promoteRollout},
 *   {@link abortRollouts}, {@link retryRollouts}, {@link pauseRollouts}, {@link resumeRollouts},
 *   {@link restartRollout}, {@link setRolloutImage}, {@link undoRollout},
 *   {@link terminateAnalysisRuns}.
 */
export { CLI_FIELD_MANAGER, CliClient, CliResources, PatchTypes, type KubeObject } from './client.js';
export type { OpsContext } from './context.js';
export { OpsError, describeError } from './errors.js';
export { loadClusterTarget, type ClusterFlags, type ClusterTarget } from './kubeconfig.js';
export { ABORT_PATCH, PAUSE_PATCH, PROMOTE_FULL_PATCH, RETRY_PATCH, TERMINATE_PATCH, UNPAUSE_PATCH, promotePlan, restartPatch, resumePlan, type PatchPlan } from './patches.js';
export { abortRollouts, pauseRollouts, promoteRollout, restartRollout, resumeRollouts, retryRollouts, terminateAnalysisRuns } from './actions.js';
export { parseImageArg, setRolloutImage, setTemplateImage } from './set-image.js';
export { isDerivative, pickRevision, undoRollout } from './undo.js';
export { getRollout, listRollouts, rolloutStatus, type StatusOutcome } from './view.js';
export { readRolloutDetails, type RolloutDetails } from './details.js';
export { desiredWeight, describeStep, summarizeRollout, type RolloutSummary } from './summary.js';
export { renderRolloutDetails, renderRolloutList, LIST_COLUMNS } from './render.js';
