/**
 * The canary planner: (observed rollout, now) -> plan. Pure: no client, no clock, no
 * randomness. One pass decides the replicas of every ReplicaSet, the traffic weight, the
 * analysis runs to start or stop, the next status, the events, and when to look again.
 *
 * Safety rules it keeps:
 * - weight goes to the canary only when the canary has the pods that weight needs available;
 *   with none available, the canary gets 0;
 * - on abort the weight is 0 at once and the canary's pods stay until the abort delay;
 * - a failed or errored analysis aborts; an inconclusive one pauses; nothing promotes without
 *   a Successful run where a run is asked for.
 */
import { toRfc3339Millis } from '../clock/index.js';
import { Reason, type Situation } from './conditions.js';
import type { CanaryStrategyView, RolloutStatusView } from './spec.js';
import { StepRunner, type StepResult } from './canary-steps.js';
import { finishPlan, type PlanBuilder } from './canary-finish.js';
import { describeStep } from './steps.js';
import { counts, rsByHash, safeWeight, setReplicas, setTraffic, weightVerified } from './canary-traffic.js';
import { hashObject, runName } from './names.js';
import { RunKind, type ObservedReplicaSet, type ObservedRollout, type Plan } from './types.js';

const TERMINAL_BAD = new Set(['Failed', 'Error']);

/** Plans one reconcile of a canary Rollout. `o.spec.strategy.canary` must be set. */
export function planCanary(o: ObservedRollout, now: number): Plan {
  const canary = o.spec.strategy.canary;
  if (!canary) throw new Error('planCanary needs spec.strategy.canary');
  const b = newBuilder(o, now);
  if (o.invalid.length) {
    b.situation.invalid = o.invalid.join('; ');
    return finishPlan(b, o, now);
  }
  const next = b.plan.status;
  const steps = canary.steps;

  // The first revision is stable from the start; a stable ReplicaSet that is gone cannot hold traffic.
  let stableHash = next.stableRS ?? o.currentHash;
  if (stableHash !== o.currentHash && !rsByHash(o, stableHash)) stableHash = o.currentHash;
  next.stableRS = stableHash;

  const stepsHash = hashObject(steps);
  if (next.currentPodHash !== o.currentHash || next.currentStepHash !== stepsHash) {
    startRevision(b, o, stableHash, stepsHash);
  } else if (!next.abort && next.abortedAt) {
    next.abortedAt = undefined;
    next.attempt = (next.attempt ?? 0) + 1;
    next.currentStepIndex = 0;
    b.event('Normal', 'RolloutRetried', `retrying revision ${o.currentHash} from step 0 (attempt ${next.attempt})`);
  }
  if (next.promoteFull) next.currentStepIndex = steps.length;

  ensureCurrentReplicaSet(b, o);
  if (stableHash === o.currentHash) {
    steady(b, o, canary, now);
    return finishPlan(b, o, now);
  }
  if (!next.abort) progress(b, o, canary, stableHash, now);
  if (next.abort) aborted(b, o, canary, stableHash, now);
  return finishPlan(b, o, now);
}

function newBuilder(o: ObservedRollout, now: number): PlanBuilder {
  const status: RolloutStatusView = structuredClone(o.status);
  status.observedGeneration = o.generation;
  const plan: Plan = { scaleUp: [], scaleDown: [], deleteReplicaSets: [], createRuns: [], terminateRuns: [], status, events: [] };
  const situation: Situation = {};
  const waits: number[] = [];
  return {
    plan,
    situation,
    waits,
    deliberateWait: false,
    waitAt: (t) => void waits.push(t),
    event: (type, reason, message, key) => void plan.events.push({ type, reason, message, ...(key === undefined ? {} : { key }) }),
    scaled: (ms) => ms / o.timeScale,
    now,
  };
}

