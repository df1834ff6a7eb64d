/**
 * The AnalysisRun controller end to end: runs created by hand against the local cluster (real
 * @kubernetes/client-node), measured against a fake Prometheus query API, with the controller's
 * time scale so minute intervals pass in fractions of a second. Timing is never asserted; the
 * schedule is checked by what the status records (never early, never more than `count`).
 */
import assert from 'node:assert/strict';
import { FakePrometheus } from '../analysis/fake-prometheus.js';
import { canaryRollout, createRollout, eventually, getRollout, setImage, startController, startEnv, stopEnv, type Env, type Obj } from './support.js';

const SCALE = 100;
const DONE = ['Successful', 'Failed', 'Error', 'Inconclusive'];
const gvr = { group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' };

describe('e2e: AnalysisRuns created by hand', function () {
  this.timeout(30_000);
  let env: Env;
  let prom: FakePrometheus;

  before(async () => {
    prom = await new FakePrometheus().start();
    env = await startEnv();
    await startController(env, SCALE);
  });
  after(async () => {
    await stopEnv(env);
    await prom.close();
  });

  const metric = (name: string, query: string, extra: Obj = {}): Obj => ({
    name,
    successCondition: 'result[0] < 0.05',
    provider: { prometheus: { address: prom.url, query } },
    ...extra,
  });
  async function create(name: string, spec: Obj, metadata: Obj = {}): Promise<void> {
    await env.custom.createNamespacedCustomObject({ ...gvr, body: { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name, ...metadata }, spec } });
  }
  const get = async (name: string): Promise<Obj> => (await env.custom.getNamespacedCustomObject({ ...gvr, name })) as Obj;
  const finished = (name: string): Promise<Obj> => eventually(async () => {
    const r = await get(name);
    return DONE.includes(r.status?.phase) && r;
  }, `${name} finished`);
  async function events(name: string): Promise<Obj[]> {
    const list = (await env.core.listNamespacedEvent({ namespace: 'default' })).items;
    return list.filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'AnalysisRun') as Obj[];
  }

  it('count, interval and initialDelay: measures on the grid, keeps every field, ends Successful', async () => {
    prom.on('healthy', 0.01);
    await create('healthy', { metrics: [metric('error-rate', 'healthy', { count: 3, interval: '10s', initialDelay: '5s' })] });
    const r = await finished('healthy');
    assert.equal(r.status.phase, 'Successful', r.status.message);
    const res = r.status.metricResults[0];
    assert.equal(res.count, 3);
    assert.equal(res.successful, 3);
    assert.equal(res.measurements.length, 3);
    const start = Date.parse(r.status.startedAt);
    res.measurements.forEach((m: Obj, k: number) => {
      assert.equal(m.phase, 'Successful');
      assert.equal(m.value, '[0.01]');
      const due = start + (5_000 + k * 10_000) / SCALE;
      assert.equal(m.metadata['sluice.dev/due-at'], new Date(due).toISOString(), `measurement ${k} is for slot anchor + ${k}*interval`);
      assert.ok(Date.parse(m.startedAt) >= due, `measurement ${k} not before its due time`);
      assert.ok(Date.parse(m.finishedAt) >= Date.parse(m.startedAt), 'finishedAt after startedAt');
    });
    assert.equal(prom.calls.get('healthy'), 3, 'no extra queries');
    const reasons = (await eventually(async () => {
      const ev = await events('healthy');
      return ev.some((e) => e.reason === 'AnalysisRunSuccessful') && ev;
    }, 'events')).map((e) => e.reason);
    assert.ok(reasons.includes('AnalysisRunRunning'), reasons.join(','));
  });

  it('a canary answering 20% errors fails, and the message names the metric and the value', async () => {
    prom.on('bad', 0.2);
    await create('failing', { metrics: [metric('error-rate', 'bad', { count: 3, interval: '10s' })] });
    const r = await finished('failing');
    assert.equal(r.status.phase, 'Failed');
    assert.match(r.status.message, /metric "error-rate": 1 failed measurement/);
    assert.equal(r.status.metricResults[0].count, 1, 'stops at the first failure past failureLimit 0');
    const ev = await eventually(async () => (await events('failing')).find((e) => e.reason === 'AnalysisRunFailed'), 'Failed event');
    assert.equal(ev.type, 'Warning');
  });

  it('interval without count runs until terminate; then Successful only if what it has passes', async () => {
    prom.on('steady', 0.0);
    prom.on('flaky', (n) => (n < 2 ? 0.0 : { status: 503 }));
    await create('open-ended', { metrics: [metric('m', 'steady', { interval: '10s' })] });
    await create('open-ended-errors', { metrics: [metric('m', 'flaky', { interval: '10s' })] });
    for (const name of ['open-ended', 'open-ended-errors']) {
      await eventually(async () => (await get(name)).status?.metricResults?.[0]?.count >= 3, `${name} has 3 measurements`);
      assert.equal((await get(name)).status.phase, 'Running');
      await env.custom.patchNamespacedCustomObject({ ...gvr, name, body: [{ op: 'add', path: '/spec/terminate', value: true }] });
    }
    const ok = await finished('open-ended');
    assert.equal(ok.status.phase, 'Successful', ok.status.message);
    const bad = await finished('open-ended-errors');
    assert.notEqual(bad.status.phase, 'Successful', 'errors never turn into success');
    assert.equal(bad.status.phase, 'Error');
    assert.match(bad.status.message, /metric "m"/);
  });

  it('args: a literal, a Secret of the namespace and a fieldRef, in query, address and conditions', async () => {
    await env.core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'prom-args' }, data: { job: Buffer.from('s3cret-job').toString('base64') } } });
    const q = 'rate{svc="checkout",job="s3cret-job",run="args"}';
    prom.on(q, 0.02);
    await create(
      'args',
      {
        args: [
          { name: 'svc', value: 'checkout' },
          { name: 'limit', value: '0.05' },
          { name: 'address', value: prom.url },
          { name: 'job', valueFrom: { secretKeyRef: { name: 'prom-args', key: 'job' } } },
          { name: 'run', valueFrom: { fieldRef: { fieldPath: "metadata.labels['run']" } } },
        ],
        metrics: [
          {
            name: 'm',
            successCondition: 'result[0] < {{args.limit}}',
            provider: { prometheus: { address: '{{ args.address }}', query: 'rate{svc="{{args.svc}}",job="{{args.job}}",run="{{args.run}}"}' } },
          },
        ],
      },
      { labels: { run: 'args' } },
    );
    const r = await finished('args');
    assert.equal(r.status.phase, 'Successful', r.status.message);
    assert.equal(prom.calls.get(q), 1);
    const meta = r.status.metricResults[0].measurements[0].metadata;
    assert.equal(meta.ResolvedPrometheusQuery, 'rate{svc="checkout",job="***",run="args"}', 'the Secret value is masked');
  });

  it('a Secret the API cannot serve for now is retried, not bad input', async () => {
    await env.core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'flaky-secret' }, data: { v: Buffer.from('0.05').toString('base64') } } });
    prom.on('flaky-secret', 0.0);
    let failed = 0;
    const random = env.cluster.faults.random;
    Object.assign(env.cluster.faults, { errorRate: 1, scope: { verbs: ['get'], resources: ['secrets'] }, random: () => (failed++, 0) });
    try {
      await create('secret-retry', { args: [{ name: 'limit', valueFrom: { secretKeyRef: { name: 'flaky-secret', key: 'v' } } }], metrics: [metric('m', 'flaky-secret', { successCondition: 'result[0] < {{args.limit}}' })] });
      await eventually(async () => failed >= 3, 'three failed Secret reads');
      assert.equal((await get('secret-retry')).status?.phase, undefined, 'no verdict while the Secret cannot be read');
    } finally {
      env.cluster.faults.reset();
      env.cluster.faults.random = random;
    }
    assert.equal((await finished('secret-retry')).status.phase, 'Successful');
  });

  it('resumes from status after a controller restart: no slot measured twice, count kept', async () => {
    prom.on('restart', 0.0);
    await create('restart', { metrics: [metric('m', 'restart', { count: 6, interval: '10s' })] });
    await eventually(async () => (await get('restart')).status?.metricResults?.[0]?.count >= 2, 'two measurements');
    await env.stopManager?.();
    // Let the run fall more than an interval behind while no controller runs.
    await new Promise((r) => setTimeout(r, 300));
    await startController(env, SCALE);
    const r = await finished('restart');
    const res = r.status.metricResults[0];
    assert.equal(r.status.phase, 'Successful', r.status.message);
    assert.equal(res.count, 6);
    assert.equal(prom.calls.get('restart'), 6, 'one query per measurement, none repeated');
    const due = res.measurements.map((m: Obj) => Date.parse(m.metadata['sluice.dev/due-at']));
    for (let i = 1; i < due.length; i++) assert.ok(due[i] > due[i - 1], `slots strictly increase: ${due.join(', ')}`);
  });

  it('measurementRetention keeps the last N measurements; counters keep counting', async () => {
    prom.on('kept', 0.0);
    await create('retention', { metrics: [metric('m', 'kept', { count: 5, interval: '5s' })], measurementRetention: [{ metricName: 'm', limit: 2 }] });
    const r = await finished('retention');
    const res = r.status.metricResults[0];
    assert.equal(r.status.phase, 'Successful');
    assert.equal(res.count, 5);
    assert.equal(res.measurements.length, 2);
    for (const m of res.measurements) for (const f of ['phase', 'value', 'startedAt', 'finishedAt']) assert.ok(m[f], `measurement has ${f}`);
  });

  it('a Rollout whose bake analysis fails aborts, through the same engine', async () => {
    prom.on('canary-errors', 0.3);
    const template = {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'error-rate' },
      spec: { args: [{ name: 'query' }], metrics: [metric('error-rate', '{{args.query}}', { interval: '10s', count: 3 })] },
    };
    await env.custom.createNamespacedCustomObject({ ...gvr, plural: 'analysistemplates', body: template });
    const bake = { bake: { duration: '1m', analysis: { templates: [{ templateName: 'error-rate' }], args: [{ name: 'query', value: 'canary-errors' }] } } };
    await createRollout(env, canaryRollout('baked', [{ setWeight: 25 }, bake, { setWeight: 100 }]));
    await eventually(async () => (await getRollout(env, 'baked')).status?.phase === 'Healthy', 'first revision Healthy');
    await setImage(env, 'baked', 'app:v2');
    const ro = await eventually(async () => {
      const r = await getRollout(env, 'baked');
      return r.status?.abort === true && r.status?.phase === 'Degraded' && r;
    }, 'rollout aborted');
    const runs = (await env.custom.listNamespacedCustomObject({ ...gvr })) as { items: Obj[] };
    const run = runs.items.find((r) => r.metadata.ownerReferences?.some((o: Obj) => o.name === 'baked'));
    assert.ok(run, 'the Rollout started an AnalysisRun');
    assert.equal(run.status.phase, 'Failed');
    assert.match(JSON.stringify(ro.status), /error-rate/);
  });

  describe('bad input goes to Error with a message naming the field; other runs keep going', () => {
    const cases: Record<string, { spec: () => Obj; message: RegExp }> = {
      'a condition that does not parse': {
        spec: () => ({ metrics: [metric('m', 'x', { successCondition: 'result[0] <' })] }),
        message: /spec\.metrics\[0\] \(m\): successCondition: /,
      },
      'a Secret that does not exist': {
        spec: () => ({ args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }], metrics: [metric('m', 'x{t="{{args.token}}"}')] }),
        message: /^spec\.args: Secret "nope" not found in namespace default$/,
      },
      'a wrong type in args (count is not a number)': {
        spec: () => ({ args: [{ name: 'n', value: 'three' }], metrics: [metric('m', 'x', { count: '{{args.n}}', interval: '10s' })] }),
        message: /spec\.metrics\[0\] \(m\)\.count: must be an integer.*"three"/,
      },
      'a wrong type in args (interval is not a duration)': {
        spec: () => ({ args: [{ name: 'i', value: 'often' }], metrics: [metric('m', 'x', { count: 2, interval: '{{args.i}}' })] }),
        message: /spec\.metrics\[0\] \(m\)\.interval/,
      },
      'an argument that is never given': {
        spec: () => ({ args: [{ name: 'svc' }], metrics: [metric('m', 'x{s="{{args.svc}}"}')] }),
        message: /spec\.args: argument 'svc' has no value/,
      },
      'a query Prometheus rejects': {
        spec: () => ({ metrics: [metric('m', 'sum(', { consecutiveErrorLimit: 0 })] }),
        message: /metric "m": .*bad_data.*parse error/,
      },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, async () => {
        prom.on('sum(', { error: '1:5: parse error: unclosed left parenthesis' });
        const id = `bad-${name.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 60);
        await create(id, tc.spec());
        prom.on('alongside', 0.0);
        await create(`${id}-ok`, { metrics: [metric('m', 'alongside')] });
        const r = await finished(id);
        assert.equal(r.status.phase, 'Error');
        assert.match(r.status.message, tc.message);
        const ev = await eventually(async () => (await events(id)).find((e) => e.reason === 'AnalysisRunError'), 'Error event');
        assert.match(ev.message, tc.message);
        assert.equal((await finished(`${id}-ok`)).status.phase, 'Successful');
      });
    }
  });
});
