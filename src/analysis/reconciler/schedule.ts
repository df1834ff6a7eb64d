/**
 * When each metric of an AnalysisRun measures next, and what its measurements add up to.
 * Pure: the reconciler passes `now` and writes what these functions return.
 *
 * Schedule: measurement k of a metric is due at `anchor + k * interval`, where the anchor is
 * the run's start plus `initialDelay`. The grid does not drift with query time or reconcile
 * load. A metric more than one interval behind (the controller was down) re-anchors at now
 * instead of firing a burst of catch-up measurements.
 */
import { AnalysisPhase, effectiveCount, intOrStringValue, type Measurement, type Metric, type MetricResult } from '../../api/index.js';

/** Argo Rollouts keeps this many measurements per metric unless measurementRetention says otherwise. */
export const DEFAULT_RETENTION = 10;

/** Metadata key on a MetricResult: the schedule's anchor, ms since the epoch. */
export const ANCHOR_KEY = 'sluice.dev/schedule-anchor';

/** Metadata key on a Measurement: when it was due on the grid (RFC 3339 with ms), to read lateness. */
export const DUE_KEY = 'sluice.dev/due-at';

/** The next time `metric` is due (ms), or undefined when it takes no more measurements. */
export function nextDue(metric: Metric, result: MetricResult | undefined, runStart: number, timeScale: number): number | undefined {
  if (result && isCompleted(result.phase)) return undefined;
  const count = result?.count ?? 0;
  const limit = effectiveCount(metric);
  if (limit !== undefined && count >= limit) return undefined;
  if (count > 0 && metric.interval === undefined) return undefined;
  const interval = (metric.interval ?? 0) / timeScale;
  const anchor = anchorOf(result) ?? runStart + (metric.initialDelay ?? 0) / timeScale;
  return anchor + count * interval;
}

/** The anchor to record with measurement number `count`, re-anchoring when far behind. */
export function anchorFor(metric: Metric, result: MetricResult | undefined, runStart: number, timeScale: number, now: number): number {
  const interval = (metric.interval ?? 0) / timeScale;
  const count = result?.count ?? 0;
  const anchor = anchorOf(result) ?? runStart + (metric.initialDelay ?? 0) / timeScale;
  if (interval > 0 && now - (anchor + count * interval) > interval) return now - count * interval;
  return anchor;
}

