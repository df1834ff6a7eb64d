import assert from 'node:assert/strict';
import { PrometheusProvider } from '../../src/analysis/providers/prometheus.js';
import { decodePromBody } from '../../src/analysis/providers/prometheus-response.js';
import { evaluateTime, parseGoDuration, parseStep } from '../../src/analysis/providers/time.js';
import type { MeasurementPhase, MetricSpec, PrometheusSpec } from '../../src/analysis/types.js';
import { FakeServer, promOk, vector, type Reply } from './fake-http.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('analysis/providers/prometheus (fake server)', () => {
  let server: FakeServer;
  const provider = new PrometheusProvider();
  const signal = new AbortController().signal;

  before(async () => {
    server = await new FakeServer().start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  function metric(extra: Partial<MetricSpec> = {}, prom: Partial<PrometheusSpec> = {}): MetricSpec {
    return {
      name: 'error-rate',
      successCondition: 'result[0] < 0.05',
      ...extra,
      provider: { prometheus: { address: server.url, query: 'sum(rate(x[1m]))', ...prom } },
    };
  }

  describe('value handling', () => {
    const cases: Record<string, { reply: Reply; cond?: Partial<MetricSpec>; phase: MeasurementPhase; value?: string; message?: string | RegExp }> = {
      'healthy vector: Successful': { reply: { json: vector('0.01') }, phase: 'Successful', value: '[0.01]' },
      'bad vector: Failed': { reply: { json: vector('0.2') }, phase: 'Failed', value: '[0.2]' },
      'several series stored like Argo': { reply: { json: vector('0.01', '0.02') }, phase: 'Successful', value: '[0.01,0.02]' },
      'empty vector: Error no data': { reply: { json: vector() }, phase: 'Error', value: '[]', message: 'query returned no data' },
      'NaN: Inconclusive': { reply: { json: vector('NaN') }, phase: 'Inconclusive', value: '[NaN]', message: /result\[0\] is NaN/ },
      '+Inf with a >= condition: Inconclusive': {
        reply: { json: vector('+Inf') },
        cond: { successCondition: 'result[0] >= 0.95' },
        phase: 'Inconclusive',
        value: '[+Inf]',
      },
      '-Inf parsed': { reply: { json: vector('-Inf') }, cond: { successCondition: 'isInf(result[0])' }, phase: 'Inconclusive', value: '[-Inf]' },
      'scalar': { reply: { json: promOk('scalar', [1700000000, '0.5']) }, cond: { successCondition: 'result == 0.5' }, phase: 'Successful', value: '0.5' },
      'string': { reply: { json: promOk('string', [1700000000, 'ok']) }, cond: { successCondition: 'result == "ok"' }, phase: 'Successful', value: 'ok' },
      'matrix flattened (all(result, ...))': {
        reply: { json: promOk('matrix', [{ metric: {}, values: [[1, '10'], [2, '20']] }, { metric: {}, values: [[1, '30']] }]) },
        cond: { successCondition: 'all(result, # < 1000) && len(result) == 3' },
        phase: 'Successful',
        value: '[10,20,30]',
      },
      'empty matrix: Error no data': { reply: { json: promOk('matrix', []) }, phase: 'Error', message: 'query returned no data' },
      'bad_data surfaced with Prometheus text': {
        reply: { status: 400, json: { status: 'error', errorType: 'bad_data', error: '1:12: parse error: unexpected right parenthesis \')\'' } },
        phase: 'Error',
        message: "prometheus bad_data (HTTP 400): 1:12: parse error: unexpected right parenthesis ')'",
      },
      'execution error': {
        reply: { status: 422, json: { status: 'error', errorType: 'execution', error: 'query processing would load too many samples' } },
        phase: 'Error',
        message: 'prometheus execution (HTTP 422): query processing would load too many samples',
      },
      'server-side timeout': {
        reply: { status: 503, json: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' } },
        phase: 'Error',
        message: 'prometheus timeout (HTTP 503): query timed out in expression evaluation',
      },
      'non-JSON proxy error': {
        reply: { status: 502, text: '<html><body>Bad Gateway</body></html>' },
        phase: 'Error',
        message: 'prometheus HTTP 502: <html><body>Bad Gateway</body></html>',
      },
      'malformed sample': { reply: { json: vector('abc') }, phase: 'Error', message: /malformed sample value "abc"/ },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, async () => {
        server.handler = () => tc.reply;
        const m = await provider.measure(metric(tc.cond), { now: NOW }, signal);
        assert.equal(m.phase, tc.phase, m.message);
        if (tc.value !== undefined) assert.equal(m.value, tc.value);
        if (typeof tc.message === 'string') assert.equal(m.message, tc.message);
        else if (tc.message) assert.match(m.message ?? '', tc.message);
      });
    }
  });

  it('POSTs the query at the clock time with a timeout, and records metadata and warnings', async () => {
    server.handler = () => ({ json: promOk('vector', [{ metric: {}, value: [1, '0.01'] }], ['some warning']) });
    const m = await provider.measure(metric({}, { timeout: 7 }), { now: NOW }, signal);
    const r = server.requests[0];
    assert.equal(r?.method, 'POST');
    assert.equal(r?.path, '/api/v1/query');
    assert.equal(r?.params['query'], 'sum(rate(x[1m]))');
    assert.equal(r?.params['time'], String(NOW / 1000));
    assert.equal(r?.params['timeout'], '7s');
    assert.deepEqual(m.metadata, { ResolvedPrometheusQuery: 'sum(rate(x[1m]))', resultType: 'vector', warnings: '"some warning"' });
  });

  it('an unresolved Secret-backed header is an Error', async () => {
    const m = await provider.measure(metric({}, { headers: [{ key: 'X-Token' }] }), { now: NOW }, signal);
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'provider.prometheus.headers: header X-Token has no value (its Secret was not resolved)');
  });

  it('falls back to GET when POST is refused', async () => {
    server.handler = (r) => (r.method === 'POST' ? { status: 405, text: 'method not allowed' } : { json: vector('0.01') });
    const m = await provider.measure(metric(), { now: NOW }, signal);
    assert.equal(m.phase, 'Successful');
    assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'GET']);
  });

  it('sends headers, bearer and basic auth, and never shows secrets', async () => {
    server.handler = () => ({ status: 401, text: 'bad token s3cr3t-token' });
    const m = await provider.measure(
      metric({}, { headers: [{ key: 'X-Scope-OrgID', value: 'tenant-a' }] }),
      { now: NOW, credentials: { bearerToken: 's3cr3t-token' } },
      signal,
    );
    assert.equal(server.requests[0]?.headers['x-scope-orgid'], 'tenant-a');
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer s3cr3t-token');
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'prometheus HTTP 401: bad token ***');
    server.handler = () => ({ json: vector('0.01') });
    await provider.measure(metric(), { now: NOW, credentials: { basicAuth: { username: 'u', password: 'p' } } }, signal);
    assert.equal(server.requests[1]?.headers['authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('runs a range query with now() expressions and a step', async () => {
    server.handler = () => ({ json: promOk('matrix', [{ metric: {}, values: [[1, '0.1'], [2, '0.2']] }]) });
    const m = await provider.measure(
      metric({ successCondition: 'all(result, # < 1)' }, { rangeQuery: { start: 'now() - duration("5m")', end: 'now()', step: '1m' } }),
      { now: NOW },
      signal,
    );
    const r = server.requests[0];
    assert.equal(r?.path, '/api/v1/query_range');
    assert.equal(r?.params['start'], String(NOW / 1000 - 300));
    assert.equal(r?.params['end'], String(NOW / 1000));
    assert.equal(r?.params['step'], '60');
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '[0.1,0.2]');
  });

  describe('traffic guard (minSamples)', () => {
    const guarded = (min: number | string): MetricSpec => metric({ minSamples: { query: 'sum(increase(requests[1m]))', min } });

    it('too little traffic: Inconclusive with the count', async () => {
      server.handler = (r) => ({ json: vector(r.params['query']?.startsWith('sum(increase') ? '12.4' : '0.01') });
      const m = await provider.measure(guarded(100), { now: NOW }, signal);
      assert.equal(m.phase, 'Inconclusive');
      assert.equal(m.message, 'not enough traffic: 12 requests < 100');
      assert.equal(m.metadata?.['minSamplesCount'], '12.4');
    });

    it('guard with no data counts as 0', async () => {
      server.handler = (r) => ({ json: r.params['query']?.startsWith('sum(increase') ? vector() : vector('0.01') });
      const m = await provider.measure(guarded('100'), { now: NOW }, signal);
      assert.equal(m.message, 'not enough traffic: 0 requests < 100');
    });

    it('enough traffic: the value decides', async () => {
      server.handler = (r) => ({ json: vector(r.params['query']?.startsWith('sum(increase') ? '500' : '0.2') });
      const m = await provider.measure(guarded(100), { now: NOW }, signal);
      assert.equal(m.phase, 'Failed');
    });

    it('a failing guard query is an Error naming it', async () => {
      server.handler = (r) =>
        r.params['query']?.startsWith('sum(increase')
          ? { status: 400, json: { status: 'error', errorType: 'bad_data', error: 'bad guard' } }
          : { json: vector('0.01') };
      const m = await provider.measure(guarded(100), { now: NOW }, signal);
      assert.equal(m.phase, 'Error');
      assert.equal(m.message, 'minSamples query: prometheus bad_data (HTTP 400): bad guard');
    });
  });

  describe('transport failures', () => {
    it('unreachable server: Error with a clear message', async () => {
      const m = await provider.measure(
        { name: 'x', successCondition: 'true', provider: { prometheus: { address: 'http://127.0.0.1:1', query: 'up' } } },
        { now: NOW },
        signal,
      );
      assert.equal(m.phase, 'Error');
      assert.equal(m.message, 'prometheus unreachable at http://127.0.0.1:1: ECONNREFUSED');
    });

    it('slow server: Error after the metric timeout', async () => {
      server.handler = () => ({ json: vector('0.01'), delayMs: 2000 });
      const m = await provider.measure(metric({}, { timeout: 0.2 }), { now: NOW }, signal);
      assert.equal(m.phase, 'Error');
      assert.equal(m.message, `prometheus request to ${server.url} timed out after 0.2s`);
    });

    it('abort rejects instead of producing a measurement', async () => {
      server.handler = () => ({ json: vector('0.01'), delayMs: 2000 });
      const ac = new AbortController();
      const p = provider.measure(metric(), { now: NOW }, ac.signal);
      setTimeout(() => ac.abort(new Error('shutting down')), 50);
      await assert.rejects(p, /shutting down/);
    });

    it('bad address and missing address: Error', async () => {
      const bad = await provider.measure(metric({}, { address: 'prometheus:9090' }), { now: NOW }, signal);
      assert.equal(bad.phase, 'Error');
      assert.match(bad.message ?? '', /provider.prometheus.address (is not a URL|must be http or https)/);
      const none = await provider.measure(metric({}, { address: '' }), { now: NOW }, signal);
      assert.equal(none.message, 'provider.prometheus.address is not set');
    });

    it('uses the default address when the metric has none', async () => {
      server.handler = () => ({ json: vector('0.01') });
      const p = new PrometheusProvider({ defaultAddress: server.url });
      const m = await p.measure(metric({}, { address: '' }), { now: NOW }, signal);
      assert.equal(m.phase, 'Successful');
    });
  });
});

