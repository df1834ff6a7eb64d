/**
 * AnalysisRuns judged by a real Prometheus scraping the prom-client test app every second:
 * a healthy canary passes, one answering 20% errors fails, a version without traffic under a
 * `minSamples` guard is Inconclusive (never Successful), and stopping Prometheus mid-run turns
 * into Error measurements and a run that is not Successful. The controller runs in-process
 * against the local cluster with a time scale, so `interval: 5s` is half a second.
 */
import assert from 'node:assert/strict';
import { instantQuery, startPrometheus, waitFor, type PrometheusServer } from '../support/prometheus.js';
import { requireTool } from '../support/requires.js';
import { TestApp } from '../support/testapp/index.js';
import { eventually, startController, startEnv, stopEnv, type Env, type Obj } from './support.js';

const SCALE = 10;
const WINDOW = '5s';
const DONE = ['Successful', 'Failed', 'Error', 'Inconclusive'];
const gvr = { group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' };

/** An AnalysisTemplate-style metric on the app's own counters, with a traffic guard. */
function errorRate(address: string, extra: Obj = {}): Obj {
  return {
    name: 'error-rate',
    interval: '5s',
    count: 3,
    successCondition: 'result[0] < 0.05',
    failureCondition: 'result[0] >= 0.1',
    minSamples: { query: `sum(increase(http_requests_total{version="{{args.version}}"}[${WINDOW}]))`, min: 20 },
    provider: {
      prometheus: {
        address,
        timeout: 2,
        query: `sum(rate(http_requests_total{version="{{args.version}}",code=~"5.."}[${WINDOW}])) / sum(rate(http_requests_total{version="{{args.version}}"}[${WINDOW}]))`,
      },
    },
    ...extra,
  };
}

describe('e2e: AnalysisRuns against a real Prometheus', function () {
  this.timeout(45_000);
  let app: TestApp | undefined;
  let prom: PrometheusServer | undefined;
  let env: Env | undefined;

  before(async function () {
    this.timeout(45_000);
    const bin = requireTool(this, 'prometheus', 'prometheus');
    app = await TestApp.start(['canary', 'canary-bad', 'canary-idle'], { maxDurationMs: 60_000, maxRequests: 6000 });
    app.setBehavior('canary-bad', { errorRatio: 0.2 });
    for (const v of ['canary', 'canary-bad']) app.setRate(v, 40);
    [prom, env] = await Promise.all([startPrometheus({ binary: bin, targets: [app.metricsTarget] }), startEnv()]);
    await startController(env, SCALE);
    const url = prom.url;
    await waitFor('traffic in Prometheus', async () => {
      const r = await instantQuery(url, `count(sum by (version) (increase(http_requests_total{version=~"canary|canary-bad"}[${WINDOW}])) >= 40) == 2`);
      return r.length === 1 ? true : undefined;
    }, 30_000, 250);
  });
  after(async () => {
    await app?.close();
    await prom?.stop();
    if (env) await stopEnv(env);
  });

  async function run(name: string, version: string, metric: Obj): Promise<void> {
    const body = { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name }, spec: { args: [{ name: 'version', value: version }], metrics: [metric] } };
    await env!.custom.createNamespacedCustomObject({ ...gvr, body });
  }
  const get = async (name: string): Promise<Obj> => (await env!.custom.getNamespacedCustomObject({ ...gvr, name })) as Obj;
  const finished = (name: string): Promise<Obj> =>
    eventually(async () => {
      const r = await get(name);
      return DONE.includes(r.status?.phase) && r;
    }, `${name} finished`, 30_000);

  it('healthy canary -> Successful; 20% errors -> Failed; no traffic under minSamples -> Inconclusive', async () => {
    await run('prom-healthy', 'canary', errorRate(prom!.url));
    await run('prom-errors', 'canary-bad', errorRate(prom!.url));
    await run('prom-idle', 'canary-idle', errorRate(prom!.url));
    const [ok, bad, idle] = await Promise.all(['prom-healthy', 'prom-errors', 'prom-idle'].map(finished));
    assert.equal(ok!.status.phase, 'Successful', ok!.status.message);
    assert.equal(ok!.status.metricResults[0].count, 3);
    assert.equal(bad!.status.phase, 'Failed', bad!.status.message);
    const v = Number(/[\d.]+/.exec(bad!.status.metricResults[0].measurements[0].value)?.[0]);
    assert.ok(v > 0.15 && v < 0.25, `error ratio ${v} near 0.2`);
    assert.equal(idle!.status.phase, 'Inconclusive', idle!.status.message);
    assert.match(idle!.status.message, /not enough traffic: 0 requests < 20/);
  });

  it('Prometheus stopped mid-run: Error measurements, then a run that is not Successful', async () => {
    await run('prom-outage', 'canary', errorRate(prom!.url, { count: undefined, consecutiveErrorLimit: 2 }));
    await eventually(async () => (await get('prom-outage')).status?.metricResults?.[0]?.successful >= 2, 'two good measurements', 20_000);
    await prom!.stop();
    const r = await finished('prom-outage');
    assert.notEqual(r.status.phase, 'Successful');
    assert.equal(r.status.phase, 'Error');
    const res = r.status.metricResults[0];
    assert.ok(res.successful >= 2);
    assert.equal(res.consecutiveError, 3);
    const errs = res.measurements.filter((m: Obj) => m.phase === 'Error');
    assert.equal(errs.length, 3);
    for (const m of errs) assert.match(m.message, /prometheus unreachable at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.status.message, /metric "error-rate": 3 consecutive errors, more than consecutiveErrorLimit 2; last: .*unreachable/);
  });
});
