/**
 * Metrics of an analysis: what to measure (a provider: Prometheus or a web endpoint), how
 * often, and how to judge a measurement. Field names, defaults and int-or-string limits follow
 * Argo Rollouts. Sluice's additions: `minSamples`, Secret-backed header values, and bearer /
 * basic authentication from a Secret.
 */
import { z } from 'zod';
import { DurationSchema } from './duration.js';
import { IntOrString, intAtLeast, intOrStringValue } from './kit.js';
import { SecretKeyRefSchema } from './meta.js';

/** HTTP methods a web metric may use. */
export const WebMethod = { GET: 'GET', POST: 'POST', PUT: 'PUT' } as const;
/** One of {@link WebMethod}. */
export type WebMethod = (typeof WebMethod)[keyof typeof WebMethod];

/** Providers Sluice implements. */
export const SUPPORTED_PROVIDERS = ['prometheus', 'web'] as const;
/** Argo Rollouts providers Sluice does not implement (accepted by the schema to give a clear message). */
export const UNSUPPORTED_PROVIDERS = ['kayenta', 'datadog', 'wavefront', 'newRelic', 'job', 'cloudWatch', 'graphite', 'influxdb', 'skywalking', 'plugin'] as const;

/** An HTTP header: a literal `value`, or (Sluice addition) `valueFrom.secretKeyRef`. */
export const HeaderSchema = z.object({
  key: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z.object({ secretKeyRef: SecretKeyRefSchema }).optional().describe('Sluice addition: read the value from a Secret.'),
});
/** Parsed header. */
export type Header = z.output<typeof HeaderSchema>;

/**
 * Authentication to the metric source. `sigv4` and `oauth2` are Argo's. `bearerToken` and
 * `basicAuth` are Sluice additions, because Argo's schema has no way to take a Prometheus
 * token or password from a Secret. Set at most one.
 */
export const AuthenticationSchema = z.object({
  sigv4: z.object({ region: z.string().default(''), profile: z.string().default(''), roleArn: z.string().default('') }).optional(),
  oauth2: z
    .object({
      tokenUrl: z.string().min(1),
      clientId: z.string().min(1),
      clientSecret: z.string().default(''),
      scopes: z.array(z.string()).default(() => []),
    })
    .optional(),
  bearerToken: z
    .object({ secretKeyRef: SecretKeyRefSchema })
    .optional()
    .describe('Sluice addition: send "Authorization: Bearer <token>" with the token read from a Secret.'),
  basicAuth: z
    .object({
      username: z.string().optional(),
      usernameSecretKeyRef: SecretKeyRefSchema.optional(),
      passwordSecretKeyRef: SecretKeyRefSchema,
    })
    .optional()
    .describe('Sluice addition: HTTP basic auth; the password (and optionally the username) from a Secret.'),
});
/** Parsed authentication. */
export type Authentication = z.output<typeof AuthenticationSchema>;

/** A Prometheus query. `address` '' leaves the choice to the provider (e.g. a controller default). */
export const PrometheusMetricSchema = z.object({
  address: z.string().default('').describe('Prometheus base URL, e.g. http://prometheus.monitoring:9090.'),
  query: z.string().min(1).describe('PromQL; {{args.name}} is replaced by the argument.'),
  timeout: intAtLeast(1).optional().describe('Query timeout in seconds.'),
  insecure: z.boolean().default(false),
  headers: z.array(HeaderSchema).default(() => []),
  authentication: AuthenticationSchema.prefault({}),
  rangeQuery: z.object({ start: z.string().min(1), end: z.string().min(1), step: z.string().min(1) }).optional(),
});
/** Parsed Prometheus provider. */
export type PrometheusMetric = z.output<typeof PrometheusMetricSchema>;

/** A web endpoint whose JSON response (at `jsonPath`) is the measurement. */
export const WebMetricSchema = z.object({
  url: z.string().min(1).describe('URL to call; {{args.name}} is replaced by the argument.'),
  method: z.enum([WebMethod.GET, WebMethod.POST, WebMethod.PUT]).default(WebMethod.GET),
  headers: z.array(HeaderSchema).default(() => []),
  body: z.string().optional(),
  jsonBody: z.unknown().optional(),
  timeoutSeconds: intAtLeast(1).default(10),
  jsonPath: z.string().default('{$}').describe('JSONPath into the response that is the measurement (default {$}).'),
  insecure: z.boolean().default(false),
  authentication: AuthenticationSchema.prefault({}),
});
/** Parsed web provider. */
export type WebMetric = z.output<typeof WebMetricSchema>;

const unsupported = () => z.record(z.string(), z.unknown()).optional();

/** Where a metric comes from: exactly one provider (checked after parsing). */
export const MetricProviderSchema = z.object({
  prometheus: PrometheusMetricSchema.optional(),
  web: WebMetricSchema.optional(),
  kayenta: unsupported(),
  datadog: unsupported(),
  wavefront: unsupported(),
  newRelic: unsupported(),
  job: unsupported(),
  cloudWatch: unsupported(),
  graphite: unsupported(),
  influxdb: unsupported(),
  skywalking: unsupported(),
  plugin: unsupported(),
});
/** Parsed provider. */
export type MetricProvider = z.output<typeof MetricProviderSchema>;

/**
 * Sluice addition: a query for how much data the measurement rests on (e.g. request count in
 * the window). When its result is below `min`, the measurement is Inconclusive, never a pass.
 */
export const MinSamplesSchema = z.object({ query: z.string().min(1), min: z.number().min(0) });
/** Parsed minSamples. */
export type MinSamples = z.output<typeof MinSamplesSchema>;

/**
 * One metric. Durations are milliseconds when parsed. Limits and count are int-or-string, as in
 * Argo (a string may be an `{{args.*}}` placeholder); read them with {@link intOrStringValue}.
 */
export const MetricSchema = z.object({
  name: z.string().min(1),
  interval: DurationSchema.optional().describe('Time between measurements; absent means a single measurement.'),
  initialDelay: DurationSchema.optional(),
  count: IntOrString.optional().describe('Number of measurements; absent means 1 without interval, unbounded with one.'),
  successCondition: z.string().default('').describe('Expression over `result` that makes a measurement Successful, e.g. result[0] >= 0.95.'),
  failureCondition: z.string().default('').describe('Expression over `result` that makes a measurement Failed.'),
  failureLimit: IntOrString.default(0).describe('Failed measurements tolerated before the metric fails; -1 disables.'),
  inconclusiveLimit: IntOrString.default(0).describe('Inconclusive measurements tolerated before the metric is Inconclusive.'),
  consecutiveErrorLimit: IntOrString.default(4).describe('Errors in a row tolerated before the metric is Error (default 4).'),
  consecutiveSuccessLimit: IntOrString.default(0).describe('Successes in a row that end the metric as Successful (0: not used).'),
  provider: MetricProviderSchema,
  minSamples: MinSamplesSchema.optional().describe('Sluice addition: below `min` samples, a measurement is Inconclusive.'),
});
/** A parsed metric. */
export type Metric = z.output<typeof MetricSchema>;

/**
 * How many measurements a metric takes: its count; 1 when neither count nor interval is set;
 * undefined when only interval is set (measure until the run ends) or count is unresolved text.
 */
export function effectiveCount(m: Metric): number | undefined {
  const n = m.count === undefined ? 0 : intOrStringValue(m.count);
  if (n === undefined) return undefined;
  if (n === 0) return m.interval === undefined ? 1 : undefined;
  return n;
}