function startRevision(b: PlanBuilder, o: ObservedRollout, stableHash: string, stepsHash: string): void {
  const next = b.plan.status;
  const steps = o.spec.strategy.canary?.steps ?? [];
  const firstSeen = next.currentPodHash === undefined;
  const templateChanged = next.currentPodHash !== o.currentHash;
  Object.assign(next, {
    currentPodHash: o.currentHash,
    currentStepHash: stepsHash,
    currentStepIndex: 0,
    pauseConditions: [],
    controllerPause: false,
    abort: false,
    abortedAt: undefined,
    promoteFull: false,
    bake: undefined,
    attempt: 0,
  });
  if (next.canary) {
    next.canary.currentStepAnalysisRunStatus = undefined;
    next.canary.currentBackgroundAnalysisRunStatus = undefined;
  }
  for (const run of o.runs) {
    if (!run.terminating && isRunning(run.phase)) b.plan.terminateRuns.push(run.name);
  }
  if (o.currentHash === stableHash) {
    next.currentStepIndex = steps.length;
    if (!firstSeen) b.event('Normal', 'RollbackToStable', `template is the stable revision ${stableHash}: fast track, no steps`);
    return;
  }
  const window = o.spec.rollbackWindow?.revisions ?? 0;
  const target = rsByHash(o, o.currentHash);
  if (window > 0 && target && templateChanged) {
    const newer = o.replicaSets.filter((r) => r.revision > target.revision).length;
    if (newer <= window) {
      next.currentStepIndex = steps.length;
      b.event('Normal', 'RollbackWithinWindow', `revision ${target.revision} is within the rollback window (${window}): fast track, no steps`);
      return;
    }
  }
  if (templateChanged && !firstSeen) b.event('Normal', 'RolloutUpdated', `new revision ${o.currentHash}: starting at step 0`);
  if (templateChanged && firstSeen) b.event('Normal', 'RolloutUpdated', `revision ${o.currentHash}: starting at step 0`);
  if (!templateChanged) b.event('Normal', 'StepsChanged', 'steps changed: starting over at step 0');
  const first = steps[0];
  if (first) b.event('Normal', 'StepStarted', `step 0: ${describeStep(first)}`);
}

function ensureCurrentReplicaSet(b: PlanBuilder, o: ObservedRollout): void {
  if (rsByHash(o, o.currentHash)) return;
  const revision = Math.max(0, ...o.replicaSets.map((r) => r.revision)) + 1;
  b.plan.createReplicaSet = { hash: o.currentHash, revision, replicas: 0 };
}

/** Fully promoted: the current revision takes every replica and all traffic. */
function steady(b: PlanBuilder, o: ObservedRollout, c: CanaryStrategyView, now: number): void {
  const next = b.plan.status;
  const r = o.spec.replicas;
  const current = rsByHash(o, o.currentHash);
  setReplicas(b, o.currentHash, current, r);
  next.currentStepIndex = c.steps.length;
  next.pauseConditions = [];
  next.controllerPause = false;
  next.bake = undefined;
  next.abort = false;
  next.promoteFull = false;
  const currentAvailable = current?.available ?? 0;
  if (!c.trafficRouting) {
    for (const rs of o.replicaSets) {
      if (rs.hash !== o.currentHash && rs.spec > 0 && currentAvailable >= r) b.plan.scaleDown.push({ name: rs.name, replicas: 0, scaleDownAt: null });
    }
  } else {
    retireOld(b, o, c, [o.currentHash], now, true);
  }
  for (const run of o.runs) {
    if (!run.terminating && isRunning(run.phase)) b.plan.terminateRuns.push(run.name);
  }
  setTraffic(b, o, c, 0, o.currentHash, o.currentHash, { finalize: true });
  pruneHistory(b, o);
  if (currentAvailable < r || (current?.spec ?? 0) !== r) {
    b.situation.progressing = `${currentAvailable} of ${r} replicas of revision ${o.currentHash} available`;
  } else if (o.replicaSets.some((rs) => rs.hash !== o.currentHash && rs.spec > 0 && !c.trafficRouting)) {
    b.situation.progressing = 'old replicas are scaling down';
  }
}

