/**
 * The AnalysisRun controller: for one run, measure every metric that is due, judge, write
 * status, and requeue at exactly the next due time through the Clock. Nothing polls.
 * A run created by hand works the same as one a Rollout starts.
 *
 * Its own writes are remembered per run until the informer shows them: a requeue that fires
 * before the watch event arrives works from what was written, not from the stale cache, so a
 * measurement is never taken twice for one slot of the grid; and the watch event of its own
 * write is recognised and skipped.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { AnalysisPhase, parseAnalysisRunStatus, type AnalysisRunStatus, type Measurement, type MetricResult } from '../../api/index.js';
import { Resources, splitKey, type Controller, type ControllerContext } from '../../controller/index.js';
import { canonicalJson } from '../../strategies/index.js';
import { defaultProviders, providerFor, type ProviderRegistry } from '../providers/index.js';
import { recordPhaseEvent, secretReader, writeStatus } from './io.js';
import { prepareRun, type PreparedMetric } from './prepare.js';
import { addMeasurement, anchorFor, assessMetric, DEFAULT_RETENTION, DUE_KEY, emptyResult, nextDue, runPhase } from './schedule.js';

interface RawRun extends KubernetesObject {
  spec?: {
    metrics?: Array<Record<string, unknown> & { name?: string }>;
    args?: Array<{ name: string; value?: string }>;
    terminate?: boolean;
    dryRun?: Array<{ metricName: string }>;
    measurementRetention?: Array<{ metricName: string; limit: number }>;
  };
  status?: Record<string, unknown>;
}

/** Options of {@link analysisRunController}. */
export interface AnalysisControllerOptions {
  /** Default: the built-in Prometheus and web providers. */
  providers?: ProviderRegistry;
  /** Concurrent reconciles (each waits on a query); default the manager's workers. */
  workers?: number;
}

/**
 * What this controller last wrote for a run: `replaced` holds the resourceVersions its writes
 * replaced since the cache last caught up (several writes can come before the watch shows the
 * first), `to` the version the last one made.
 */
interface Written {
  replaced: Set<string>;
  to: string | undefined;
  status: AnalysisRunStatus;
}