function anchorOf(result: MetricResult | undefined): number | undefined {
  const v = result?.metadata[ANCHOR_KEY];
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function isCompleted(p: string): boolean {
  return p === AnalysisPhase.Successful || p === AnalysisPhase.Failed || p === AnalysisPhase.Error || p === AnalysisPhase.Inconclusive;
}

/** An empty result for a metric. */
export function emptyResult(name: string, dryRun: boolean): MetricResult {
  return {
    name,
    phase: AnalysisPhase.Pending,
    measurements: [],
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    message: '',
    dryRun,
    metadata: {},
  };
}

/** The result after one more measurement, keeping the last `retention` measurements. */
export function addMeasurement(result: MetricResult, m: Measurement, retention: number, anchor: number): MetricResult {
  const r: MetricResult = { ...result, measurements: [...result.measurements, m].slice(-Math.max(1, retention)), metadata: { ...result.metadata } };
  r.metadata[ANCHOR_KEY] = String(anchor);
  r.count++;
  switch (m.phase) {
    case AnalysisPhase.Successful:
      r.successful++;
      r.consecutiveSuccess++;
      r.consecutiveError = 0;
      break;
    case AnalysisPhase.Failed:
      r.failed++;
      r.consecutiveSuccess = 0;
      r.consecutiveError = 0;
      break;
    case AnalysisPhase.Inconclusive:
      r.inconclusive++;
      r.consecutiveSuccess = 0;
      r.consecutiveError = 0;
      break;
    default:
      r.error++;
      r.consecutiveError++;
      r.consecutiveSuccess = 0;
  }
  if (m.message) r.message = m.message;
  return r;
}

/**
 * A metric's verdict from its counters (Argo Rollouts' rules, plus "missing data never
 * passes"): too many failures -> Failed; too many inconclusive -> Inconclusive; too many
 * errors in a row -> Error; enough successes in a row -> Successful; all measurements taken ->
 * Successful only if most measurements succeeded. A terminated metric is judged on what it has:
 * no measurement, mostly errors, or a last measurement that was an error is never Successful
 * (errors in the middle, followed by successes, are tolerated as Argo does).
 */
export function assessMetric(metric: Metric, r: MetricResult, terminating: boolean): { phase: AnalysisPhase; message: string } {
  const failureLimit = limitOf(metric.failureLimit, 0);
  const inconclusiveLimit = limitOf(metric.inconclusiveLimit, 0);
  const errorLimit = limitOf(metric.consecutiveErrorLimit, 4);
  const successLimit = limitOf(metric.consecutiveSuccessLimit, 0);
  if (failureLimit >= 0 && r.failed > failureLimit) {
    return { phase: AnalysisPhase.Failed, message: `${r.failed} failed measurement(s), more than failureLimit ${failureLimit}${last(r)}` };
  }
  if (r.inconclusive > inconclusiveLimit) {
    return { phase: AnalysisPhase.Inconclusive, message: `${r.inconclusive} inconclusive measurement(s), more than inconclusiveLimit ${inconclusiveLimit}${last(r)}` };
  }
  if (r.consecutiveError > errorLimit) {
    return { phase: AnalysisPhase.Error, message: `${r.consecutiveError} consecutive errors, more than consecutiveErrorLimit ${errorLimit}${last(r)}` };
  }
  if (successLimit > 0 && r.consecutiveSuccess >= successLimit) {
    return { phase: AnalysisPhase.Successful, message: `${r.consecutiveSuccess} consecutive successful measurements` };
  }
  const limit = effectiveCount(metric);
  const complete = limit !== undefined && r.count >= limit;
  if (!complete && !terminating) {
    return { phase: r.count === 0 ? AnalysisPhase.Pending : AnalysisPhase.Running, message: r.message };
  }
  if (successLimit > 0 && failureLimit < 0) {
    return { phase: AnalysisPhase.Failed, message: `never reached ${successLimit} consecutive successes` };
  }
  if (r.count === 0) return { phase: AnalysisPhase.Inconclusive, message: 'terminated before any measurement: no data, no verdict' };
  if (r.consecutiveError > 0) {
    return { phase: AnalysisPhase.Error, message: `ended on ${r.consecutiveError} error(s) in a row: the latest data is missing, which never passes${last(r)}` };
  }
  if (r.error >= r.successful + r.failed + r.inconclusive) {
    return { phase: AnalysisPhase.Error, message: `${r.error} of ${r.count} measurements were errors${last(r)}` };
  }
  if (r.successful === 0) return { phase: AnalysisPhase.Inconclusive, message: `no successful measurement in ${r.count}${last(r)}` };
  return { phase: AnalysisPhase.Successful, message: `${r.successful} of ${r.count} measurements successful` };
}

function last(r: MetricResult): string {
  const m = r.measurements[r.measurements.length - 1];
  return m?.message ? `; last: ${m.message}` : '';
}

function limitOf(v: number | string, fallback: number): number {
  return intOrStringValue(v) ?? fallback;
}

/** Worst first: a run takes the worst phase across its (non-dry-run) metrics. */
const ORDER: AnalysisPhase[] = [
  AnalysisPhase.Successful,
  AnalysisPhase.Running,
  AnalysisPhase.Pending,
  AnalysisPhase.Inconclusive,
  AnalysisPhase.Error,
  AnalysisPhase.Failed,
];

/**
 * The run's phase: the worst across metrics (Successful < Running < Pending < Inconclusive <
 * Error < Failed). Dry-run metrics are reported but never decide. A run with only dry-run
 * metrics is Successful once they all complete.
 */
export function runPhase(results: MetricResult[]): AnalysisPhase {
  const deciding = results.filter((r) => !r.dryRun);
  if (deciding.length === 0) {
    return results.every((r) => isCompleted(r.phase)) ? AnalysisPhase.Successful : AnalysisPhase.Running;
  }
  let worst: AnalysisPhase = AnalysisPhase.Successful;
  for (const r of deciding) {
    if (ORDER.indexOf(r.phase) > ORDER.indexOf(worst)) worst = r.phase;
  }
  // A run is only Pending when nothing has started.
  if (worst === AnalysisPhase.Pending && deciding.some((r) => r.phase !== AnalysisPhase.Pending)) return AnalysisPhase.Running;
  return worst;
}
