/**
 * The Prometheus provider: runs the metric's query (instant, or `rangeQuery`) and the optional
 * `minSamples` guard query over the same window, then asks the judge.
 *
 * What a user sees when data is missing:
 * - Prometheus down:    Error `prometheus unreachable at http://prom:9090: ECONNREFUSED`
 * - query too slow:     Error `prometheus request to http://prom:9090 timed out after 30s`
 * - bad PromQL:         Error `prometheus bad_data (HTTP 400): 1:12: parse error: ...`
 * - empty vector:       Error `query returned no data`
 * - NaN compared:       Inconclusive `successCondition: result[0] is NaN and cannot be compared ...`
 * - too little traffic: Inconclusive `not enough traffic: 12 requests < 100`
 */
import axios, { isAxiosError } from 'axios';
import type { Logger } from 'pino';
import { toRfc3339 } from '../../clock/index.js';
import { judge } from '../judge.js';
import { AnalysisPhase } from '../../api/index.js';
import type { MeasureContext, ProviderMeasurement as Measurement, MetricProvider, MetricSpec, PrometheusSpec } from '../types.js';
import { agentsFor, buildHeaders, checkUrl, MAX_BODY_BYTES, redact, redactAll, rethrowIfAborted, seconds, secretsOf, snippet, transportMessage } from './http.js';
import { decodePromBody, guardCount, type PromResult } from './prometheus-response.js';
import { evaluateTime, parseStep } from './time.js';

/** Options for {@link PrometheusProvider}. */
export interface PrometheusProviderOptions {
  /** Used when a metric names no address (Argo's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS). */
  readonly defaultAddress?: string;
  readonly logger?: Logger;
}

/** Metadata keys written on Prometheus measurements. */
export const PrometheusMetadata = {
  ResolvedQuery: 'ResolvedPrometheusQuery',
  ResultType: 'resultType',
  Warnings: 'warnings',
  Samples: 'minSamplesCount',
  RangeStart: 'rangeStart',
  RangeEnd: 'rangeEnd',
} as const;

const DEFAULT_TIMEOUT_SECONDS = 30;

interface Window {
  readonly time?: number;
  readonly start?: number;
  readonly end?: number;
  readonly step?: number;
}

/** A failure that becomes an Error measurement with this message. */
class MeasureError extends Error {}

/** Queries Prometheus; see the module comment. One instance serves every metric. */
export class PrometheusProvider implements MetricProvider {
  readonly type = 'prometheus';

  constructor(private readonly options: PrometheusProviderOptions = {}) {}

  async measure(metric: MetricSpec, context: MeasureContext, signal: AbortSignal): Promise<Measurement> {
    const ctx: MeasureContext = { ...context, secrets: secretsOf(context.secrets, context.credentials) };
    const spec = metric.provider.prometheus;
    const meta: Record<string, string> = {};
    try {
      if (!spec) throw new MeasureError(`metric ${metric.name} has no provider.prometheus`);
      meta[PrometheusMetadata.ResolvedQuery] = spec.query;
      const window = this.window(spec, ctx.now);
      if (window.start !== undefined && window.end !== undefined) {
        meta[PrometheusMetadata.RangeStart] = toRfc3339(window.start * 1000);
        meta[PrometheusMetadata.RangeEnd] = toRfc3339(window.end * 1000);
      }
      const min = metric.minSamples ? Number(metric.minSamples.min) : undefined;
      if (min !== undefined && !Number.isFinite(min)) throw new MeasureError(`minSamples.min is not a number: ${String(metric.minSamples?.min)}`);
      const [main, guard] = await Promise.all([
        this.query(spec, spec.query, window, ctx, signal),
        metric.minSamples ? this.query(spec, metric.minSamples.query, window, ctx, signal, 'minSamples query: ') : undefined,
      ]);
      meta[PrometheusMetadata.ResultType] = main.resultType;
      const warnings = [...main.warnings, ...(guard?.warnings ?? [])];
      if (warnings.length > 0) meta[PrometheusMetadata.Warnings] = warnings.map((w) => JSON.stringify(w)).join(', ');
      const count = guard ? guardCount(guard) : undefined;
      if (count !== undefined) meta[PrometheusMetadata.Samples] = String(count);
      const verdict = judge({
        conditions: metric,
        result: main.result,
        empty: main.empty,
        ...(count !== undefined && min !== undefined ? { traffic: { count, min } } : {}),
      });
      const out: Measurement = {
        phase: verdict.phase,
        value: main.value,
        metadata: redactAll(meta, ctx.secrets),
        ...(verdict.message ? { message: redact(verdict.message, ctx.secrets) } : {}),
      };
      this.log(ctx)?.debug({ metric: metric.name, phase: out.phase, value: out.value }, 'prometheus measurement');
      return out;
    } catch (e) {
      rethrowIfAborted(signal);
      const message = redact(e instanceof Error ? e.message : String(e), ctx.secrets);
      this.log(ctx)?.debug({ metric: metric.name, err: message }, 'prometheus measurement error');
      return { phase: AnalysisPhase.Error, message, metadata: redactAll(meta, ctx.secrets) };
    }
  }

