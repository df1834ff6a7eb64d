/**
 * The AnalysisRun controller: for one run, measure every metric that is due, judge, write
 * status, and requeue at exactly the next due time through the Clock. Nothing polls.
 * A run created by hand works the same as one a Rollout starts.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { AnalysisPhase, parseAnalysisRunStatus, type AnalysisRunStatus, type Measurement, type MetricResult } from '../../api/index.js';
import { Resources, splitKey, type Controller, type ControllerContext } from '../../controller/index.js';
import { objectPath, sendJson } from '../../controller/rest.js';
import { canonicalJson } from '../../strategies/index.js';
import { defaultProviders, providerFor, type ProviderRegistry } from '../providers/index.js';
import { prepareRun, type PreparedMetric } from './prepare.js';
import { addMeasurement, anchorFor, assessMetric, DEFAULT_RETENTION, emptyResult, nextDue, runPhase } from './schedule.js';

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

export interface AnalysisControllerOptions {
  providers?: ProviderRegistry;
}

/** Builds the AnalysisRun controller. */
export function analysisRunController(ctx: ControllerContext, opts: AnalysisControllerOptions = {}): Controller {
  const runs = ctx.informer<RawRun>(Resources.analysisRuns);
  const rollouts = ctx.informer<KubernetesObject>(Resources.rollouts);
  const providers = opts.providers ?? defaultProviders({ logger: ctx.logger });
  return {
    name: 'analysisrun',
    watches: [{ informer: runs }],
    async reconcile(key, signal) {
      const { namespace, name } = splitKey(key);
      const raw = runs.get(namespace, name);
      if (!raw?.metadata?.name || !namespace) return {};
      const prev = parseAnalysisRunStatus(raw.status ?? {});
      if (isDone(prev.phase)) return {};
      const now = ctx.clock.now();
      const log = ctx.logger.child({ namespace, name });
      const owner = raw.metadata.ownerReferences?.find((o) => o.kind === 'Rollout');
      const fieldSource = (owner && rollouts.get(namespace, owner.name)) ?? raw;
      const readSecret = async (secret: string, k: string, sig: AbortSignal): Promise<string> => {
        const s = await sendJson<{ data?: Record<string, string> }>(ctx.clients, 'GET', `/api/v1/namespaces/${namespace}/secrets/${secret}`, { signal: sig }).catch(
          (err: unknown) => {
            throw new Error(`Secret "${secret}" could not be read: ${err instanceof Error ? err.message : String(err)}`);
          },
        );
        const v = s.data?.[k];
        if (v === undefined) throw new Error(`Secret "${secret}" has no key "${k}"`);
        return Buffer.from(v, 'base64').toString('utf8');
      };
      const next: AnalysisRunStatus = structuredClone(prev);
      next.startedAt ??= new Date(now).toISOString();
      const runStart = Date.parse(next.startedAt);
      const prepared = await prepareRun(raw, fieldSource, readSecret, signal);
      let requeueAt: number | undefined;
      if ('error' in prepared) {
        next.phase = AnalysisPhase.Error;
        next.message = prepared.error;
      } else {
        const terminating = raw.spec?.terminate === true;
        const dryAll = (raw.spec?.dryRun ?? []).some((d) => d.metricName === '*');
        const results = new Map(next.metricResults.map((r) => [r.name, r]));
        const due: PreparedMetric[] = [];
        for (const p of prepared.metrics) {
          const dry = dryAll || (raw.spec?.dryRun ?? []).some((d) => d.metricName === p.metric.name);
          if (!results.has(p.metric.name)) results.set(p.metric.name, emptyResult(p.metric.name, dry));
          const at = nextDue(p.metric, results.get(p.metric.name), runStart, ctx.timeScale);
          if (at === undefined || terminating) continue;
          if (at <= now) due.push(p);
        }
        const measured = await Promise.all(due.map(async (p) => [p, await measure(providers, p, ctx.clock.now(), signal)] as const));
        for (const [p, m] of measured) {
          const before = results.get(p.metric.name)!;
          const anchor = anchorFor(p.metric, before, runStart, ctx.timeScale, now);
          const retention = (raw.spec?.measurementRetention ?? []).find((r) => r.metricName === p.metric.name || r.metricName === '*')?.limit ?? DEFAULT_RETENTION;
          results.set(p.metric.name, addMeasurement(before, m, retention, anchor));
        }
        for (const p of prepared.metrics) {
          const r = results.get(p.metric.name)!;
          const verdict = assessMetric(p.metric, r, terminating);
          results.set(p.metric.name, { ...r, phase: verdict.phase, message: verdict.message });
          if (!isDone(verdict.phase) && !terminating) {
            const at = nextDue(p.metric, results.get(p.metric.name), runStart, ctx.timeScale);
            if (at !== undefined) requeueAt = Math.min(requeueAt ?? Infinity, at);
          }
        }
        next.metricResults = prepared.metrics.map((p) => results.get(p.metric.name)!);
        next.phase = runPhase(next.metricResults);
        // A metric that ends the run badly ends it now: the others stop measuring.
        if (next.phase === AnalysisPhase.Failed || next.phase === AnalysisPhase.Error || next.phase === AnalysisPhase.Inconclusive) requeueAt = undefined;
        next.message = runMessage(next.metricResults, next.phase);
        next.runSummary = summary(next.metricResults.filter((r) => !r.dryRun));
        next.dryRunSummary = summary(next.metricResults.filter((r) => r.dryRun));
      }
      if (canonicalJson(next) !== canonicalJson(prev)) {
        const path = objectPath(raw.apiVersion ?? 'sluice.dev/v1alpha1', 'analysisruns', namespace, name, 'status');
        await sendJson(ctx.clients, 'PUT', path, { body: { ...raw, status: next }, signal });
        if (next.phase !== prev.phase) {
          log.info({ phase: next.phase }, `analysis run ${next.phase}: ${next.message}`);
          await recordEvent(ctx, raw, next, signal);
        }
      }
      return requeueAt === undefined ? {} : { requeueAfter: Math.max(0, requeueAt - ctx.clock.now()) };
    },
  };
}

