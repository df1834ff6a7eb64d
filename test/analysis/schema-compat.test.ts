/**
 * The analysis building blocks take narrow input types; the metric parsed by the API schema in
 * src/api must fit them as is (checked by the compiler), and measure as expected.
 */
import assert from 'node:assert/strict';
import { MetricSchema, type Metric } from '../../src/api/metric.js';
import { judge } from '../../src/analysis/judge.js';
import { providerFor, defaultProviders } from '../../src/analysis/providers/index.js';
import type { MetricSpec } from '../../src/analysis/types.js';

describe('analysis: fits the parsed API schema', () => {
  it('a parsed Metric is a MetricSpec', () => {
    const parsed: Metric = MetricSchema.parse({
      name: 'error-rate',
      successCondition: 'result[0] < 0.05',
      minSamples: { query: 'sum(increase(x[5m]))', min: 100 },
      provider: { prometheus: { address: 'http://prom:9090', query: 'x', rangeQuery: { start: 'now() - duration("5m")', end: 'now()', step: '1m' } } },
    });
    const spec: MetricSpec = parsed;
    assert.equal(judge({ conditions: spec, result: [0.01] }).phase, 'Successful');
    const p = providerFor(spec, defaultProviders());
    assert.ok(!(p instanceof Error));
    assert.equal(p.type, 'prometheus');
  });

  it('a parsed web Metric is a MetricSpec; the default jsonPath {$} is the whole body', () => {
    const parsed: Metric = MetricSchema.parse({ name: 'w', successCondition: 'result.ok', provider: { web: { url: 'http://x/y' } } });
    const spec: MetricSpec = parsed;
    assert.equal(spec.provider.web?.jsonPath, '{$}');
    const p = providerFor(spec, defaultProviders());
    assert.ok(!(p instanceof Error));
    assert.equal(p.type, 'web');
  });

  it('no provider or two providers: an Error naming them', () => {
    const none = providerFor({ name: 'n', provider: {} }, defaultProviders());
    assert.ok(none instanceof Error);
    assert.equal(none.message, 'metric n: exactly one provider must be set, found none');
  });
});
