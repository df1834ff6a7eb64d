/**
 * AnalysisTemplate and ClusterAnalysisTemplate: named, reusable metric sets with arguments.
 * Same spec; the cluster one is cluster-scoped and referenced with `clusterScope: true`.
 */
import { z } from 'zod';
import { DryRunSchema, MeasurementRetentionSchema } from './analysis-ref.js';
import { FieldRefSchema, ObjectMetaSchema, SecretKeyRefSchema } from './meta.js';
import { MetricSchema } from './metric.js';

/** A template argument: a default `value`, a `valueFrom`, or neither (the Rollout must pass it). */
export const ArgumentSchema = z.object({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .object({ secretKeyRef: SecretKeyRefSchema.optional(), fieldRef: FieldRefSchema.optional() })
    .optional(),
});
/** A parsed template/run argument. */
export type Argument = z.output<typeof ArgumentSchema>;

/** `spec` of an AnalysisTemplate or ClusterAnalysisTemplate. */
export const AnalysisTemplateSpecSchema = z.object({
  metrics: z.array(MetricSchema).min(1),
  args: z.array(ArgumentSchema).default(() => []),
  dryRun: z.array(DryRunSchema).default(() => []),
  measurementRetention: z.array(MeasurementRetentionSchema).default(() => []),
});
/** A parsed template spec. */
export type AnalysisTemplateSpec = z.output<typeof AnalysisTemplateSpecSchema>;

/** An AnalysisTemplate (namespaced). */
export const AnalysisTemplateSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: ObjectMetaSchema,
  spec: AnalysisTemplateSpecSchema,
});
/** A parsed AnalysisTemplate. */
export type AnalysisTemplate = z.output<typeof AnalysisTemplateSchema>;

/** A ClusterAnalysisTemplate (cluster-scoped; same shape). */
export const ClusterAnalysisTemplateSchema = AnalysisTemplateSchema;
/** A parsed ClusterAnalysisTemplate. */
export type ClusterAnalysisTemplate = AnalysisTemplate;
