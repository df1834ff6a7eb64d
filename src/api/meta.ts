/**
 * Kubernetes building blocks used by every kind: object metadata, label selectors, the
 * labels/annotations pair, and the pod template (typed only as far as Sluice reads it; the
 * rest is kept as written).
 */
import { z } from 'zod';
import { stringMap } from './kit.js';

/**
 * Object metadata. Fields Sluice reads are typed; the rest (managedFields, finalizers, ...)
 * is kept. `namespace` is '' for cluster-scoped objects and manifests without one.
 */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().default(''),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().default(0),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: stringMap(),
  annotations: stringMap(),
  ownerReferences: z.array(z.looseObject({})).default(() => []),
});
/** Parsed object metadata. */
export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

/** `metav1.LabelSelectorRequirement`. */
export const LabelSelectorRequirementSchema = z.object({
  key: z.string().min(1),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).default(() => []),
});

/** `metav1.LabelSelector`. */
export const LabelSelectorSchema = z.object({
  matchLabels: stringMap(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).default(() => []),
});
/** Parsed label selector. */
export type LabelSelector = z.output<typeof LabelSelectorSchema>;

/** Labels and annotations to add to pods or AnalysisRuns (Argo's PodTemplateMetadata / AnalysisRunMetadata). */
export const PodTemplateMetadataSchema = z.object({
  labels: stringMap(),
  annotations: stringMap(),
});
/** Parsed labels and annotations. */
export type PodTemplateMetadata = z.output<typeof PodTemplateMetadataSchema>;

/** A container, typed for name and image; every other field is kept as written. */
export const ContainerSchema = z.looseObject({
  name: z.string().min(1),
  image: z.string().default(''),
});

/**
 * `core/v1 PodTemplateSpec`: typed for labels, annotations and containers' name and image,
 * otherwise kept as written (`x-kubernetes-preserve-unknown-fields` in the CRD).
 */
export const PodTemplateSpecSchema = z
  .looseObject({
    metadata: z.looseObject({ labels: stringMap(), annotations: stringMap() }).prefault({}),
    spec: z.looseObject({ containers: z.array(ContainerSchema).default(() => []) }).prefault({}),
  })
  .describe('Pod template of the ReplicaSets the Rollout creates (core/v1 PodTemplateSpec).');
/** Parsed pod template. */
export type PodTemplateSpec = z.output<typeof PodTemplateSpecSchema>;

/** A reference to a Secret key. */
export const SecretKeyRefSchema = z.object({ name: z.string().min(1), key: z.string().min(1) });
/** Parsed Secret key reference. */
export type SecretKeyRef = z.output<typeof SecretKeyRefSchema>;

/** A reference to a field of the Rollout, e.g. `metadata.labels['app']`. */
export const FieldRefSchema = z.object({ fieldPath: z.string().min(1) });
