/**
 * The Prometheus provider against the real `prometheus` binary scraping the test app every
 * second. Versions run side by side so one warm-up serves every case: `canary` healthy,
 * `canary-bad` answering 20% 500s, `canary-slow` with 400 ms extra latency, `canary-idle` with
 * no traffic at all (its counters exist at 0).
 */
import assert from 'node:assert/strict';
import { RealClock } from '../../src/clock/index.js';
import { PrometheusProvider } from '../../src/analysis/providers/prometheus.js';
import type { ProviderMeasurement as Measurement, MetricSpec } from '../../src/analysis/types.js';
import { instantQuery, startPrometheus, waitFor, type PrometheusServer } from '../support/prometheus.js';
import { requireTool } from '../support/requires.js';
import { TestApp } from '../support/testapp/index.js';
import { loadExample } from './examples-support.js';

const WINDOW = '10s';
const errorRate = (v: string): string =>
  `sum(rate(http_requests_total{version="${v}",code=~"5.."}[${WINDOW}])) / sum(rate(http_requests_total{version="${v}"}[${WINDOW}]))`;
const p99 = (v: string): string =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{version="${v}"}[${WINDOW}])))`;
const requests = (v: string): string => `sum(increase(http_requests_total{version="${v}"}[${WINDOW}]))`;

describe('analysis: Prometheus provider against a real Prometheus', function () {
  this.timeout(60_000);
  const clock = new RealClock();
  const provider = new PrometheusProvider();
  const signal = new AbortController().signal;
  let app: TestApp | undefined;
  let prom: PrometheusServer | undefined;

  before(async function () {
    this.timeout(45_000);
    const bin = requireTool(this, 'prometheus', 'prometheus');
    app = await TestApp.start(['stable', 'canary', 'canary-bad', 'canary-slow', 'canary-idle'], { maxDurationMs: 90_000, maxRequests: 6000 });
    app.setBehavior('canary-bad', { errorRatio: 0.2 });
    app.setBehavior('canary-slow', { extraLatencyMs: 400 });
    for (const v of ['stable', 'canary', 'canary-bad', 'canary-slow']) app.setRate(v, 40);
    prom = await startPrometheus({ binary: bin, targets: [app.metricsTarget] });
    const url = prom.url;
    // Every busy version has at least 60 requests in the window before the cases run.
    await waitFor(
      'traffic to show up in Prometheus',
      async () => {
        const busy = `sum by (version) (increase(http_requests_total{version=~"canary|canary-bad|canary-slow"}[${WINDOW}]))`;
        const r = await instantQuery(url, `count(${busy} >= 60) == 3`);
        return r.length === 1 ? true : undefined;
      },
      30_000,
      250,
    );
  });

  after(async () => {
    await app?.close();
    await prom?.stop();
  });

  function metric(query: string, successCondition: string, extra: Partial<MetricSpec> = {}): MetricSpec {
    return { name: 'm', successCondition, provider: { prometheus: { address: prom?.url ?? '', query, timeout: 5 } }, ...extra };
  }

  async function measure(m: MetricSpec): Promise<Measurement> {
    return provider.measure(m, { now: clock.now() }, signal);
  }

  const guard = (v: string): Partial<MetricSpec> => ({ minSamples: { query: requests(v), min: 50 } });

  it('healthy canary error rate: Successful', async () => {
    const m = await measure(metric(errorRate('canary'), 'result[0] < 0.05', guard('canary')));
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[0]');
    assert.ok(Number(m.metadata?.['minSamplesCount']) >= 50);
  });

  it('bad canary (20% errors): Failed', async () => {
    const m = await measure(metric(errorRate('canary-bad'), 'result[0] < 0.05', guard('canary-bad')));
    assert.equal(m.phase, 'Failed', m.message);
    const ratio = Number(m.value?.slice(1, -1));
    assert.ok(ratio > 0.1 && ratio < 0.3, `error ratio ${m.value}`);
  });

  it('p99 latency via histogram_quantile: healthy passes, slow fails', async () => {
    const ok = await measure(metric(p99('canary'), 'result[0] < 0.25', guard('canary')));
    assert.equal(ok.phase, 'Successful', `${ok.message} ${ok.value}`);
    const slow = await measure(metric(p99('canary-slow'), 'result[0] < 0.25', guard('canary-slow')));
    assert.equal(slow.phase, 'Failed', slow.message);
    assert.ok(Number(slow.value?.slice(1, -1)) > 0.4, `p99 ${slow.value}`);
  });

  it('a version without traffic never passes: guard Inconclusive, NaN Inconclusive', async () => {
    const guarded = await measure(metric(errorRate('canary-idle'), 'result[0] < 0.05', guard('canary-idle')));
    assert.equal(guarded.phase, 'Inconclusive');
    assert.equal(guarded.message, 'not enough traffic: 0 requests < 50');
    const unguarded = await measure(metric(errorRate('canary-idle'), 'result[0] < 0.05'));
    assert.equal(unguarded.phase, 'Inconclusive', unguarded.message);
    assert.equal(unguarded.value, '[NaN]');
    const tricky = await measure(metric(errorRate('canary-idle'), 'isNaN(result[0]) || result[0] < 0.05'));
    assert.equal(tricky.phase, 'Inconclusive', tricky.message);
  });

  it('a version Prometheus never saw: Error no data', async () => {
    const m = await measure(metric(errorRate('nonexistent'), 'result[0] < 0.05'));
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'query returned no data');
  });

  it('a malformed query: Error with Prometheus bad_data text', async () => {
    const m = await measure(metric('sum(rate(http_requests_total[10s])', 'result[0] < 0.05'));
    assert.equal(m.phase, 'Error');
    assert.match(m.message ?? '', /^prometheus bad_data \(HTTP 400\): .*parse error/);
  });

  it('a range query over the window: every point checked', async () => {
    const url = prom?.url ?? '';
    // Enough history for rate() at every step of the range (the warm-up only guarantees the last).
    await waitFor('7 s of canary history', async () => {
      const r = await instantQuery(url, 'count_over_time(http_requests_total{version="canary",code="200"}[10s]) >= 8');
      return r.length > 0 ? true : undefined;
    }, 15_000, 250);
    const m = await measure(
      metric(errorRate('canary'), 'len(result) > 0 && all(result, # < 0.05)', {
        provider: { prometheus: { address: prom?.url ?? '', query: errorRate('canary'), rangeQuery: { start: 'now() - duration("4s")', end: 'now()', step: '1s' } } },
      }),
    );
    assert.equal(m.phase, 'Successful', m.message);
    assert.match(m.value ?? '', /^\[0(,0){2,}\]$/);
    assert.equal(m.metadata?.['resultType'], 'matrix');
  });

  it('examples/analysis/app-metrics.yaml: healthy canary passes, bad canary fails', async () => {
    const args = (v: string): Record<string, string> => ({ job: prom?.job ?? '', 'canary-version': v, prometheus: prom?.url ?? '' });
    const healthy = await Promise.all(loadExample('app-metrics.yaml', args('canary')).map((m) => measure(m)));
    assert.deepEqual(healthy.map((m) => m.phase), ['Successful', 'Successful'], JSON.stringify(healthy));
    const [errors] = await Promise.all(loadExample('app-metrics.yaml', args('canary-bad')).map((m) => measure(m)));
    assert.equal(errors?.phase, 'Failed', errors?.message);
  });

  it('a canary that turns bad at runtime fails within the window', async () => {
    app?.setBehavior('canary', { errorRatio: 0.5 });
    const failed = await waitFor(
      'the canary to measure Failed',
      async () => {
        const m = await measure(metric(errorRate('canary'), 'result[0] < 0.05', guard('canary')));
        return m.phase === 'Failed' ? m : undefined;
      },
      15_000,
      500,
    );
    assert.match(failed.message ?? '', /successCondition not met/);
  });

  it('Prometheus stopped mid-test: Error', async () => {
    const url = prom?.url ?? '';
    await prom?.stop();
    const m = await measure(metric(errorRate('canary'), 'result[0] < 0.05'));
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, `prometheus unreachable at ${url}: ECONNREFUSED`);
  });
});
