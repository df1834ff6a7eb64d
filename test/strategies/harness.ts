/**
 * A tiny pure world for planner tests: it applies a plan the way the reconciler and the cluster
 * would (ReplicaSets scale and become available at once unless told otherwise, the router
 * verifies the weight), so a test walks a rollout through its steps pass by pass.
 */
import { planCanary } from '../../src/strategies/canary.js';
import type { CanaryStepView, RolloutSpecView, RolloutStatusView } from '../../src/strategies/spec.js';
import type { ObservedReplicaSet, ObservedRollout, ObservedRun, Plan } from '../../src/strategies/types.js';
import { replicaSetName } from '../../src/strategies/names.js';

export interface World {
  o: ObservedRollout;
  now: number;
  /** Hashes whose pods never become available. */
  broken: Set<string>;
  /** Every plan made, in order. */
  plans: Plan[];
  /** Router state: the canary weight last written. */
  routerWeight?: number;
}

export function spec(steps: CanaryStepView[], extra: Partial<RolloutSpecView['strategy']['canary']> & { replicas?: number; traffic?: boolean } = {}): RolloutSpecView {
  const { replicas = 10, traffic = true, ...canary } = extra;
  return {
    replicas,
    paused: false,
    minReadySeconds: 0,
    revisionHistoryLimit: 2,
    progressDeadlineSeconds: 600,
    progressDeadlineAbort: false,
    strategy: {
      canary: {
        steps,
        maxSurge: '25%',
        maxUnavailable: 0,
        dynamicStableScale: false,
        scaleDownDelaySeconds: 30,
        abortScaleDownDelaySeconds: 30,
        canaryService: 'app-canary',
        stableService: 'app-stable',
        ...(traffic ? { trafficRouting: { istio: {} } } : {}),
        ...canary,
      },
    },
  };
}

/** A world with revision `stable` fully rolled out. */
export function world(s: RolloutSpecView, stable = 'aaaa'): World {
  const rs: ObservedReplicaSet = { name: replicaSetName('app', stable), hash: stable, revision: 1, spec: s.replicas, ready: s.replicas, available: s.replicas };
  const status: RolloutStatusView = { stableRS: stable, currentPodHash: stable, currentStepIndex: s.strategy.canary!.steps.length, phase: 'Healthy' };
  const w: World = {
    o: { name: 'app', namespace: 'default', generation: 1, spec: s, status, currentHash: stable, replicaSets: [rs], runs: [], invalid: [], timeScale: 1 },
    now: Date.UTC(2026, 0, 1),
    broken: new Set(),
    plans: [],
  };
  pass(w); // settle: records stepHash etc.
  return w;
}

/** One reconcile: plan, then apply the plan to the world. */
export function pass(w: World): Plan {
  const plan = planCanary(w.o, w.now);
  w.plans.push(plan);
  apply(w, plan);
  return plan;
}

/** Passes until nothing changes or `max` passes; advances time to each requeue if `follow`. */
export function settle(w: World, opts: { max?: number; followTimers?: boolean; until?: (w: World) => boolean } = {}): Plan {
  let plan = pass(w);
  for (let i = 0; i < (opts.max ?? 50); i++) {
    if (opts.until?.(w)) break;
    const before = JSON.stringify([w.o.status, w.o.replicaSets, w.o.runs]);
    plan = pass(w);
    const after = JSON.stringify([w.o.status, w.o.replicaSets, w.o.runs]);
    if (before === after) {
      if (!opts.followTimers || plan.requeueAfter === undefined) break;
      w.now += Math.max(plan.requeueAfter, 1);
    }
  }
  return plan;
}

function apply(w: World, plan: Plan): void {
  const o = w.o;
  if (plan.createReplicaSet) {
    const c = plan.createReplicaSet;
    o.replicaSets.push({ name: replicaSetName('app', c.hash), hash: c.hash, revision: c.revision, spec: c.replicas, ready: 0, available: 0 });
  }
  for (const a of [...plan.scaleUp, ...plan.scaleDown]) {
    const rs = o.replicaSets.find((r) => r.name === a.name)!;
    rs.spec = a.replicas;
    if (a.scaleDownAt === null) delete rs.scaleDownAt;
    else if (a.scaleDownAt !== undefined) rs.scaleDownAt = a.scaleDownAt;
  }
  o.replicaSets = o.replicaSets.filter((r) => !plan.deleteReplicaSets.includes(r.name));
  for (const rs of o.replicaSets) {
    const up = w.broken.has(rs.hash) ? 0 : rs.spec;
    rs.ready = up;
    rs.available = up;
  }
  for (const r of plan.createRuns) {
    o.runs.push({ name: r.name, kind: r.kind, podHash: r.podHash, stepIndex: r.stepIndex, attempt: r.attempt, phase: 'Running', terminating: false });
  }
  for (const name of plan.terminateRuns) {
    const run = o.runs.find((r) => r.name === name);
    if (run) run.terminating = true;
  }
  const status = structuredClone(plan.status);
  if (plan.traffic) {
    w.routerWeight = plan.traffic.weight;
    if (status.canary?.weights) status.canary.weights.verified = true;
  }
  o.status = status;
}

/** Sets a run's phase (as the AnalysisRun controller would). */
export function setRun(w: World, match: (r: ObservedRun) => boolean, phase: string, message?: string): void {
  const run = w.o.runs.find(match);
  if (!run) throw new Error(`no run matches; runs: ${w.o.runs.map((r) => r.name).join(', ')}`);
  run.phase = phase;
  if (message) run.message = message;
}

/** Rolls out a new template. */
export function update(w: World, hash: string): void {
  w.o.currentHash = hash;
  w.o.generation++;
}

export function rs(w: World, hash: string): ObservedReplicaSet | undefined {
  return w.o.replicaSets.find((r) => r.hash === hash);
}

export function reasons(w: World): string[] {
  return w.plans.flatMap((p) => p.events.map((e) => e.reason));
}
