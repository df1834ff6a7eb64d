import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { FakeClock, RealClock } from '../../src/clock/index.js';
import {
  ApiClients, ConflictError, Manager, MetricNames, Resources, StartupError, StopReasons, checkCluster, loadKubeConfig, type Controller,
} from '../../src/controller/index.js';
import type { LocalCluster } from '../../src/local/index.js';
import { cluster, eventually } from './helpers.js';

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function get(port: number | undefined, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('controller/manager (local cluster)', function () {
  this.timeout(30_000);
  let c: LocalCluster;
  const clock = new RealClock();

  before(async () => {
    c = await cluster({ crds: true });
  });
  after(async () => {
    await c?.stop();
  });

  it('serves /healthz, /readyz and /metrics with queue, reconcile and API request metrics', async () => {
    const core = new ApiClients({ kubeConfig: c.kubeConfig, clock, qps: 0 }).make(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'm1' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'm2' } } });
    let calls = 0;
    const m = new Manager({
      kubeConfig: c.kubeConfig,
      clock,
      metricsPort: 0,
      healthPort: 0,
      timeScale: 60,
      leaderElection: { enabled: false },
      setups: [
        (ctx): Controller => ({
          name: 'demo',
          watches: [{ informer: ctx.informer(Resources.configMaps) }],
          reconcile: async (key) => {
            calls++;
            if (key === 'default/m2' && calls < 4) throw new ConflictError('stale', 409, 'Conflict');
            if (key === 'default/m1' && calls === 1) throw new Error('transient');
            return { requeueAfter: ctx.scaled(3_600_000) };
          },
        }),
      ],
    });
    assert.equal(m.scaled(60_000), 1000, 'timeScale divides durations');
    const stop = new AbortController();
    const run = m.start(stop.signal);
    try {
      await eventually(() => m.endpoints !== undefined, 5000, 'endpoints');
      const { healthPort, metricsPort } = m.endpoints ?? {};
      assert.notEqual(healthPort, metricsPort, 'two ports');
      assert.equal((await get(healthPort, '/healthz')).status, 200);
      await eventually(async () => (await get(healthPort, '/readyz')).status === 200, 5000, 'ready');
      await eventually(() => calls >= 4, 5000, 'reconciles');
      const metrics = (await get(metricsPort, '/metrics')).body;
      assert.match(metrics, new RegExp(`${MetricNames.queueDepth}\\{controller="demo"\\} 0`));
      assert.match(metrics, /sluice_reconcile_duration_seconds_count\{controller="demo",result="requeue"\} [1-9]/);
      assert.match(metrics, /sluice_reconcile_duration_seconds_count\{controller="demo",result="conflict"\} [1-9]/);
      assert.match(metrics, /sluice_reconcile_errors_total\{controller="demo"\} 1/);
      assert.match(metrics, /sluice_api_requests_total\{verb="GET",code="200"\} [1-9]/);
      assert.match(metrics, /sluice_api_requests_total\{verb="WATCH",code="200"\} [1-9]/);
      assert.equal((await get(metricsPort, '/healthz')).status, 404, 'health is on its own port');
    } finally {
      stop.abort();
    }
    assert.equal(await run, StopReasons.shutdown);
    await assert.rejects(get(m.endpoints?.healthPort, '/healthz'), 'servers closed');
  });

  it('serves everything on one port when the ports are equal', async () => {
    const port = await freePort();
    const m = new Manager({ kubeConfig: c.kubeConfig, clock, metricsPort: port, healthPort: port, leaderElection: { enabled: false } });
    const stop = new AbortController();
    const run = m.start(stop.signal);
    try {
      await eventually(() => m.endpoints !== undefined, 5000, 'endpoints');
      assert.equal((await get(port, '/healthz')).status, 200);
      assert.equal((await get(port, '/readyz')).status, 200);
      assert.match((await get(port, '/metrics')).body, /sluice_leader 1/);
    } finally {
      stop.abort();
    }
    await run;
  });

  it('a port in use is a StartupError naming the flag', async () => {
    const first = new Manager({ kubeConfig: c.kubeConfig, clock, metricsPort: 0, healthPort: -1, leaderElection: { enabled: false }, checkCluster: false });
    const stop = new AbortController();
    const run = first.start(stop.signal);
    try {
      await eventually(() => first.endpoints !== undefined, 5000, 'endpoints');
      const port = first.endpoints?.metricsPort ?? 0;
      const second = new Manager({ kubeConfig: c.kubeConfig, clock, metricsPort: port, healthPort: -1, leaderElection: { enabled: false }, checkCluster: false });
      const err = await second.start(new AbortController().signal).catch((e: unknown) => e);
      assert.ok(err instanceof StartupError);
      assert.equal(err.message, `cannot listen on port ${port} (EADDRINUSE): choose another with --metrics-port`);
    } finally {
      stop.abort();
    }
    await run;
  });

  it('graceful shutdown aborts in-flight reconciles and releases the lease', async () => {
    const core = new ApiClients({ kubeConfig: c.kubeConfig, clock, qps: 0 }).make(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'slow' } } });
    let abortedWith: unknown;
    const m = new Manager({
      kubeConfig: c.kubeConfig,
      clock,
      metricsPort: -1,
      healthPort: -1,
      leaderElection: { identity: 'graceful', leaseName: 'graceful', leaseNamespace: 'default', leaseDurationMs: 15_000, retryPeriodMs: 100 },
      setups: [
        (ctx): Controller => ({
          name: 'slow',
          watches: [{ informer: ctx.informer(Resources.configMaps) }],
          reconcile: (_k, signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(void (abortedWith = signal.reason)))),
        }),
      ],
    });
    const stop = new AbortController();
    const run = m.start(stop.signal);
    await eventually(() => m.isLeader(), 5000, 'leads');
    await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    assert.equal(await run, StopReasons.shutdown);
    assert.ok(abortedWith instanceof Error, 'in-flight reconcile saw the abort');
    const lease = await new ApiClients({ kubeConfig: c.kubeConfig, clock }).make((await import('@kubernetes/client-node')).CoordinationV1Api)
      .readNamespacedLease({ name: 'graceful', namespace: 'default' });
    assert.equal(lease.spec?.holderIdentity ?? '', '');
  });

  it('startup: a missing CRD and an unreachable API are one clear StartupError each', async () => {
    const bare = await cluster();
    try {
      const err = await checkCluster(new ApiClients({ kubeConfig: bare.kubeConfig, clock }), clock).catch((e: unknown) => e);
      assert.ok(err instanceof StartupError);
      assert.match(err.message, /rollouts\.sluice\.dev is not installed.*kubectl apply -f crds\//);
      assert.doesNotMatch(err.message, /\n/);
    } finally {
      await bare.stop();
    }
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'x', server: 'http://127.0.0.1:1', skipTLSVerify: true }, { name: 'u' });
    const err = await checkCluster(new ApiClients({ kubeConfig: kc, clock }), clock).catch((e: unknown) => e);
    assert.ok(err instanceof StartupError);
    assert.match(err.message, /^cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check --kubeconfig/);
  });

  it('startup: kubeconfig selection and bad kubeconfigs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-kc-'));
    assert.throws(() => loadKubeConfig(join(dir, 'nope')), (e: unknown) => e instanceof StartupError && /does not exist: pass --kubeconfig/.test(e.message));
    writeFileSync(join(dir, 'garbage'), ': : :\n\t- [');
    assert.throws(() => loadKubeConfig(join(dir, 'garbage')), (e: unknown) => e instanceof StartupError && /cannot load the kubeconfig/.test(e.message));
    writeFileSync(join(dir, 'empty'), 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    assert.throws(() => loadKubeConfig(join(dir, 'empty')), (e: unknown) => e instanceof StartupError && /no current context/.test(e.message));
    assert.throws(() => loadKubeConfig(undefined, { env: {}, home: dir }), (e: unknown) => e instanceof StartupError && /no kubeconfig found/.test(e.message));
    const good = join(dir, 'good');
    writeFileSync(good, c.kubeconfigYaml());
    assert.equal(loadKubeConfig(undefined, { env: { KUBECONFIG: good }, home: dir }).getCurrentCluster()?.server, c.url);
  });

  it('API calls take an AbortSignal through clients.options(signal)', async () => {
    const clients = new ApiClients({ kubeConfig: c.kubeConfig, clock, qps: 0 });
    const core = clients.make(CoreV1Api);
    c.faults.latencyMs = 5000;
    try {
      const ctl = new AbortController();
      const t0 = performance.now();
      const call = core.listNamespacedConfigMap({ namespace: 'default' }, clients.options(ctl.signal));
      setTimeout(() => ctl.abort(), 50);
      await assert.rejects(call, (e: unknown) => (e as Error).name === 'AbortError');
      assert.ok(performance.now() - t0 < 2000, 'aborted promptly');
    } finally {
      c.faults.reset();
    }
  });

  it('the API rate limiter (qps/burst) spaces requests through the clock', async () => {
    const fake = new FakeClock();
    const clients = new ApiClients({ kubeConfig: c.kubeConfig, clock: fake, qps: 10, burst: 2 });
    let done = 0;
    const takes = Array.from({ length: 4 }, () => clients.limiter.take().then(() => done++));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, 2, 'the burst goes at once');
    await fake.advanceAsync(100);
    await new Promise((r) => setImmediate(r));
    assert.equal(done, 3, 'then one per 1/qps');
    await fake.advanceAsync(100);
    await Promise.all(takes);
    assert.equal(done, 4);
  });
});
