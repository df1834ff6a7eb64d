/**
 * Metric providers behind one small interface ({@link MetricProvider}), and the lookup the
 * AnalysisRun reconciler uses to find the one a metric names.
 */
import type { Logger } from 'pino';
import type { MetricProvider, MetricSpec } from '../types.js';
import { PrometheusProvider } from './prometheus.js';
import { WebProvider } from './web.js';

export { PrometheusProvider, PrometheusMetadata, type PrometheusProviderOptions } from './prometheus.js';
export { WebProvider, type WebProviderOptions } from './web.js';
export { decodePromBody, formatVector, guardCount, PromApiError, type PromResult } from './prometheus-response.js';
export { normalizeJsonPath, selectJsonPath, type Selection } from './jsonpath.js';
export { evaluateTime, parseGoDuration, parseStep } from './time.js';
export { redact } from './http.js';

/** The providers by `provider` key. */
export type ProviderRegistry = ReadonlyMap<string, MetricProvider>;

/** The built-in providers. */
export function defaultProviders(options: { logger?: Logger; prometheusAddress?: string } = {}): ProviderRegistry {
  const list: MetricProvider[] = [
    new PrometheusProvider({
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.prometheusAddress ? { defaultAddress: options.prometheusAddress } : {}),
    }),
    new WebProvider(options.logger ? { logger: options.logger } : {}),
  ];
  return new Map(list.map((p) => [p.type, p]));
}

/**
 * The provider for a metric: the one whose key is set under `metric.provider`. An Error when
 * none or several are set, or the key has no provider here.
 */
export function providerFor(metric: MetricSpec, registry: ProviderRegistry): MetricProvider | Error {
  const keys = Object.entries(metric.provider)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => k);
  if (keys.length !== 1) {
    return new Error(`metric ${metric.name}: exactly one provider must be set, found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  }
  const key = keys[0] as string;
  return registry.get(key) ?? new Error(`metric ${metric.name}: provider '${key}' is not supported`);
}