/**
 * ReplicaSets that are neither current nor `keep`, still running, newest first. With traffic
 * routing, the first scaleDownDelayRevisionLimit of them (all when unset) wait out
 * scaleDownDelaySeconds so proxies converge before their pods go: a new delay starts for each
 * when `startDelay` (just promoted away from), else only a delay already running is honoured.
 * The rest, and every one without traffic routing, go to 0 now.
 */
function retireOld(b: PlanBuilder, o: ObservedRollout, c: CanaryStrategyView, keep: string[], now: number, startDelay: boolean): void {
  const old = o.replicaSets.filter((rs) => !keep.includes(rs.hash) && rs.spec > 0).sort((x, y) => y.revision - x.revision);
  let delayed = 0;
  for (const rs of old) {
    const withinLimit = c.scaleDownDelayRevisionLimit === undefined || delayed < c.scaleDownDelayRevisionLimit;
    if (c.trafficRouting && withinLimit && (startDelay || rs.scaleDownAt !== undefined)) {
      delayed++;
      scaleDownAfterDelay(b, rs, now + b.scaled(c.scaleDownDelaySeconds * 1000));
    } else {
      b.plan.scaleDown.push({ name: rs.name, replicas: 0, scaleDownAt: null });
    }
  }
}

/** A ReplicaSet not in use: 0 replicas once its deadline passes. */
function scaleDownAfterDelay(b: PlanBuilder, rs: ObservedReplicaSet, deadline: number): void {
  if (rs.scaleDownAt === undefined) {
    b.plan.scaleUp.push({ name: rs.name, replicas: rs.spec, scaleDownAt: deadline });
    b.waitAt(deadline);
  } else if (b.now >= rs.scaleDownAt) {
    b.plan.scaleDown.push({ name: rs.name, replicas: 0, scaleDownAt: null });
  } else {
    b.waitAt(rs.scaleDownAt);
  }
}

function pruneHistory(b: PlanBuilder, o: ObservedRollout): void {
  const old = o.replicaSets
    .filter((rs) => rs.hash !== o.currentHash && rs.hash !== b.plan.status.stableRS && rs.spec === 0 && rs.available === 0)
    .sort((x, y) => y.revision - x.revision);
  for (const rs of old.slice(o.spec.revisionHistoryLimit)) b.plan.deleteReplicaSets.push(rs.name);
}

/** Runs the steps from the current index as far as they go, then promotes when all are done. */
function progress(b: PlanBuilder, o: ObservedRollout, c: CanaryStrategyView, stableHash: string, now: number): void {
  const next = b.plan.status;
  const steps = c.steps;
  let index = Math.min(Math.max(next.currentStepIndex ?? 0, 0), steps.length);
  const runner = new StepRunner(b, o, c, stableHash);
  if (c.analysis && index >= (c.analysis.startingStep ?? 0)) {
    const verdict = runner.background();
    if (verdict) return abort(b, verdict);
  }
  for (const run of o.runs) {
    // Only runs of steps (or attempts) already left behind: a run of a later step or attempt was
    // started by a newer reconcile than the cached status this one sees, and must keep running.
    const stale = run.kind !== RunKind.Background && ((run.stepIndex ?? index) < index || run.attempt < (next.attempt ?? 0));
    if (stale && !run.terminating && isRunning(run.phase)) b.plan.terminateRuns.push(run.name);
  }
  if (o.spec.paused) {
    b.situation.paused = { reason: Reason.PausedBySpec, message: 'spec.paused is true; set it to false to resume' };
    b.deliberateWait = true;
  }
  let result: StepResult = { kind: 'done' };
  while (!o.spec.paused && index < steps.length) {
    result = runner.run(index, counts(o, c, stableHash, index));
    if (result.kind !== 'done') break;
    b.event('Normal', 'StepCompleted', `step ${index}: ${describeStep(steps[index]!)} completed`);
    index++;
    next.currentStepIndex = index;
    next.pauseConditions = [];
    next.controllerPause = false;
    if (index < steps.length) b.event('Normal', 'StepStarted', `step ${index}: ${describeStep(steps[index]!)}`);
  }
  if (result.kind === 'abort') return abort(b, result.message);
  if (result.kind === 'hold') b.deliberateWait = true;

  const n = counts(o, c, stableHash, index);
  const current = rsByHash(o, o.currentHash);
  const stable = rsByHash(o, stableHash);
  setReplicas(b, o.currentHash, current, n.canary);
  setReplicas(b, stableHash, stable, n.stable);
  retireOld(b, o, c, [o.currentHash, stableHash], now, false);
  const weight = safeWeight(o, c, index, n, stableHash);
  setTraffic(b, o, c, weight, o.currentHash, stableHash, { finalize: false, index });
  next.currentStepIndex = index;

  if (index < steps.length) {
    b.situation.progressing ??= `step ${index} of ${steps.length}: ${describeStep(steps[index]!)}`;
    return;
  }
  // Every step done: promote once the canary has every replica and all traffic.
  const r = o.spec.replicas;
  const trafficDone = c.trafficRouting ? weightVerified(o.status, 100) : (stable?.spec ?? 0) === 0 && (stable?.available ?? 0) === 0;
  if (current && current.spec === r && current.available >= r && trafficDone) {
    next.stableRS = o.currentHash;
    b.event('Normal', 'RolloutCompleted', `revision ${o.currentHash} promoted to stable`);
    if (stable) b.plan.scaleDown = b.plan.scaleDown.filter((a) => a.name !== stable.name);
    steady(b, o, c, now);
    return;
  }
  b.situation.progressing = `promoting: ${current?.available ?? 0} of ${r} canary replicas available${c.trafficRouting ? `, traffic ${weightVerified(o.status, 100) ? 'at' : 'moving to'} 100%` : ''}`;
}

