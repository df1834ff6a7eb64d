import assert from 'node:assert/strict';
import {
  effectiveCount,
  formatFieldError,
  parseAnalysisRun,
  parseAnalysisTemplate,
  parseClusterAnalysisTemplate,
} from '../../src/api/index.js';
import type { AnalysisTemplate } from '../../src/api/index.js';
import { template } from './helpers.js';
import type { Obj } from './helpers.js';

function ok(obj: unknown): AnalysisTemplate {
  const r = parseAnalysisTemplate(obj);
  if (!r.ok) assert.fail(`expected a valid template, got:\n${r.errors.map(formatFieldError).join('\n')}`);
  return r.value;
}

function messages(obj: unknown): string[] {
  const r = parseAnalysisTemplate(obj);
  assert.equal(r.ok, false, 'expected the template to be rejected');
  return r.ok ? [] : r.errors.map(formatFieldError);
}

/** A template with one metric whose fields are overridden by `metric`. */
function withMetric(metric: Obj): Obj {
  const t = template();
  const spec = t['spec'] as Obj;
  const base = (spec['metrics'] as Obj[])[0];
  spec['metrics'] = [{ ...base, ...metric }];
  return t;
}

const prom = (p: Obj = {}): Obj => ({ prometheus: { address: 'http://prometheus:9090', query: 'up', ...p } });

