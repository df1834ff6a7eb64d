/**
 * Canary steps. Each step sets exactly one kind: Argo Rollouts' setWeight, pause, analysis,
 * experiment, setCanaryScale, setHeaderRoute, setMirrorRoute and plugin, plus Sluice's `bake`:
 * hold the current weight for a duration while (optionally) an analysis runs, and go on only
 * when the time is up and the analysis has not failed.
 */
import { z } from 'zod';
import { RolloutAnalysisSchema } from './analysis-ref.js';
import { DurationSchema } from './duration.js';
import { intAtLeast, percent } from './kit.js';

/** Step kinds, in the order messages list them. */
export const StepKind = {
  setWeight: 'setWeight',
  pause: 'pause',
  analysis: 'analysis',
  experiment: 'experiment',
  setCanaryScale: 'setCanaryScale',
  setHeaderRoute: 'setHeaderRoute',
  setMirrorRoute: 'setMirrorRoute',
  plugin: 'plugin',
  bake: 'bake',
} as const;
/** One of {@link StepKind}. */
export type StepKind = (typeof StepKind)[keyof typeof StepKind];
/** Every step kind. */
export const STEP_KINDS: readonly StepKind[] = Object.values(StepKind);

/** Default bake duration (`"30m"`) in milliseconds. */
export const DEFAULT_BAKE_MS = 30 * 60_000;

/** Exact, prefix or regular-expression match (exactly one). */
export const StringMatchSchema = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
/** Parsed string match. */
export type StringMatch = z.output<typeof StringMatchSchema>;

/** A header to match for setHeaderRoute. */
export const HeaderRoutingMatchSchema = z.object({
  headerName: z.string().min(1),
  headerValue: StringMatchSchema,
});

/** A request match for setMirrorRoute. */
export const RouteMatchSchema = z.object({
  method: StringMatchSchema.optional(),
  path: StringMatchSchema.optional(),
  headers: z.record(z.string(), StringMatchSchema).optional(),
});

/** `pause: {}` waits until promoted; `pause: {duration: "5m"}` waits that long. Duration in ms. */
export const PauseStepSchema = z.object({ duration: DurationSchema.optional() });

/** Scale the canary without changing traffic: exactly one of weight, replicas, matchTrafficWeight. */
export const SetCanaryScaleSchema = z.object({
  weight: percent().optional(),
  replicas: intAtLeast(0).optional(),
  matchTrafficWeight: z.boolean().default(false),
});
/** Parsed setCanaryScale. */
export type SetCanaryScale = z.output<typeof SetCanaryScaleSchema>;

/** Send requests with matching headers to the canary through the managed route `name`. */
export const SetHeaderRouteSchema = z.object({
  name: z.string().min(1),
  match: z.array(HeaderRoutingMatchSchema).default(() => []),
});
/** Parsed setHeaderRoute (an empty `match` removes the route). */
export type SetHeaderRoute = z.output<typeof SetHeaderRouteSchema>;

/** Mirror `percentage` (default 100) of matching requests to the canary through the managed route `name`. */
export const SetMirrorRouteSchema = z.object({
  name: z.string().min(1),
  match: z.array(RouteMatchSchema).default(() => []),
  percentage: percent().default(100),
});
/** Parsed setMirrorRoute (an empty `match` removes the route). */
export type SetMirrorRoute = z.output<typeof SetMirrorRouteSchema>;

/** An Argo experiment step: accepted and kept as written; Sluice does not run experiments. */
export const ExperimentStepSchema = z.looseObject({
  duration: z.string().optional(),
  templates: z.array(z.looseObject({ name: z.string(), specRef: z.string() })).default(() => []),
});

/** A step plugin (Argo's `plugin` step): accepted and kept; Sluice runs no step plugins. */
export const PluginStepSchema = z.object({
  name: z.string().min(1),
  config: z.record(z.string(), z.unknown()).optional(),
});

/** Sluice's bake step: hold for `duration` (default 30m, in ms when parsed) with an optional analysis. */
export const BakeStepSchema = z.object({
  duration: DurationSchema.prefault('30m').describe('How long to hold the current weight (default 30m).'),
  analysis: RolloutAnalysisSchema.optional().describe('Analysis that runs during the bake; a failure aborts the rollout.'),
});
/** Parsed bake step. */
export type BakeStep = z.output<typeof BakeStepSchema>;

/** One canary step: exactly one of its fields is set (checked after parsing). */
export const CanaryStepSchema = z.object({
  setWeight: percent().optional().describe('Percentage of traffic (or replicas, without traffic routing) for the canary.'),
  pause: PauseStepSchema.optional(),
  analysis: RolloutAnalysisSchema.optional(),
  experiment: ExperimentStepSchema.optional(),
  setCanaryScale: SetCanaryScaleSchema.optional(),
  setHeaderRoute: SetHeaderRouteSchema.optional(),
  setMirrorRoute: SetMirrorRouteSchema.optional(),
  plugin: PluginStepSchema.optional(),
  bake: BakeStepSchema.optional(),
});
/** A parsed canary step. */
export type CanaryStep = z.output<typeof CanaryStepSchema>;

/** The kinds a step sets (a valid step sets exactly one). */
export function stepKinds(step: CanaryStep): StepKind[] {
  return STEP_KINDS.filter((k) => step[k] !== undefined);
}

/**
 * The kind of a valid step.
 * @throws Error when the step does not set exactly one kind (parsing rejects such steps).
 */
export function stepKind(step: CanaryStep): StepKind {
  const kinds = stepKinds(step);
  if (kinds.length !== 1 || kinds[0] === undefined) throw new Error(`a step must set exactly one kind, got ${kinds.join(', ') || 'none'}`);
  return kinds[0];
}
