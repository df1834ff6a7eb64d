/**
 * The read operations: `get rollout` (optionally redrawn on every change), `status` (Argo's:
 * watch until Healthy or Degraded, or the timeout) and `list rollouts`.
 */
import { CliResources, type KubeObject } from './client.js';
import type { OpsContext } from './context.js';
import { ROLLOUT_NAME_LABEL, readRolloutDetails } from './details.js';
import { describeError } from './errors.js';
import { renderRolloutDetails, renderRolloutList } from './render.js';
import { summarizeRollout, type RolloutSummary } from './summary.js';
import { followChanges, type WatchTarget } from './watch.js';

/** ANSI: cursor home and clear screen, between frames on a terminal. */
const CLEAR = '\x1b[H\x1b[2J';

function isTty(out: NodeJS.WritableStream): boolean {
  return (out as { isTTY?: boolean }).isTTY === true;
}

/** `get rollout <name> [--watch]`: prints the page; with `watch`, redraws it on every change until the signal aborts. */
export async function getRollout(ctx: OpsContext, name: string, opts: { watch?: boolean } = {}): Promise<void> {
  const now = (): number => ctx.clock.now();
  const first = await readRolloutDetails(ctx.client, name, now, ctx.signal);
  const tty = isTty(ctx.out);
  let last = renderRolloutDetails(first);
  ctx.out.write(tty && opts.watch ? CLEAR + last : last);
  if (!opts.watch) return;
  const ns = ctx.client.namespace;
  const selector = Object.entries(first.summary.selector).map(([k, v]) => `${k}=${v}`).join(',');
  const targets: WatchTarget[] = [
    { resource: CliResources.rollouts, namespace: ns, fieldSelector: `metadata.name=${name}` },
    { resource: CliResources.replicaSets, namespace: ns, ...(selector ? { labelSelector: selector } : {}) },
    { resource: CliResources.analysisRuns, namespace: ns, labelSelector: `${ROLLOUT_NAME_LABEL}=${name}` },
  ];
  await followChanges(
    ctx.client,
    ctx.clock,
    targets,
    async () => {
      const page = renderRolloutDetails(await readRolloutDetails(ctx.client, name, now, ctx.signal));
      if (page !== last) ctx.out.write(tty ? CLEAR + page : `\n${page}`);
      last = page;
      return false;
    },
    ctx.signal,
  );
}

/** How `status` ended. */
export type StatusOutcome = 'Healthy' | 'Degraded' | 'Progressing' | 'Paused' | 'TimedOut';

function statusLine(s: RolloutSummary): string {
  return s.phase === 'Healthy' || !s.message ? s.phase : `${s.phase} - ${s.message}`;
}

/**
 * `status <name>`: prints `Phase - message` lines as they change until the rollout is Healthy
 * or Degraded (with `watch`, the default), or once (`watch: false`). With `timeoutMs`, gives up
 * after that long and returns `TimedOut`. The caller maps the outcome to an exit code.
 */
export async function rolloutStatus(ctx: OpsContext, name: string, opts: { watch?: boolean; timeoutMs?: number } = {}): Promise<StatusOutcome> {
  const ns = ctx.client.namespace;
  const read = async (): Promise<KubeObject> => {
    try {
      return await ctx.client.get(CliResources.rollouts, name, ctx.signal);
    } catch (err) {
      throw describeError(err, ctx.client.server, { kind: 'rollout', name, namespace: ns });
    }
  };
  const ro = await read();
  let summary = summarizeRollout(ro, ctx.clock.now());
  let printed = statusLine(summary);
  ctx.out.write(`${printed}\n`);
  const settled = (s: RolloutSummary): boolean => s.phase === 'Healthy' || s.phase === 'Degraded';
  if (opts.watch === false || settled(summary)) return summary.phase as StatusOutcome;

  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = opts.timeoutMs === undefined ? undefined : ctx.clock.setTimer(() => ((timedOut = true), stop.abort()), opts.timeoutMs);
  try {
    const target: WatchTarget = { resource: CliResources.rollouts, namespace: ns, fieldSelector: `metadata.name=${name}`, ...(ro.metadata?.resourceVersion ? { resourceVersion: ro.metadata.resourceVersion } : {}) };
    await followChanges(
      ctx.client,
      ctx.clock,
      [target],
      async () => {
        summary = summarizeRollout(await read(), ctx.clock.now());
        const line = statusLine(summary);
        if (line !== printed) ctx.out.write(`${line}\n`);
        printed = line;
        return settled(summary);
      },
      stop.signal,
    );
  } finally {
    if (timer) ctx.clock.clearTimer(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (timedOut && !settled(summary)) return 'TimedOut';
  return summary.phase as StatusOutcome;
}

/** `list rollouts [-A]`: the table, sorted by namespace and name. Returns the summaries. */
export async function listRollouts(ctx: OpsContext, opts: { allNamespaces?: boolean } = {}): Promise<RolloutSummary[]> {
  const ns = opts.allNamespaces ? undefined : ctx.client.namespace;
  let items: KubeObject[];
  try {
    ({ items } = await ctx.client.list(CliResources.rollouts, ctx.signal, { namespace: ns }));
  } catch (err) {
    throw describeError(err, ctx.client.server, { kind: 'rollout', ...(ns ? { namespace: ns } : {}) });
  }
  const now = ctx.clock.now();
  const summaries = items.map((o) => summarizeRollout(o, now)).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  if (summaries.length === 0) {
    ctx.out.write(ns ? `No resources found in ${ns} namespace.\n` : 'No resources found.\n');
    return summaries;
  }
  ctx.out.write(renderRolloutList(summaries, opts.allNamespaces === true));
  return summaries;
}
