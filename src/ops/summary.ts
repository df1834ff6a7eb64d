/**
 * What a person wants to know about one Rollout, derived (purely) from the object as read:
 * phase and message, strategy, the current step in words, the desired and verified weights,
 * the replica counts. Reads the spec with {@link parseRollout}; an invalid spec still gives a
 * summary from the status alone.
 */
import { formatDuration, parseRollout, parseRolloutStatus, stepKind, type CanaryStep, type RolloutStatus } from '../api/index.js';
import type { KubeObject } from './client.js';

/** Replica counts: desired (spec) and the rest from status. */
export interface ReplicaCounts {
  readonly desired: number;
  readonly current: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
}

/** The current canary step. `index` is `status.currentStepIndex` (as Argo shows it: `1/4`). */
export interface StepSummary {
  readonly index: number;
  readonly total: number;
  /** E.g. `setWeight 25`, `pause (until promoted)`, `bake 30m (ends in 12m)`, `done`. */
  readonly text: string;
}

/** One Rollout, summarised. */
export interface RolloutSummary {
  readonly name: string;
  readonly namespace: string;
  readonly phase: string;
  readonly message: string;
  readonly strategy: 'Canary' | 'BlueGreen' | 'Unknown';
  readonly step: StepSummary | undefined;
  /** The weight the steps ask for now (Argo's SET-WEIGHT); undefined without steps. */
  readonly setWeight: number | undefined;
  /** The weight last written to the router, and whether it was verified. */
  readonly actualWeight: { readonly canary: number; readonly stable: number; readonly verified: boolean | undefined } | undefined;
  readonly replicas: ReplicaCounts;
  readonly status: RolloutStatus;
  readonly steps: readonly CanaryStep[];
  readonly uid: string | undefined;
  readonly selector: Readonly<Record<string, string>>;
  readonly generation: number;
  /** Invalid spec fields, when the spec did not parse. */
  readonly specErrors: readonly string[];
}

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function ago(ms: number): string {
  return formatDuration(Math.max(0, Math.ceil(ms / 1000) * 1000));
}

/** Words for step `index` at `now`. */
export function describeStep(steps: readonly CanaryStep[], status: RolloutStatus, now: number): string {
  const index = status.currentStepIndex ?? 0;
  const step = steps[index];
  if (!step) return 'done';
  let kind: string;
  try {
    kind = stepKind(step);
  } catch {
    return 'invalid step';
  }
  switch (kind) {
    case 'setWeight':
      return `setWeight ${step.setWeight ?? 0}`;
    case 'pause': {
      const duration = step.pause?.duration;
      const pausedAt = status.pauseConditions.find((p) => p.reason === 'CanaryPauseStep')?.startTime;
      if (duration === undefined) return pausedAt ? 'pause (until promoted)' : 'pause (until promoted; not paused yet)';
      const start = pausedAt ? Date.parse(pausedAt) : NaN;
      return Number.isFinite(start) ? `pause ${formatDuration(duration)} (ends in ${ago(start + duration - now)})` : `pause ${formatDuration(duration)}`;
    }
    case 'bake': {
      const duration = step.bake?.duration ?? 0;
      const bake = status.bake?.stepIndex === index ? status.bake : undefined;
      const end = bake ? Date.parse(bake.endsAt) : NaN;
      const run = bake?.analysisRun ? `, analysis ${bake.analysisRun}` : '';
      return Number.isFinite(end) ? `bake ${formatDuration(duration)} (ends in ${ago(end - now)}${run})` : `bake ${formatDuration(duration)}`;
    }
    case 'analysis': {
      const run = status.canary.currentStepAnalysisRunStatus;
      return run ? `analysis (${run.name}: ${run.status})` : 'analysis';
    }
    case 'setCanaryScale': {
      const s = step.setCanaryScale;
      return `setCanaryScale ${s?.replicas !== undefined ? `${s.replicas} replicas` : s?.weight !== undefined ? `${s.weight}%` : 'matchTrafficWeight'}`;
    }
    case 'setHeaderRoute':
      return `setHeaderRoute ${step.setHeaderRoute?.name ?? ''}`;
    case 'setMirrorRoute':
      return `setMirrorRoute ${step.setMirrorRoute?.name ?? ''}`;
    default:
      return kind;
  }
}

/**
 * The weight the steps ask for now, as Argo computes SET-WEIGHT: 100 when all steps are done
 * (or the rollout is steady), 0 when aborted, else the last setWeight at or before the current step.
 */
export function desiredWeight(steps: readonly CanaryStep[], status: RolloutStatus): number {
  if (status.abort) return 0;
  const index = status.currentStepIndex ?? 0;
  if (index >= steps.length || (status.stableRS && status.stableRS === status.currentPodHash)) return 100;
  for (let i = index; i >= 0; i--) {
    const w = steps[i]?.setWeight;
    if (w !== undefined) return w;
  }
  return 0;
}

/** Summarises a Rollout as read from the API, at `now` (ms). */
export function summarizeRollout(obj: KubeObject, now: number): RolloutSummary {
  const meta = rec(obj.metadata);
  const rawSpec = rec(obj['spec']);
  const parsed = parseRollout(obj);
  const status = parsed.ok ? parsed.value.status : parseRolloutStatus(obj['status'] ?? {});
  const strategyRaw = rec(rawSpec['strategy']);
  const strategy = 'canary' in strategyRaw ? 'Canary' : 'blueGreen' in strategyRaw ? 'BlueGreen' : 'Unknown';
  const steps = parsed.ok ? (parsed.value.spec.strategy.canary?.steps ?? []) : [];
  const generation = typeof meta['generation'] === 'number' ? meta['generation'] : 0;
  let phase: string = status.phase ?? 'Progressing';
  let message = status.message;
  if (!status.phase) message = 'waiting for the controller to write status';
  else if (generation > 0 && status.observedGeneration < generation && phase !== 'Degraded') {
    phase = 'Progressing';
    message = `waiting for the controller to observe generation ${generation}`;
  }
  const desired = typeof rawSpec['replicas'] === 'number' ? rawSpec['replicas'] : 1;
  const weights = status.canary.weights;
  const selector = rec(rec(rawSpec['selector'])['matchLabels']) as Record<string, string>;
  return {
    name: String(meta['name'] ?? ''),
    namespace: String(meta['namespace'] ?? ''),
    phase,
    message,
    strategy,
    step: strategy === 'Canary' && steps.length > 0 ? { index: status.currentStepIndex ?? 0, total: steps.length, text: describeStep(steps, status, now) } : undefined,
    setWeight: strategy === 'Canary' && steps.length > 0 ? desiredWeight(steps, status) : undefined,
    actualWeight: weights ? { canary: weights.canary.weight, stable: weights.stable.weight, verified: weights.verified } : undefined,
    replicas: { desired, current: status.replicas, updated: status.updatedReplicas, ready: status.readyReplicas, available: status.availableReplicas },
    status,
    steps,
    uid: typeof meta['uid'] === 'string' ? meta['uid'] : undefined,
    selector,
    generation,
    specErrors: parsed.ok ? [] : parsed.errors.map((e) => `${e.path}: ${e.message}`),
  };
}
