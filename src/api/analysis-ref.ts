/**
 * How a Rollout asks for analysis: which templates, with which arguments, in dry-run or not.
 * Used by canary steps, background analysis, bake steps and blue-green promotion analysis.
 */
import { z } from 'zod';
import { intAtLeast } from './kit.js';
import { FieldRefSchema, PodTemplateMetadataSchema } from './meta.js';

/** Which ReplicaSet's pod template hash an argument takes. */
export const PodTemplateHashValue = { Stable: 'Stable', Latest: 'Latest' } as const;
/** One of {@link PodTemplateHashValue}. */
export type PodTemplateHashValue = (typeof PodTemplateHashValue)[keyof typeof PodTemplateHashValue];

/** An argument a Rollout passes to an AnalysisRun: a literal `value` or `valueFrom` (one of the two). */
export const AnalysisRunArgumentSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .object({
      podTemplateHashValue: z.enum([PodTemplateHashValue.Stable, PodTemplateHashValue.Latest]).optional(),
      fieldRef: FieldRefSchema.optional(),
    })
    .optional(),
});
/** Parsed Rollout-side argument. */
export type AnalysisRunArgument = z.output<typeof AnalysisRunArgumentSchema>;

/** A template named by a Rollout; `clusterScope` looks for a ClusterAnalysisTemplate. */
export const RolloutAnalysisTemplateSchema = z.object({
  templateName: z.string().min(1),
  clusterScope: z.boolean().default(false),
});

/** Metrics to run in dry-run mode (their failures do not fail the run); `*` is every metric. */
export const DryRunSchema = z.object({ metricName: z.string().min(1) });
/** How many measurements to keep for a metric. */
export const MeasurementRetentionSchema = z.object({ metricName: z.string().min(1), limit: intAtLeast(0) });

/** Argo's RolloutAnalysis: the analysis a step, a bake or a promotion runs. */
export const RolloutAnalysisSchema = z.object({
  templates: z.array(RolloutAnalysisTemplateSchema).default(() => []),
  args: z.array(AnalysisRunArgumentSchema).default(() => []),
  dryRun: z.array(DryRunSchema).default(() => []),
  measurementRetention: z.array(MeasurementRetentionSchema).default(() => []),
  analysisRunMetadata: PodTemplateMetadataSchema.prefault({}),
});
/** Parsed RolloutAnalysis. */
export type RolloutAnalysis = z.output<typeof RolloutAnalysisSchema>;

/** Background analysis of a canary: runs alongside the steps from `startingStep` (default 0). */
export const RolloutAnalysisBackgroundSchema = RolloutAnalysisSchema.extend({
  startingStep: intAtLeast(0).default(0),
});
/** Parsed background analysis. */
export type RolloutAnalysisBackground = z.output<typeof RolloutAnalysisBackgroundSchema>;
