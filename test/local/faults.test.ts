// Fault injection, seen through the real client.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { failure, rawRequest, useCluster } from './support/cluster.js';

describe('local cluster: fault injection', () => {
  const cluster = useCluster();
  const core = (): CoreV1Api => cluster().kubeConfig.makeApiClient(CoreV1Api);
  afterEach(() => cluster().faults.reset());

  it('adds latency to resource requests', async () => {
    cluster().faults.latencyMs = 150;
    const t0 = performance.now();
    await core().listNamespacedConfigMap({ namespace: 'default' });
    assert.ok(performance.now() - t0 >= 140);
  });

  it('answers a fraction of requests with 500 InternalError', async () => {
    cluster().faults.errorRate = 1;
    const f = await failure(core().listNamespacedConfigMap({ namespace: 'default' }));
    assert.equal(f.code, 500);
    assert.equal(f.status.reason, 'InternalError');
    const health = await rawRequest(cluster().kubeConfig, 'GET', '/readyz');
    assert.equal(health.status, 200);
  });

  it('answers 429 with Retry-After', async () => {
    cluster().faults.throttleRate = 1;
    cluster().faults.retryAfterSeconds = 3;
    const r = await rawRequest(cluster().kubeConfig, 'GET', '/api/v1/namespaces/default/configmaps');
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '3');
    assert.equal((r.json() as { reason: string }).reason, 'TooManyRequests');
  });

  it('answers a fraction of writes with 409, leaving reads alone', async () => {
    cluster().faults.conflictRate = 1;
    await core().listNamespacedConfigMap({ namespace: 'default' });
    const f = await failure(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c409' } } }));
    assert.equal(f.code, 409);
    assert.equal(f.status.reason, 'Conflict');
    cluster().faults.reset();
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'c409' } } });
  });

  it('can be scoped to verbs and resources', async () => {
    cluster().faults.errorRate = 1;
    cluster().faults.scope = { verbs: ['create'], resources: ['secrets'] };
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'scoped' } } });
    await core().listNamespacedSecret({ namespace: 'default' });
    assert.equal((await failure(core().createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' } } }))).code, 500);
  });

  it('cuts every open watch stream on demand', async () => {
    let ended = 0;
    const watches = await Promise.all(
      [0, 1].map(() => new Watch(cluster().kubeConfig).watch('/api/v1/namespaces/default/configmaps', {}, () => undefined, () => void ended++)),
    );
    const { setTimeout: delay } = await import('node:timers/promises');
    await delay(50);
    assert.equal(cluster().faults.cutWatches(), 2);
    for (let i = 0; i < 100 && ended < 2; i++) await delay(10);
    assert.equal(ended, 2);
    for (const w of watches) w.abort();
  });
});
