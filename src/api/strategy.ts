/**
 * `spec.strategy`: canary (steps, optional traffic routing and background analysis) or
 * blue-green (active and preview Services, promotion analysis). Exactly one is set.
 */
import { z } from 'zod';
import { RolloutAnalysisBackgroundSchema, RolloutAnalysisSchema } from './analysis-ref.js';
import { IntOrPercent, intAtLeast, intBetween } from './kit.js';
import { PodTemplateMetadataSchema } from './meta.js';
import { CanaryStepSchema } from './steps.js';
import { TrafficRoutingSchema } from './traffic.js';

/** Default scale-down delay after promotion or abort, in seconds (Argo's default). */
export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;

/** Inject pod anti-affinity against the other ReplicaSet: exactly one of the two forms. */
export const AntiAffinitySchema = z.object({
  preferredDuringSchedulingIgnoredDuringExecution: z.object({ weight: intBetween(1, 100) }).optional(),
  requiredDuringSchedulingIgnoredDuringExecution: z.object({}).optional(),
});

/** Ping-pong services (Argo's pingPong): the stable and canary roles alternate between them. */
export const PingPongSchema = z.object({ pingService: z.string().min(1), pongService: z.string().min(1) });

/** `spec.strategy.canary`. Seconds fields are integers, as in Argo Rollouts. */
export const CanaryStrategySchema = z.object({
  canaryService: z.string().default('').describe('Service that selects only canary pods (required with trafficRouting).'),
  stableService: z.string().default('').describe('Service that selects only stable pods (required with trafficRouting).'),
  steps: z.array(CanaryStepSchema).default(() => []).describe('The canary steps, in order; each sets exactly one kind.'),
  trafficRouting: TrafficRoutingSchema.optional().describe('Split traffic on a mesh or ingress instead of by replica count.'),
  maxUnavailable: IntOrPercent.default('25%').describe('Pods that may be unavailable during the update: a count or a percentage (default 25%).'),
  maxSurge: IntOrPercent.default('25%').describe('Pods that may be created above replicas: a count or a percentage (default 25%).'),
  analysis: RolloutAnalysisBackgroundSchema.optional().describe('Background analysis that runs while the steps execute.'),
  antiAffinity: AntiAffinitySchema.optional(),
  canaryMetadata: PodTemplateMetadataSchema.optional().describe('Labels and annotations on canary pods while they are the canary.'),
  stableMetadata: PodTemplateMetadataSchema.optional().describe('Labels and annotations on stable pods.'),
  scaleDownDelaySeconds: intAtLeast(0)
    .default(DEFAULT_SCALE_DOWN_DELAY_SECONDS)
    .describe('With traffic routing, seconds before the old stable ReplicaSet scales down after promotion (default 30).'),
  scaleDownDelayRevisionLimit: intAtLeast(0).optional().describe('Old ReplicaSets that may wait for their scale-down delay at once.'),
  abortScaleDownDelaySeconds: intAtLeast(0)
    .default(DEFAULT_SCALE_DOWN_DELAY_SECONDS)
    .describe('With traffic routing, seconds before the canary scales down after an abort (default 30; 0 keeps it).'),
  dynamicStableScale: z.boolean().default(false).describe('Scale the stable ReplicaSet down as traffic moves to the canary.'),
  pingPong: PingPongSchema.optional(),
  minPodsPerReplicaSet: intAtLeast(1).optional().describe('With traffic routing, the fewest pods a non-empty stable or canary ReplicaSet has.'),
});
/** Parsed canary strategy. */
export type CanaryStrategy = z.output<typeof CanaryStrategySchema>;

/** `spec.strategy.blueGreen`. */
export const BlueGreenStrategySchema = z.object({
  activeService: z.string().min(1).describe('Service that receives production traffic; switched to the new ReplicaSet on promotion.'),
  previewService: z.string().default('').describe('Service that selects the new ReplicaSet before promotion.'),
  previewReplicaCount: intAtLeast(0).optional().describe('Replicas of the new ReplicaSet before promotion (default: all).'),
  autoPromotionEnabled: z.boolean().default(true).describe('Promote by itself once the new ReplicaSet is available (default true); false pauses first.'),
  autoPromotionSeconds: intAtLeast(0).default(0).describe('Seconds to wait, once available, before promoting by itself.'),
  maxUnavailable: IntOrPercent.default('25%'),
  scaleDownDelaySeconds: intAtLeast(0).default(DEFAULT_SCALE_DOWN_DELAY_SECONDS),
  scaleDownDelayRevisionLimit: intAtLeast(0).optional(),
  abortScaleDownDelaySeconds: intAtLeast(0).default(DEFAULT_SCALE_DOWN_DELAY_SECONDS),
  prePromotionAnalysis: RolloutAnalysisSchema.optional().describe('Analysis that must pass before the active Service switches.'),
  postPromotionAnalysis: RolloutAnalysisSchema.optional().describe('Analysis after the switch; a failure switches back.'),
  antiAffinity: AntiAffinitySchema.optional(),
  previewMetadata: PodTemplateMetadataSchema.optional(),
  activeMetadata: PodTemplateMetadataSchema.optional(),
});
/** Parsed blue-green strategy. */
export type BlueGreenStrategy = z.output<typeof BlueGreenStrategySchema>;

/** `spec.strategy`: exactly one of canary and blueGreen (checked after parsing). */
export const RolloutStrategySchema = z.object({
  canary: CanaryStrategySchema.optional(),
  blueGreen: BlueGreenStrategySchema.optional(),
});
/** Parsed strategy. */
export type RolloutStrategy = z.output<typeof RolloutStrategySchema>;
