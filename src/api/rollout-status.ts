/**
 * Rollout status: the controller's only memory. Parsing is lenient: a missing or malformed
 * field takes its zero value and a malformed list item is dropped, so an old or hand-edited
 * status never stops a reconcile. `observedGeneration` is an integer (Argo writes a string,
 * which breaks kstatus readers; a numeric string is still read).
 */
import { z } from 'zod';
import { AnalysisPhase, ConditionStatus, RolloutPhase } from './constants.js';
import { withCrdView, larray, lbool, lint, lobj, lopt, lstr } from './kit.js';

const ANALYSIS_PHASES = Object.values(AnalysisPhase) as [AnalysisPhase, ...AnalysisPhase[]];

/** An integer, also read from a numeric string; 0 otherwise. */
const generation = () => {
  const s = z.union([z.int(), z.string().regex(/^\d+$/).transform(Number)]).catch(0);
  return withCrdView(s, z.int().optional());
};

/** A condition (kstatus and Argo Rollouts shape). Times are RFC 3339 strings. */
export const ConditionSchema = z.object({
  type: z.string().min(1),
  status: z.enum([ConditionStatus.True, ConditionStatus.False, ConditionStatus.Unknown]).catch(ConditionStatus.Unknown),
  reason: lstr(),
  message: lstr(),
  lastTransitionTime: lstr(),
  lastUpdateTime: lstr(),
  observedGeneration: lopt(z.int()),
});
/** A parsed condition. */
export type Condition = z.output<typeof ConditionSchema>;

/** A pause the controller added, and when. */
export const PauseConditionSchema = z.object({ reason: z.string().min(1), startTime: lstr() });
/** A parsed pause condition. */
export type PauseCondition = z.output<typeof PauseConditionSchema>;

/** Name and phase of an AnalysisRun the Rollout started. */
export const RolloutAnalysisRunStatusSchema = z.object({
  name: z.string().min(1),
  status: z.enum(ANALYSIS_PHASES).catch(AnalysisPhase.Pending),
  message: lstr(),
});
/** A parsed analysis run reference. */
export type RolloutAnalysisRunStatus = z.output<typeof RolloutAnalysisRunStatusSchema>;

/** Weight sent to one destination. */
export const WeightDestinationSchema = lobj({ weight: lint(), podTemplateHash: lstr(), serviceName: lstr() });

/** Weights last set on the router. */
export const TrafficWeightsSchema = z.object({
  canary: WeightDestinationSchema,
  stable: WeightDestinationSchema,
  additional: larray(WeightDestinationSchema),
  verified: lopt(z.boolean()),
});

/** Sluice's bake bookkeeping: which step is baking, when it started and ends, and the name of its AnalysisRun. */
export const BakeStatusSchema = z.object({
  stepIndex: z.int().min(0),
  startedAt: lstr(),
  endsAt: lstr(),
  analysisRun: lopt(z.string()),
});
/** Parsed bake status. */
export type BakeStatus = z.output<typeof BakeStatusSchema>;

/** `status` of a Rollout. Optional fields are absent until the controller has something to say. */
export const RolloutStatusSchema = lobj({
  observedGeneration: generation().describe('metadata.generation this status describes (an integer, for kstatus).'),
  phase: lopt(z.enum([RolloutPhase.Healthy, RolloutPhase.Progressing, RolloutPhase.Paused, RolloutPhase.Degraded])),
  message: lstr(),
  conditions: larray(ConditionSchema),
  replicas: lint(),
  updatedReplicas: lint(),
  readyReplicas: lint(),
  availableReplicas: lint(),
  currentPodHash: lstr(),
  stableRS: lstr(),
  currentStepIndex: lopt(z.int().min(0)).describe('Index of the current canary step; steps.length when all are done.'),
  currentStepHash: lstr(),
  pauseConditions: larray(PauseConditionSchema),
  controllerPause: lbool(),
  abort: lbool(),
  abortedAt: lopt(z.string()),
  promoteFull: lbool(),
  restartedAt: lopt(z.string()),
  collisionCount: lopt(z.int()),
  selector: lstr(),
  workloadObservedGeneration: lstr(),
  canary: lobj({
    weights: lopt(TrafficWeightsSchema),
    currentStepAnalysisRunStatus: lopt(RolloutAnalysisRunStatusSchema),
    currentBackgroundAnalysisRunStatus: lopt(RolloutAnalysisRunStatusSchema),
    currentExperiment: lstr(),
    stablePingPong: lopt(z.enum(['ping', 'pong'])),
  }),
  blueGreen: lobj({
    activeSelector: lstr(),
    previewSelector: lstr(),
    prePromotionAnalysisRunStatus: lopt(RolloutAnalysisRunStatusSchema),
    postPromotionAnalysisRunStatus: lopt(RolloutAnalysisRunStatusSchema),
    scaleUpPreviewCheckPoint: lbool(),
  }),
  bake: lopt(BakeStatusSchema).describe('Sluice addition: the bake step in progress.'),
  attempt: lint().describe('Sluice addition: retries of the current revision after an abort (names fresh AnalysisRuns).'),
});
/** A parsed Rollout status. */
export type RolloutStatus = z.output<typeof RolloutStatusSchema>;

/** Reads a status; never fails (see the module comment). `parseRolloutStatus(undefined)` is the empty status. */
export function parseRolloutStatus(x: unknown): RolloutStatus {
  return RolloutStatusSchema.parse(x);
}