async function measure(providers: ProviderRegistry, p: PreparedMetric, now: number, signal: AbortSignal): Promise<Measurement> {
  const startedAt = new Date(now).toISOString();
  const provider = providerFor(p.metric, providers);
  if (provider instanceof Error) return { phase: AnalysisPhase.Error, value: '', message: provider.message, startedAt, finishedAt: startedAt, metadata: {} };
  const m = await provider.measure(p.metric, { now, secrets: p.secrets, ...(p.credentials ? { credentials: p.credentials } : {}) }, signal);
  return {
    phase: m.phase,
    value: m.value ?? '',
    message: m.message ?? '',
    startedAt,
    finishedAt: new Date(Math.max(now, Date.parse(startedAt))).toISOString(),
    metadata: { ...(m.metadata ?? {}) },
  };
}

function isDone(phase: string): boolean {
  return phase === AnalysisPhase.Successful || phase === AnalysisPhase.Failed || phase === AnalysisPhase.Error || phase === AnalysisPhase.Inconclusive;
}

function runMessage(results: MetricResult[], phase: AnalysisPhase): string {
  const decisive = results.find((r) => r.phase === phase && r.message);
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

async function recordEvent(ctx: ControllerContext, run: RawRun, status: AnalysisRunStatus, signal: AbortSignal): Promise<void> {
  const ns = run.metadata?.namespace ?? 'default';
  const stamp = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const bad = status.phase === AnalysisPhase.Failed || status.phase === AnalysisPhase.Error;
  await sendJson(ctx.clients, 'POST', `/api/v1/namespaces/${ns}/events`, {
    signal,
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${run.metadata?.name}.`, namespace: ns },
      involvedObject: { apiVersion: run.apiVersion, kind: 'AnalysisRun', name: run.metadata?.name, namespace: ns, uid: run.metadata?.uid },
      reason: `AnalysisRun${status.phase}`,
      message: status.message || `analysis run is ${status.phase}`,
      type: bad ? 'Warning' : 'Normal',
      source: { component: 'sluice-controller' },
      reportingComponent: 'sluice-controller',
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
    },
  });
}
