/**
 * The narrow input and output types of the analysis building blocks. Field names follow Argo
 * Rollouts `v1alpha1` (`provider.prometheus.query`, `successCondition`, ...) so the types
 * parsed by the AnalysisTemplate schema in `src/api/` fit them structurally. Numbers may arrive
 * as strings when they came from `{{args.x}}`; the functions here parse them.
 */
import type { Logger } from 'pino';
import type { AnalysisPhase } from '../api/index.js';

/** The verdict phases a finished measurement can have. */
export type MeasurementPhase = Extract<AnalysisPhase, 'Successful' | 'Failed' | 'Error' | 'Inconclusive'>;

/**
 * What a provider returns for one measurement, without timestamps (the reconciler stamps
 * `startedAt`/`finishedAt` from its Clock and stores it as the api's `Measurement`). `value` is
 * the string Argo stores: `0.5`, `[0.01,0.02]`, `NaN`, `+Inf`.
 */
export interface ProviderMeasurement {
  readonly phase: MeasurementPhase;
  readonly value?: string;
  readonly message?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * A `{key, value}` header. A header whose value comes from a Secret (`valueFrom`) must have been
 * resolved into `value` by the caller; one left without a value is an Error measurement.
 */
export interface HeaderSpec {
  readonly key: string;
  readonly value?: string;
}

/** Sluice's traffic guard: below `min` samples the measurement is Inconclusive. */
export interface MinSamplesSpec {
  /** A query (same provider, same window) whose value is the number of samples, e.g. requests. */
  readonly query: string;
  readonly min: number | string;
}

/** `provider.prometheus`. */
export interface PrometheusSpec {
  readonly address?: string;
  readonly query: string;
  /** Seconds; default 30. */
  readonly timeout?: number | string;
  readonly headers?: readonly HeaderSpec[];
  readonly insecure?: boolean;
  readonly rangeQuery?: {
    /** An expression such as `now() - duration("5m")`, or an RFC 3339 time. */
    readonly start: string;
    readonly end: string;
    /** A duration (`1m`) or seconds. */
    readonly step: string | number;
  };
}

/** `provider.web`. */
export interface WebSpec {
  readonly url: string;
  readonly method?: string;
  readonly headers?: readonly HeaderSpec[];
  readonly body?: string;
  readonly jsonBody?: unknown;
  /** Default 10. */
  readonly timeoutSeconds?: number | string;
  /** Kubernetes-style JSONPath such as `{$.data.ok}`; omitted means the whole body. */
  readonly jsonPath?: string;
  readonly insecure?: boolean;
}

/** The conditions of a metric. */
export interface ConditionsSpec {
  readonly successCondition?: string;
  readonly failureCondition?: string;
}

/** A metric with its args already substituted (see `substituteArgs`). */
export interface MetricSpec extends ConditionsSpec {
  readonly name: string;
  readonly minSamples?: MinSamplesSpec;
  readonly provider: {
    readonly prometheus?: PrometheusSpec;
    readonly web?: WebSpec;
  };
}

/**
 * Credentials for the metric source, read from the Secrets that
 * `provider.*.authentication.bearerToken` / `.basicAuth` name, by the caller. Never logged; their
 * values are masked in messages and metadata.
 */
export interface Credentials {
  readonly bearerToken?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

/** What a measurement needs besides the metric. */
export interface MeasureContext {
  /** The reconciler's clock reading (ms since the epoch): the query's evaluation time. */
  readonly now: number;
  /** Secret values (resolved args, header values from Secrets) to mask as `***` in messages and metadata. */
  readonly secrets?: readonly string[];
  /** Resolved authentication for the provider's request. */
  readonly credentials?: Credentials;
  readonly logger?: Logger;
}

/**
 * A metric backend. `measure` resolves to a ProviderMeasurement for every outcome (including an
 * unreachable server, as an Error measurement) and rejects only when `signal` aborts.
 */
export interface MetricProvider {
  /** The `provider` key it serves: `prometheus`, `web`. */
  readonly type: string;
  measure(metric: MetricSpec, ctx: MeasureContext, signal: AbortSignal): Promise<ProviderMeasurement>;
}