function abort(b: PlanBuilder, message: string): void {
  const next = b.plan.status;
  next.abort = true;
  b.situation.aborted = message;
}

/** Aborted: all traffic on stable first, canary pods kept until the abort delay, then 0. */
function aborted(b: PlanBuilder, o: ObservedRollout, c: CanaryStrategyView, stableHash: string, now: number): void {
  const next = b.plan.status;
  const reason = b.situation.aborted ?? previousAbortReason(o.status) ?? 'aborted by user (status.abort)';
  b.situation.aborted = reason;
  b.situation.progressing = undefined;
  b.situation.paused = undefined;
  if (!next.abortedAt) {
    next.abortedAt = toRfc3339Millis(now);
    b.event('Warning', 'RolloutAborted', reason);
  }
  next.pauseConditions = [];
  next.controllerPause = false;
  next.bake = undefined;
  for (const run of o.runs) {
    if (run.podHash === o.currentHash && !run.terminating && isRunning(run.phase)) b.plan.terminateRuns.push(run.name);
  }
  const current = rsByHash(o, o.currentHash);
  const stable = rsByHash(o, stableHash);
  if (c.trafficRouting) {
    setReplicas(b, stableHash, stable, o.spec.replicas);
    if (current && current.spec > 0) {
      if (c.abortScaleDownDelaySeconds > 0) {
        const abortedAt = Date.parse(next.abortedAt);
        const deadline = abortedAt + b.scaled(c.abortScaleDownDelaySeconds * 1000);
        if (now >= deadline) b.plan.scaleDown.push({ name: current.name, replicas: 0, scaleDownAt: null });
        else b.waitAt(deadline);
      }
    }
  } else {
    const n = counts(o, c, stableHash, 0, true);
    setReplicas(b, o.currentHash, current, n.canary);
    setReplicas(b, stableHash, stable, n.stable);
  }
  setTraffic(b, o, c, 0, stableHash, stableHash, { finalize: false, removeRoutes: true });
}

function previousAbortReason(prev: RolloutStatusView): string | undefined {
  const m = prev.message;
  const prefix = `${Reason.RolloutAborted}: `;
  return m?.startsWith(prefix) ? m.slice(prefix.length) : undefined;
}

export function isRunning(phase: string): boolean {
  return phase === '' || phase === 'Pending' || phase === 'Running';
}

export { TERMINAL_BAD, runName, weightVerified };