/** Builds the AnalysisRun controller. */
export function analysisRunController(ctx: ControllerContext, opts: AnalysisControllerOptions = {}): Controller {
  const runs = ctx.informer<RawRun>(Resources.analysisRuns);
  const rollouts = ctx.informer<KubernetesObject>(Resources.rollouts);
  const providers = opts.providers ?? defaultProviders({ logger: ctx.logger });
  const written = new Map<string, Written>();
  return {
    name: 'analysisrun',
    watches: [{ informer: runs }],
    ...(opts.workers ? { workers: opts.workers } : {}),
    async reconcile(key, signal) {
      const { namespace, name } = splitKey(key);
      let raw = runs.get(namespace, name);
      if (!raw?.metadata?.name || !namespace) {
        written.delete(key);
        return {};
      }
      const mine = written.get(key);
      if (mine && raw.metadata.resourceVersion === mine.to) {
        // The watch event of our own write: nothing changed since, and the requeue that write
        // asked for is still pending. Skipping halves the reconciles under load.
        written.delete(key);
        return {};
      }
      let stored: unknown = raw.status ?? {};
      const behind = mine !== undefined && mine.replaced.has(raw.metadata.resourceVersion ?? '');
      if (behind) {
        // The cache has not caught up with our last write yet.
        stored = mine.status;
        raw = { ...raw, metadata: { ...raw.metadata, resourceVersion: mine.to } };
      } else {
        written.delete(key);
      }
      const prev = parseAnalysisRunStatus(stored);
      if (isDone(prev.phase)) return {};
      const now = ctx.clock.now();
      const owner = raw.metadata?.ownerReferences?.find((o) => o.kind === 'Rollout');
      const fieldSource = (owner && rollouts.get(namespace, owner.name)) ?? raw;
      const next: AnalysisRunStatus = structuredClone(prev);
      next.startedAt ??= new Date(now).toISOString();
      const runStart = Date.parse(next.startedAt);
      const prepared = await prepareRun(raw, fieldSource, secretReader(ctx, namespace), signal);
      let requeueAt: number | undefined;
      if ('error' in prepared) {
        next.phase = AnalysisPhase.Error;
        next.message = prepared.error;
      } else {
        requeueAt = await step(raw, prepared.metrics, next, runStart, now, signal);
      }
      if (canonicalJson(next) !== canonicalJson(prev)) {
        const to = await writeStatus(ctx, raw, next, signal);
        const replaced = new Set(behind ? mine.replaced : []);
        if (raw.metadata?.resourceVersion) replaced.add(raw.metadata.resourceVersion);
        written.set(key, { replaced, to, status: next });
        if (next.phase !== prev.phase) {
          ctx.logger.info({ namespace, name, phase: next.phase }, `analysis run ${next.phase}: ${next.message}`);
          await recordPhaseEvent(ctx, raw, next, signal).catch((err: unknown) => {
            // The status already holds the phase; a lost Event must not repeat the measurement.
            ctx.logger.warn({ namespace, name, err: err instanceof Error ? err.message : String(err) }, 'could not record the phase Event');
          });
        }
      }
      // At least 1 ms: the queue reads 0 as "only on events", and a metric that fell due while
      // this reconcile ran would otherwise wait forever.
      return requeueAt === undefined ? {} : { requeueAfter: Math.max(1, requeueAt - ctx.clock.now()) };
    },
  };

  /** Measures what is due and judges; fills `next`; returns when to look again. */
  async function step(raw: RawRun, metrics: PreparedMetric[], next: AnalysisRunStatus, runStart: number, now: number, signal: AbortSignal): Promise<number | undefined> {
    const terminating = raw.spec?.terminate === true;
    const dryRun = raw.spec?.dryRun ?? [];
    const isDry = (n: string): boolean => dryRun.some((d) => d.metricName === '*' || d.metricName === n);
    const results = new Map(next.metricResults.map((r) => [r.name, r]));
    const due: Array<[PreparedMetric, number]> = [];
    for (const p of metrics) {
      if (!results.has(p.metric.name)) results.set(p.metric.name, emptyResult(p.metric.name, isDry(p.metric.name)));
      const at = nextDue(p.metric, results.get(p.metric.name), runStart, ctx.timeScale);
      if (at !== undefined && !terminating && at <= now) due.push([p, at]);
    }
    const measured = await Promise.all(due.map(async ([p, at]) => [p, await measure(providers, p, at, ctx, signal)] as const));
    for (const [p, m] of measured) {
      const before = results.get(p.metric.name) ?? emptyResult(p.metric.name, isDry(p.metric.name));
      const anchor = anchorFor(p.metric, before, runStart, ctx.timeScale, now);
      const retention = (raw.spec?.measurementRetention ?? []).find((r) => r.metricName === p.metric.name || r.metricName === '*')?.limit ?? DEFAULT_RETENTION;
      results.set(p.metric.name, addMeasurement(before, m, retention, anchor));
    }
    let requeueAt: number | undefined;
    for (const p of metrics) {
      const r = results.get(p.metric.name) ?? emptyResult(p.metric.name, isDry(p.metric.name));
      const verdict = assessMetric(p.metric, r, terminating);
      const judged = { ...r, phase: verdict.phase, message: verdict.message };
      results.set(p.metric.name, judged);
      if (!isDone(verdict.phase) && !terminating) {
        const at = nextDue(p.metric, judged, runStart, ctx.timeScale);
        if (at !== undefined) requeueAt = Math.min(requeueAt ?? Infinity, at);
      }
    }
    next.metricResults = metrics.map((p) => results.get(p.metric.name) ?? emptyResult(p.metric.name, false));
    next.phase = runPhase(next.metricResults);
    next.message = runMessage(next.metricResults, next.phase);
    next.runSummary = summary(next.metricResults.filter((r) => !r.dryRun));
    next.dryRunSummary = summary(next.metricResults.filter((r) => r.dryRun));
    // A metric that ends the run badly ends it now: the others stop measuring.
    return isDone(next.phase) ? undefined : requeueAt;
  }
}

/** Takes one measurement; `dueAt` is its slot on the grid, kept in its metadata. */
async function measure(providers: ProviderRegistry, p: PreparedMetric, dueAt: number, ctx: ControllerContext, signal: AbortSignal): Promise<Measurement> {
  const started = ctx.clock.now();
  const startedAt = new Date(started).toISOString();
  const due = { [DUE_KEY]: new Date(dueAt).toISOString() };
  const provider = providerFor(p.metric, providers);
  if (provider instanceof Error) return { phase: AnalysisPhase.Error, value: '', message: provider.message, startedAt, finishedAt: startedAt, metadata: due };
  const m = await provider.measure(p.metric, { now: started, secrets: p.secrets, ...(p.credentials ? { credentials: p.credentials } : {}) }, signal);
  return {
    phase: m.phase,
    value: m.value ?? '',
    message: m.message ?? '',
    startedAt,
    finishedAt: new Date(Math.max(started, ctx.clock.now())).toISOString(),
    metadata: { ...(m.metadata ?? {}), ...due },
  };
}

function isDone(phase: string): boolean {
  return phase === AnalysisPhase.Successful || phase === AnalysisPhase.Failed || phase === AnalysisPhase.Error || phase === AnalysisPhase.Inconclusive;
}

function runMessage(results: MetricResult[], phase: AnalysisPhase): string {
  const decisive = results.find((r) => r.phase === phase && r.message && !r.dryRun) ?? results.find((r) => r.phase === phase && r.message);
  return decisive ? `metric "${decisive.name}": ${decisive.message}` : '';
}

function summary(results: MetricResult[]): AnalysisRunStatus['runSummary'] {
  return {
    count: results.length,
    successful: results.filter((r) => r.phase === AnalysisPhase.Successful).length,
    failed: results.filter((r) => r.phase === AnalysisPhase.Failed).length,
    inconclusive: results.filter((r) => r.phase === AnalysisPhase.Inconclusive).length,
    error: results.filter((r) => r.phase === AnalysisPhase.Error).length,
  };
}