describe('analysis/providers/prometheus decoding and time', () => {
  it('rejects a non-Prometheus body', () => {
    assert.throws(() => decodePromBody({ hello: 1 }, 200), /unexpected body/);
    assert.throws(() => decodePromBody(promOk('vector', [{ metric: {}, histogram: [1, {}] }]), 200), /native histogram/);
  });

  const durations: Record<string, number | undefined> = { '5m': 300_000, '1h30m': 5_400_000, '300ms': 300, '1.5h': 5_400_000, '0': 0, '5': undefined, abc: undefined, '': undefined };
  for (const [text, want] of Object.entries(durations)) {
    it(`parseGoDuration(${JSON.stringify(text)}) = ${String(want)}`, () => assert.equal(parseGoDuration(text), want));
  }

  it('evaluates range times and rejects bad ones', () => {
    assert.equal(evaluateTime('now() - duration("1h")', NOW, 'start'), NOW - 3_600_000);
    assert.equal(evaluateTime('"2026-01-01T00:00:00Z"', NOW, 'start'), Date.UTC(2026, 0, 1));
    const bad = evaluateTime('now() - duration("5x")', NOW, 'rangeQuery.start');
    assert.ok(bad instanceof Error);
    assert.equal(bad.message, 'rangeQuery.start: duration(): invalid duration "5x"');
    assert.ok(evaluateTime('now( - 1', NOW, 's') instanceof Error);
    assert.equal(parseStep('1m'), 60);
    assert.equal(parseStep(15), 15);
    assert.equal(parseStep('30'), 30);
    assert.ok(parseStep('0s') instanceof Error);
  });
});
