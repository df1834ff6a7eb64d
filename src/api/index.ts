/**
 * The `sluice.dev/v1alpha1` API: zod schemas for Rollout, AnalysisTemplate,
 * ClusterAnalysisTemplate and AnalysisRun, and everything derived from them.
 *
 * - Parse at the edge: {@link parseRollout}, {@link parseAnalysisTemplate},
 *   {@link parseClusterAnalysisTemplate}, {@link parseAnalysisRun} return the typed value with
 *   every default filled in, or {@link FieldError}s (`formatFieldError` renders
 *   `spec.strategy.canary.steps[2].setWeight: must be between 0 and 100, got 120`).
 *   Statuses are read leniently: {@link parseRolloutStatus}, {@link parseAnalysisRunStatus}.
 * - Types: `Rollout`, `RolloutSpec`, `CanaryStep`, `RolloutStatus`, `Metric`, `AnalysisRun`, ...
 *   (parsed, for reading) and `RolloutManifest` / `AnalysisRunManifest` (as written).
 * - Constants: {@link RolloutPhase}, {@link ConditionType}, {@link ConditionStatus},
 *   {@link PauseReason}, {@link AnalysisPhase}, {@link StepKind}, group and resource names.
 * - Durations: {@link parseDuration} (ms), {@link formatDuration}.
 * - CRDs: {@link crdDocuments}, {@link renderCrdFiles}, {@link structuralProblems}.
 */
export * from './group.js';
export * from './constants.js';
export {
  formatFieldError,
  formatPath,
  summarizeFieldErrors,
  type FieldError,
  type ParseResult,
} from './errors.js';
export { parseDuration, tryParseDuration, formatDuration, DurationSchema, type DurationText } from './duration.js';
export { IntOrString, IntOrPercent, resolveIntOrPercent, intOrStringValue, type StringMap } from './kit.js';
export * from './meta.js';
export * from './analysis-ref.js';
export * from './steps.js';
export * from './traffic.js';
export * from './strategy.js';
export * from './rollout.js';
export * from './rollout-status.js';
export * from './metric.js';
export * from './analysis-template.js';
export * from './analysis-run.js';
export * from './parse.js';
export { checkRolloutSpec } from './rollout-checks.js';
export { checkAnalysisSpec, argsUsed, type AnalysisSpecLike } from './analysis-checks.js';
export { crdDocuments, renderCrdFiles, crdFileName, ROLLOUT_PRINTER_COLUMNS, type CrdDocument, type PrinterColumn } from './crds.js';
export { toCrdSchema, type JSONSchemaProps } from './crd-schema.js';
export { structuralProblems } from './structural.js';
export { fieldPath } from './fieldpath.js';
