/**
 * The Rollout kind: spec fields and defaults as in Argo Rollouts v1alpha1, so a migration is
 * a change of `apiVersion`; Sluice's additions (the `bake` step, the `gatewayAPI` router,
 * integer `observedGeneration`) are additive.
 */
import { z } from 'zod';
import { ScaleDown } from './constants.js';
import { intAtLeast } from './kit.js';
import { LabelSelectorSchema, ObjectMetaSchema, PodTemplateSpecSchema } from './meta.js';
import { RolloutStatusSchema } from './rollout-status.js';
import { RolloutStrategySchema } from './strategy.js';

/** Defaults of the Rollout spec (Argo's). */
export const RolloutDefaults = {
  replicas: 1,
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
} as const;

/** A workload (usually a Deployment) whose pod template and selector the Rollout uses. */
export const WorkloadRefSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  scaleDown: z.enum([ScaleDown.Never, ScaleDown.OnSuccess, ScaleDown.Progressively]).default(ScaleDown.Never),
});
/** Parsed workload reference. */
export type WorkloadRef = z.output<typeof WorkloadRefSchema>;

/** `spec` of a Rollout. `selector` is absent only with `workloadRef` (checked after parsing). */
export const RolloutSpecSchema = z.object({
  replicas: intAtLeast(0).default(RolloutDefaults.replicas).describe('Number of desired pods (default 1).'),
  selector: LabelSelectorSchema.optional().describe('Label selector for pods; must match the template labels.'),
  template: PodTemplateSpecSchema.prefault({}),
  workloadRef: WorkloadRefSchema.optional().describe('A workload (e.g. a Deployment) that provides the pod template and selector instead of spec.template.'),
  minReadySeconds: intAtLeast(0).default(0).describe('Seconds a new pod must be ready, without crashing, to count as available.'),
  revisionHistoryLimit: intAtLeast(0).default(RolloutDefaults.revisionHistoryLimit).describe('Old ReplicaSets to keep (default 10).'),
  paused: z.boolean().default(false).describe('Holds the rollout at its current step.'),
  progressDeadlineSeconds: intAtLeast(1)
    .default(RolloutDefaults.progressDeadlineSeconds)
    .describe('Seconds the rollout may go without progress before it is Degraded (default 600; not counted while paused).'),
  progressDeadlineAbort: z.boolean().default(false).describe('Abort the update when progressDeadlineSeconds is exceeded.'),
  restartAt: z.string().optional().describe('RFC 3339 time at which every pod is restarted.'),
  rollbackWindow: z
    .object({ revisions: intAtLeast(0).default(0) })
    .optional()
    .describe('Going back to one of the last `revisions` revisions skips the steps (fast-track rollback).'),
  strategy: RolloutStrategySchema.describe('How to replace pods: exactly one of canary and blueGreen.'),
  analysis: z
    .object({
      successfulRunHistoryLimit: intAtLeast(0).default(5),
      unsuccessfulRunHistoryLimit: intAtLeast(0).default(5),
    })
    .prefault({})
    .describe('How many finished AnalysisRuns to keep (default 5 successful, 5 unsuccessful).'),
});
/** A parsed Rollout spec, every default filled in. */
export type RolloutSpec = z.output<typeof RolloutSpecSchema>;

/** A Rollout as read from the API (schema only; {@link parseRollout} adds the cross-field checks). */
export const RolloutSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema,
  spec: RolloutSpecSchema,
  status: RolloutStatusSchema,
});
/** A parsed Rollout: for reading. Write through the object as received, not this value. */
export type Rollout = z.output<typeof RolloutSchema>;
/** A Rollout as written in a manifest (before defaults). */
export type RolloutManifest = z.input<typeof RolloutSchema>;