  private log(ctx: MeasureContext): Logger | undefined {
    return ctx.logger ?? this.options.logger;
  }

  private window(spec: PrometheusSpec, now: number): Window {
    if (!spec.rangeQuery) return { time: now / 1000 };
    const start = evaluateTime(spec.rangeQuery.start, now, 'rangeQuery.start');
    const end = evaluateTime(spec.rangeQuery.end, now, 'rangeQuery.end');
    const step = parseStep(spec.rangeQuery.step);
    for (const r of [start, end, step]) if (r instanceof Error) throw new MeasureError(r.message);
    if ((start as number) > (end as number)) throw new MeasureError('rangeQuery.start is after rangeQuery.end');
    return { start: (start as number) / 1000, end: (end as number) / 1000, step: step as number };
  }

  private async query(
    spec: PrometheusSpec,
    query: string,
    w: Window,
    ctx: MeasureContext,
    signal: AbortSignal,
    prefix = '',
  ): Promise<PromResult> {
    const address = spec.address || this.options.defaultAddress;
    if (!address) throw new MeasureError('provider.prometheus.address is not set');
    let base: URL;
    let timeout: number;
    try {
      base = checkUrl(address, 'provider.prometheus.address');
      timeout = seconds(spec.timeout, DEFAULT_TIMEOUT_SECONDS, 'provider.prometheus.timeout');
    } catch (e) {
      throw new MeasureError((e as Error).message);
    }
    const ranged = w.start !== undefined;
    const url = `${base.href.replace(/\/+$/, '')}/api/v1/${ranged ? 'query_range' : 'query'}`;
    const params = new URLSearchParams({ query, timeout: `${timeout}s` });
    if (ranged) {
      params.set('start', String(w.start));
      params.set('end', String(w.end));
      params.set('step', String(w.step));
    } else {
      params.set('time', String(w.time));
    }
    let headers: Record<string, string>;
    try {
      headers = buildHeaders(spec.headers, ctx.credentials, 'provider.prometheus.headers');
    } catch (e) {
      throw new MeasureError((e as Error).message);
    }
    this.log(ctx)?.debug({ url, query: redact(query, ctx.secrets), ranged }, 'prometheus query');
    const common = {
      headers,
      signal,
      timeout: timeout * 1000,
      responseType: 'text' as const,
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxContentLength: MAX_BODY_BYTES,
      maxRedirects: 3,
      ...agentsFor(spec.insecure),
    };
    let res;
    try {
      res = await axios.post<string>(url, params.toString(), {
        ...common,
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      // Some proxies in front of Prometheus refuse POST; the API accepts GET with the same params.
      if (res.status === 405) res = await axios.get<string>(`${url}?${params.toString()}`, common);
    } catch (e) {
      rethrowIfAborted(signal);
      const msg = transportMessage(e, 'prometheus', base.origin, timeout);
      if (msg) throw new MeasureError(prefix + msg);
      throw new MeasureError(prefix + (isAxiosError(e) ? e.message : String(e)));
    }
    let body: unknown;
    try {
      body = JSON.parse(res.data);
    } catch {
      throw new MeasureError(`${prefix}prometheus HTTP ${res.status}: ${snippet(String(res.data))}`);
    }
    let decoded: PromResult;
    try {
      decoded = decodePromBody(body, res.status);
    } catch (e) {
      throw new MeasureError(prefix + (e as Error).message);
    }
    if (res.status < 200 || res.status >= 300) throw new MeasureError(`${prefix}prometheus HTTP ${res.status}: ${snippet(res.data)}`);
    return decoded;
  }
}