describe('api/analysis: templates', () => {
  it('fills metric defaults (Argo: failureLimit 0, inconclusiveLimit 0, consecutiveErrorLimit 4)', () => {
    const m = ok(template()).spec.metrics[0];
    assert.ok(m);
    assert.equal(m.interval, 60_000);
    assert.equal(m.initialDelay, undefined);
    assert.equal(m.failureLimit, 0);
    assert.equal(m.inconclusiveLimit, 0);
    assert.equal(m.consecutiveErrorLimit, 4);
    assert.equal(m.consecutiveSuccessLimit, 0);
    assert.equal(m.failureCondition, '');
    const p = m.provider.prometheus;
    assert.ok(p);
    assert.equal(p.insecure, false);
    assert.deepEqual(p.headers, []);
    assert.deepEqual(p.authentication, {});
  });

  it('fills web defaults (GET, timeout 10s, jsonPath {$})', () => {
    const m = ok(withMetric({ provider: { web: { url: 'http://x' } } })).spec.metrics[0];
    assert.deepEqual(m?.provider.web, { url: 'http://x', method: 'GET', headers: [], timeoutSeconds: 10, jsonPath: '{$}', insecure: false, authentication: {} });
  });

  it('accepts Sluice auth from Secrets, header values from Secrets and minSamples', () => {
    const m = ok(
      withMetric({
        minSamples: { query: 'sum(increase(http_requests_total[5m]))', min: 100 },
        provider: prom({
          headers: [{ key: 'X-Org', valueFrom: { secretKeyRef: { name: 'org', key: 'id' } } }],
          authentication: { bearerToken: { secretKeyRef: { name: 'prom', key: 'token' } } },
          rangeQuery: { start: 'now() - 5m', end: 'now()', step: '1m' },
        }),
      }),
    ).spec.metrics[0];
    assert.equal(m?.minSamples?.min, 100);
    assert.deepEqual(m?.provider.prometheus?.authentication.bearerToken, { secretKeyRef: { name: 'prom', key: 'token' } });
  });

  it('parses a ClusterAnalysisTemplate with the same rules', () => {
    const t = { ...template(), kind: 'ClusterAnalysisTemplate', metadata: { name: 'global' } };
    const r = parseClusterAnalysisTemplate(t);
    assert.ok(r.ok);
    assert.equal(r.value.metadata.namespace, '');
  });

  const counts: Record<string, { metric: Obj; count: number | undefined }> = {
    'neither count nor interval: one measurement': { metric: { interval: undefined }, count: 1 },
    'interval only: unbounded': { metric: { interval: '1m' }, count: undefined },
    'count and interval': { metric: { interval: '1m', count: 5 }, count: 5 },
    'count as a numeric string': { metric: { interval: '1m', count: '3' }, count: 3 },
    'count as an unresolved placeholder': { metric: { interval: '1m', count: '{{args.count}}' }, count: undefined },
  };
  for (const [name, tc] of Object.entries(counts)) {
    it(`effectiveCount: ${name}`, () => {
      const t = withMetric(tc.metric);
      (t['spec'] as Obj)['args'] = [{ name: 'count' }];
      const m = ok(t).spec.metrics[0];
      assert.ok(m);
      assert.equal(effectiveCount(m), tc.count);
    });
  }

  const invalid: Record<string, { obj: Obj; errors: string[] }> = {
    'no metrics': {
      obj: template({ metrics: [] }),
      errors: ['spec.metrics: must have at least 1 item(s)'],
    },
    'duplicate metric names': {
      obj: template({
        metrics: [
          { name: 'rate', successCondition: 'result > 1', provider: prom() },
          { name: 'rate', successCondition: 'result > 2', provider: prom() },
        ],
      }),
      errors: ['spec.metrics[1].name: must be unique, "rate" is used by an earlier metric'],
    },
    'no provider set': {
      obj: withMetric({ provider: {} }),
      errors: ['spec.metrics[0].provider: must set exactly one of prometheus, web, got none'],
    },
    'two providers': {
      obj: withMetric({ provider: { ...prom(), web: { url: 'http://x' } } }),
      errors: ['spec.metrics[0].provider: must set exactly one of prometheus, web, got prometheus, web'],
    },
    'unsupported provider': {
      obj: withMetric({ provider: { datadog: { query: 'avg:x' } } }),
      errors: [
        'spec.metrics[0].provider.datadog: is not supported by Sluice; use one of prometheus, web',
        'spec.metrics[0].provider: must set exactly one of prometheus, web, got none',
      ],
    },
    'no conditions': {
      obj: withMetric({ successCondition: undefined }),
      errors: ['spec.metrics[0]: must set successCondition or failureCondition (without either, no measurement could fail)'],
    },
    'bad interval': {
      obj: withMetric({ interval: '1 minute' }),
      errors: ['spec.metrics[0].interval: must be a duration such as "30s", "5m", "1h30m" or a number of seconds, got "1 minute"'],
    },
    'count above 1 without interval': {
      obj: withMetric({ interval: undefined, count: 3 }),
      errors: ['spec.metrics[0].interval: is required when count is greater than 1 (count is 3)'],
    },
    'failureLimit below -1': {
      obj: withMetric({ failureLimit: -2 }),
      errors: ['spec.metrics[0].failureLimit: must be >= -1, got -2'],
    },
    'failureLimit as text': {
      obj: withMetric({ failureLimit: 'three' }),
      errors: ['spec.metrics[0].failureLimit: must be an integer or an {{args.*}} placeholder, got "three"'],
    },
    'failureLimit as a float': {
      obj: withMetric({ failureLimit: 1.5 }),
      errors: ['spec.metrics[0].failureLimit: must be an integer or a string, got 1.5'],
    },
    'empty query': {
      obj: withMetric({ provider: prom({ query: '' }) }),
      errors: ['spec.metrics[0].provider.prometheus.query: must not be empty'],
    },
    'missing query': {
      obj: withMetric({ provider: { prometheus: { address: 'http://p' } } }),
      errors: ['spec.metrics[0].provider.prometheus.query: is required'],
    },
    'web body with GET': {
      obj: withMetric({ provider: { web: { url: 'http://x', body: '{}' } } }),
      errors: ['spec.metrics[0].provider.web.method: must be POST or PUT when a body is set, got "GET"'],
    },
    'web method not allowed': {
      obj: withMetric({ provider: { web: { url: 'http://x', method: 'DELETE' } } }),
      errors: ['spec.metrics[0].provider.web.method: must be one of "GET", "POST", "PUT", got "DELETE"'],
    },
    'header without value': {
      obj: withMetric({ provider: prom({ headers: [{ key: 'X-A' }] }) }),
      errors: ['spec.metrics[0].provider.prometheus.headers[0]: must set exactly one of value and valueFrom, got neither (header "X-A")'],
    },
    'two auth methods': {
      obj: withMetric({
        provider: prom({
          authentication: {
            bearerToken: { secretKeyRef: { name: 's', key: 't' } },
            basicAuth: { username: 'u', passwordSecretKeyRef: { name: 's', key: 'p' } },
          },
        }),
      }),
      errors: ['spec.metrics[0].provider.prometheus.authentication: must set at most one of sigv4, oauth2, bearerToken, basicAuth, got bearerToken, basicAuth'],
    },
    'minSamples with web': {
      obj: withMetric({ minSamples: { query: 'x', min: 1 }, provider: { web: { url: 'http://x' } } }),
      errors: ['spec.metrics[0].minSamples: needs the prometheus provider (the query runs on the same Prometheus)'],
    },
    'dryRun naming an unknown metric': {
      obj: template({ dryRun: [{ metricName: 'latency' }] }),
      errors: ['spec.dryRun[0].metricName: must name a metric of this spec or "*", got "latency"'],
    },
    'negative retention': {
      obj: template({ measurementRetention: [{ metricName: '*', limit: -1 }] }),
      errors: ['spec.measurementRetention[0].limit: must be >= 0, got -1'],
    },
    'duplicate args': {
      obj: template({ args: [{ name: 'a' }, { name: 'a', value: '1' }] }),
      errors: ['spec.args[1].name: must be unique, "a" is given twice'],
    },
    'arg valueFrom with both sources': {
      obj: template({ args: [{ name: 'a', valueFrom: { secretKeyRef: { name: 's', key: 'k' }, fieldRef: { fieldPath: 'metadata.name' } } }] }),
      errors: ['spec.args[0].valueFrom: must set exactly one of secretKeyRef and fieldRef, got both'],
    },
    'a placeholder naming an undeclared arg': {
      obj: withMetric({ provider: prom({ query: 'rate(x{svc="{{args.service}}",ns="{{ args.ns }}"}[1m])' }) }),
      errors: ['spec.metrics[0]: uses {{args.service}}, {{args.ns}} but spec.args does not declare them: add {name: service}, {name: ns} to spec.args'],
    },
    'Argo apiVersion': {
      obj: { ...template(), apiVersion: 'argoproj.io/v1alpha1' },
      errors: ['apiVersion: must be sluice.dev/v1alpha1, got "argoproj.io/v1alpha1" (to migrate from Argo Rollouts, change apiVersion to sluice.dev/v1alpha1)'],
    },
  };
  for (const [name, tc] of Object.entries(invalid)) {
    it(`rejects: ${name}`, () => assert.deepEqual(messages(tc.obj), tc.errors));
  }
});

