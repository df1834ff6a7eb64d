/**
 * The write operations on Rollouts and AnalysisRuns: promote, abort, retry, pause, resume,
 * restart, terminate. Each reads the object (a clear "not found"), writes the patch
 * {@link patches} decides (status first, through the `/status` subresource), and prints one
 * line as Argo's plugin does: `rollout 'web' promoted`.
 */
import { toRfc3339 } from '../clock/index.js';
import { CliResources, type CliResource, type KubeObject } from './client.js';
import type { OpsContext } from './context.js';
import { describeError } from './errors.js';
import { ABORT_PATCH, PAUSE_PATCH, RETRY_PATCH, TERMINATE_PATCH, promotePlan, restartPatch, resumePlan, type PatchPlan } from './patches.js';

async function read(ctx: OpsContext, r: CliResource, name: string): Promise<KubeObject> {
  try {
    return await ctx.client.get(r, name, ctx.signal);
  } catch (err) {
    throw describeError(err, ctx.client.server, { kind: r.kind, name, namespace: ctx.client.namespace });
  }
}

/** Applies a plan to a rollout: the status patch first (as Argo), then the spec patch. */
export async function applyPlan(ctx: OpsContext, name: string, plan: PatchPlan, r: CliResource = CliResources.rollouts): Promise<void> {
  try {
    if (plan.status) await ctx.client.patch(r, name, { status: plan.status }, ctx.signal, { subresource: 'status' });
    if (plan.spec) await ctx.client.patch(r, name, { spec: plan.spec }, ctx.signal);
  } catch (err) {
    throw describeError(err, ctx.client.server, { kind: r.kind, name, namespace: ctx.client.namespace });
  }
}

/** `promote [--full]`: see {@link promotePlan}. Returns the plan written. */
export async function promoteRollout(ctx: OpsContext, name: string, opts: { full?: boolean } = {}): Promise<PatchPlan> {
  const ro = await read(ctx, CliResources.rollouts, name);
  const plan = promotePlan(ro, opts.full === true);
  await applyPlan(ctx, name, plan);
  if (opts.full && !plan.status) ctx.out.write(`rollout '${name}' is already fully promoted\n`);
  else ctx.out.write(`rollout '${name}' ${opts.full ? 'fully promoted' : 'promoted'}\n`);
  return plan;
}

async function simple(ctx: OpsContext, names: readonly string[], plan: PatchPlan, verb: string): Promise<void> {
  for (const name of names) {
    await read(ctx, CliResources.rollouts, name);
    await applyPlan(ctx, name, plan);
    ctx.out.write(`rollout '${name}' ${verb}\n`);
  }
}

/** `abort`: `status.abort: true`. */
export function abortRollouts(ctx: OpsContext, names: readonly string[]): Promise<void> {
  return simple(ctx, names, { status: { ...ABORT_PATCH.status } }, 'aborted');
}

/** `retry rollout`: `status.abort: false`. */
export function retryRollouts(ctx: OpsContext, names: readonly string[]): Promise<void> {
  return simple(ctx, names, { status: { ...RETRY_PATCH.status } }, 'retried');
}

/** `pause`: `spec.paused: true`. */
export function pauseRollouts(ctx: OpsContext, names: readonly string[]): Promise<void> {
  return simple(ctx, names, { spec: { ...PAUSE_PATCH.spec } }, 'paused');
}

/** `resume`: see {@link resumePlan}. */
export async function resumeRollouts(ctx: OpsContext, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const ro = await read(ctx, CliResources.rollouts, name);
    await applyPlan(ctx, name, resumePlan(ro));
    ctx.out.write(`rollout '${name}' resumed\n`);
  }
}

/** `restart [--in D]`: `spec.restartAt` = now (+ D), from the injected clock. Returns the time written. */
export async function restartRollout(ctx: OpsContext, name: string, opts: { inMs?: number; inText?: string } = {}): Promise<string> {
  await read(ctx, CliResources.rollouts, name);
  const at = toRfc3339(ctx.clock.now() + (opts.inMs ?? 0));
  await applyPlan(ctx, name, { spec: restartPatch(at).spec });
  ctx.out.write(`rollout '${name}' restarts in ${opts.inText ?? '0s'}\n`);
  return at;
}

/** `terminate analysisrun`: `spec.terminate: true` on each run. */
export async function terminateAnalysisRuns(ctx: OpsContext, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await read(ctx, CliResources.analysisRuns, name);
    await applyPlan(ctx, name, { spec: { ...TERMINATE_PATCH.spec } }, CliResources.analysisRuns);
    ctx.out.write(`analysisrun '${name}' terminated\n`);
  }
}
