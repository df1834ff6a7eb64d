/**
 * One canary step at a time: decides whether the step at an index is done, must wait, or
 * aborts the rollout. Used by the canary planner; pure.
 */
import { toRfc3339Millis } from '../clock/index.js';
import { Reason } from './conditions.js';
import type { PlanBuilder } from './canary-finish.js';
import type { ReplicaCounts } from './replicas.js';
import type { AnalysisRef, CanaryStrategyView, RunStatusView } from './spec.js';
import { StepKind, stepKind, weightAt } from './steps.js';
import { runName } from './names.js';
import { RunKind, type ObservedRollout, type ObservedRun } from './types.js';

/**
 * done: move to the next step; hold: a deliberate wait (pause, bake, analysis) that never
 * trips the progress deadline; converging: waiting for replicas or traffic; abort: stop.
 */
export type StepResult =
  | { kind: 'done' }
  | { kind: 'hold' }
  | { kind: 'converging' }
  | { kind: 'abort'; message: string };

const DONE: StepResult = { kind: 'done' };
const HOLD: StepResult = { kind: 'hold' };
const CONVERGING: StepResult = { kind: 'converging' };

export class StepRunner {
  constructor(
    private readonly b: PlanBuilder,
    private readonly o: ObservedRollout,
    private readonly c: CanaryStrategyView,
    private readonly stableHash: string,
  ) {}

  private get attempt(): number {
    return this.b.plan.status.attempt ?? 0;
  }

  /** Starts or reads the background analysis; returns an abort message when it failed. */
  background(): string | undefined {
    const analysis = this.c.analysis;
    if (!analysis) return undefined;
    const name = runName(this.o.name, this.o.currentHash, this.attempt, RunKind.Background);
    const run = this.o.runs.find((r) => r.name === name);
    this.setRunStatus('currentBackgroundAnalysisRunStatus', name, run);
    if (!run) {
      this.createRun(name, RunKind.Background, undefined, analysis);
      return undefined;
    }
    if (run.phase === 'Failed' || run.phase === 'Error') {
      return `background analysis run ${name} ${run.phase}${run.message ? `: ${run.message}` : ''}`;
    }
    return undefined;
  }

  /** Runs step `index`. */
  run(index: number, counts: ReplicaCounts): StepResult {
    const step = this.c.steps[index]!;
    switch (stepKind(step)) {
      case StepKind.SetWeight:
        return this.atDesired(counts) && this.trafficAt(weightAt(this.c.steps, index)) ? DONE : CONVERGING;
      case StepKind.SetCanaryScale:
        return this.atDesired(counts) ? DONE : CONVERGING;
      case StepKind.SetHeaderRoute:
      case StepKind.SetMirrorRoute:
        return DONE;
      case StepKind.Pause:
        return this.pause(step.pause?.duration);
      case StepKind.Analysis:
        return this.analysis(index, step.analysis!);
      case StepKind.Bake:
        return this.bake(index, step.bake!.duration, step.bake!.analysis);
    }
  }

  private atDesired(counts: ReplicaCounts): boolean {
    const current = this.o.replicaSets.find((r) => r.hash === this.o.currentHash);
    const stable = this.o.replicaSets.find((r) => r.hash === this.stableHash);
    if (!current || current.spec !== counts.canary || current.available < counts.canary) return false;
    if (stable && (stable.spec !== counts.stable || stable.available < counts.stable)) return false;
    // With traffic routing, older ReplicaSets get no traffic (the router knows only canary and
    // stable), so one waiting out its scale-down delay does not hold the step (as in Argo).
    if (this.c.trafficRouting) return true;
    return this.o.replicaSets.every((r) => r.hash === this.o.currentHash || r.hash === this.stableHash || r.available === 0);
  }

  private trafficAt(weight: number): boolean {
    if (!this.c.trafficRouting) return true;
    const w = this.o.status.canary?.weights;
    return !!w && w.verified === true && w.canary.weight === weight && w.canary.podTemplateHash === this.o.currentHash;
  }

  private pause(duration: number | undefined): StepResult {
    const next = this.b.plan.status;
    const conditions = next.pauseConditions ?? [];
    const mine = conditions.find((p) => p.reason === Reason.CanaryPauseStep);
    if (!mine) {
      if (next.controllerPause) return DONE; // promoted: the user cleared the pause
      const startTime = toRfc3339Millis(this.b.now);
      next.pauseConditions = [...conditions, { reason: Reason.CanaryPauseStep, startTime }];
      next.controllerPause = true;
      this.b.event('Normal', 'RolloutPaused', duration === undefined ? 'paused until promoted' : `paused for ${Math.round(this.b.scaled(duration) / 1000)}s`);
      return this.holdPause(duration, this.b.now);
    }
    return this.holdPause(duration, Date.parse(mine.startTime));
  }

  private holdPause(duration: number | undefined, start: number): StepResult {
    if (duration !== undefined) {
      const end = start + this.b.scaled(duration);
      if (this.b.now >= end) return DONE;
      this.b.waitAt(end);
      this.b.situation.paused = { reason: Reason.CanaryPauseStep, message: `pause step ends at ${toRfc3339Millis(end)}` };
    } else {
      this.b.situation.paused = { reason: Reason.CanaryPauseStep, message: 'paused until promoted' };
    }
    return HOLD;
  }