describe('api/analysis: runs', () => {
  const run = (status: unknown): Obj => {
    const t = template({ args: [{ name: 'service', value: 'web' }] });
    return { ...t, kind: 'AnalysisRun', metadata: { name: 'web-1', namespace: 'default' }, status };
  };

  it('defaults spec and a missing status', () => {
    const r = parseAnalysisRun(run(undefined));
    assert.ok(r.ok);
    assert.equal(r.value.spec.terminate, false);
    assert.equal(r.value.status.phase, 'Pending');
    assert.deepEqual(r.value.status.metricResults, []);
    assert.deepEqual(r.value.status.runSummary, { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 });
  });

  it('reads a full status', () => {
    const status = {
      phase: 'Running',
      startedAt: '2026-01-01T00:00:00Z',
      metricResults: [
        {
          name: 'success-rate',
          phase: 'Running',
          count: 2,
          successful: 1,
          inconclusive: 1,
          consecutiveSuccess: 1,
          measurements: [
            { phase: 'Successful', value: '[0.99]', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' },
            { phase: 'Inconclusive', value: '[]', message: 'too few samples', metadata: { samples: '3' } },
          ],
        },
      ],
      runSummary: { count: 1 },
    };
    const r = parseAnalysisRun(run(status));
    assert.ok(r.ok);
    const mr = r.value.status.metricResults[0];
    assert.equal(mr?.measurements.length, 2);
    assert.equal(mr?.measurements[1]?.metadata['samples'], '3');
    assert.equal(mr?.failed, 0);
    assert.equal(r.value.status.runSummary.count, 1);
  });

  const lenient: Record<string, { status: unknown; check: (s: NonNullable<ReturnType<typeof statusOf>>) => void }> = {
    'an unknown phase reads as Pending': { status: { phase: 'Exploded' }, check: (s) => assert.equal(s.phase, 'Pending') },
    'a malformed metric result is dropped': {
      status: { metricResults: [{ phase: 'Running' }, { name: 'ok', phase: 'Successful' }] },
      check: (s) => assert.deepEqual(s.metricResults.map((m) => m.name), ['ok']),
    },
    'a string counter reads as 0': { status: { metricResults: [{ name: 'm', count: 'many' }] }, check: (s) => assert.equal(s.metricResults[0]?.count, 0) },
    'a status that is not an object reads as empty': { status: 'broken', check: (s) => assert.equal(s.phase, 'Pending') },
  };
  function statusOf(status: unknown) {
    const r = parseAnalysisRun(run(status));
    assert.ok(r.ok, 'a bad status must never fail the parse');
    return r.value.status;
  }
  for (const [name, tc] of Object.entries(lenient)) {
    it(`lenient status: ${name}`, () => tc.check(statusOf(tc.status)));
  }
});