  private analysis(index: number, analysis: AnalysisRef): StepResult {
    const name = runName(this.o.name, this.o.currentHash, this.attempt, RunKind.Step, index);
    const run = this.o.runs.find((r) => r.name === name);
    this.setRunStatus('currentStepAnalysisRunStatus', name, run);
    if (!run) {
      this.createRun(name, RunKind.Step, index, analysis);
      this.b.situation.progressing = `step ${index}: analysis run ${name} starting`;
      return HOLD;
    }
    return this.judge(run, `analysis run ${name}`);
  }

  private judge(run: ObservedRun, what: string): StepResult {
    switch (run.phase) {
      case 'Successful':
        return DONE;
      case 'Failed':
      case 'Error':
        return { kind: 'abort', message: `${what} ${run.phase}${run.message ? `: ${run.message}` : ''}` };
      case 'Inconclusive':
        return this.inconclusive(`${what} is Inconclusive${run.message ? `: ${run.message}` : ''}; promote to go on, or abort`);
      default:
        this.b.situation.progressing = `${what} is ${run.phase || 'Pending'}`;
        return HOLD;
    }
  }

  private inconclusive(message: string): StepResult {
    const next = this.b.plan.status;
    const conditions = next.pauseConditions ?? [];
    if (!conditions.some((p) => p.reason === Reason.InconclusiveAnalysis)) {
      if (next.controllerPause) return DONE; // promoted past the inconclusive result
      next.pauseConditions = [...conditions, { reason: Reason.InconclusiveAnalysis, startTime: toRfc3339Millis(this.b.now) }];
      next.controllerPause = true;
      this.b.event('Warning', 'AnalysisInconclusive', message);
    }
    this.b.situation.paused = { reason: Reason.InconclusiveAnalysis, message };
    return HOLD;
  }

  private bake(index: number, duration: number, analysis: AnalysisRef | undefined): StepResult {
    const next = this.b.plan.status;
    const name = runName(this.o.name, this.o.currentHash, this.attempt, RunKind.Bake, index);
    let bake = next.bake?.stepIndex === index ? next.bake : undefined;
    if (!bake) {
      // Times are kept to the millisecond, so a bake under a second (with --time-scale) still lasts.
      const end = Math.ceil(this.b.now + this.b.scaled(duration));
      bake = { stepIndex: index, startedAt: toRfc3339Millis(this.b.now), endsAt: toRfc3339Millis(end), ...(analysis ? { analysisRun: name } : {}) };
      next.bake = bake;
      this.b.event('Normal', 'BakeStarted', `bake for ${Math.round(this.b.scaled(duration) / 1000)}s until ${bake.endsAt}${analysis ? ` with analysis run ${name}` : ''}`, `step ${index}`);
    }
    const endsAt = Date.parse(bake.endsAt);
    const run = analysis ? this.o.runs.find((r) => r.name === name) : undefined;
    if (analysis) {
      this.setRunStatus('currentStepAnalysisRunStatus', name, run);
      if (!run) {
        this.createRun(name, RunKind.Bake, index, analysis);
      } else if (run.phase === 'Failed' || run.phase === 'Error') {
        return { kind: 'abort', message: `bake analysis run ${name} ${run.phase}${run.message ? `: ${run.message}` : ''}` };
      }
    }
    if (this.b.now < endsAt) {
      this.b.waitAt(endsAt);
      this.b.situation.progressing = `step ${index}: baking until ${bake.endsAt}`;
      return HOLD;
    }
    if (!analysis) return this.bakeDone(index);
    if (!run) return HOLD;
    if (run.phase === 'Successful') return this.bakeDone(index);
    if (run.phase === 'Inconclusive') return this.inconclusive(`bake analysis run ${name} is Inconclusive${run.message ? `: ${run.message}` : ''}; promote to go on, or abort`);
    // The bake is over: the run has measured for the whole bake; stop it and take its verdict.
    if (!run.terminating) this.b.plan.terminateRuns.push(run.name);
    this.b.situation.progressing = `step ${index}: bake over, waiting for analysis run ${name} to conclude`;
    return HOLD;
  }

  private bakeDone(index: number): StepResult {
    this.b.event('Normal', 'BakeCompleted', `step ${index}: bake completed`);
    this.b.plan.status.bake = undefined;
    return DONE;
  }

  private createRun(name: string, kind: RunKind, stepIndex: number | undefined, analysis: AnalysisRef): void {
    if (this.b.plan.createRuns.some((r) => r.name === name)) return;
    this.b.plan.createRuns.push({ name, kind, attempt: this.attempt, podHash: this.o.currentHash, ...(stepIndex === undefined ? {} : { stepIndex }), analysis });
    this.b.event('Normal', 'AnalysisRunCreated', `analysis run ${name} created`);
  }

  private setRunStatus(field: 'currentStepAnalysisRunStatus' | 'currentBackgroundAnalysisRunStatus', name: string, run: ObservedRun | undefined): void {
    const next = this.b.plan.status;
    const status: RunStatusView = { name, status: run?.phase || 'Pending', ...(run?.message ? { message: run.message } : {}) };
    next.canary = { ...(next.canary ?? {}), [field]: status };
  }
}
