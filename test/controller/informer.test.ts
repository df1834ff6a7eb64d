import assert from 'node:assert/strict';
import { CoreV1Api, PatchStrategy, setHeaderOptions, type V1ConfigMap } from '@kubernetes/client-node';
import { RealClock } from '../../src/clock/index.js';
import { ApiClients, Indexers, Informer, Resources } from '../../src/controller/index.js';
import type { LocalCluster } from '../../src/local/index.js';
import { cluster, eventually } from './helpers.js';

describe('controller/informer (local cluster)', function () {
  this.timeout(30_000);
  let c: LocalCluster;
  let core: CoreV1Api;
  let clients: ApiClients;
  const clock = new RealClock();
  const ns = 'default';

  const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): V1ConfigMap => ({
    metadata: { name, namespace: ns, labels },
    data,
  });
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const names = (inf: Informer<V1ConfigMap>): string[] => inf.list(ns).map((o) => o.metadata?.name ?? '').sort();

  before(async () => {
    c = await cluster();
    clients = new ApiClients({ kubeConfig: c.kubeConfig, clock, qps: 0 });
    core = clients.make(CoreV1Api);
  });
  after(async () => {
    await c?.stop();
  });
  afterEach(async () => {
    c.faults.reset();
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns });
  });

  it('lists, watches, and emits add/update/delete', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: cm('a', { v: '1' }) });
    const inf = new Informer<V1ConfigMap>({ clients, clock, resource: Resources.configMaps, namespace: ns });
    const events: string[] = [];
    inf.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    inf.on('update', (o, old) => events.push(`update ${o.metadata?.name} ${old?.data?.['v']}->${o.data?.['v']}`));
    inf.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    inf.start();
    try {
      await inf.waitForSync();
      assert.ok(inf.hasSynced());
      assert.equal(inf.get(ns, 'a')?.data?.['v'], '1');
      assert.equal(inf.get(ns, 'a')?.kind, 'ConfigMap', 'list items get their kind');
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('b', { v: '1' }) });
      await core.patchNamespacedConfigMap({ name: 'a', namespace: ns, body: { data: { v: '2' } } }, mergePatch);
      await core.deleteNamespacedConfigMap({ name: 'b', namespace: ns });
      await eventually(() => events.length >= 4, 5000, 'events');
      assert.deepEqual(events, ['add a', 'add b', 'update a 1->2', 'delete b']);
    } finally {
      await inf.stop();
    }
  });

  it('lists every page: a cache larger than one page is complete', async () => {
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: ns, body: cm(`p${i}`, { v: '1' }) });
    const inf = new Informer<V1ConfigMap>({ clients, clock, resource: Resources.configMaps, namespace: ns, pageSize: 2 });
    inf.start();
    try {
      await inf.waitForSync();
      assert.deepEqual(names(inf), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    } finally {
      await inf.stop();
    }
  });

  it('survives a cut watch: re-watches from its resourceVersion and misses nothing', async () => {
    const inf = new Informer<V1ConfigMap>({ clients, clock, resource: Resources.configMaps, namespace: ns, backoffBaseMs: 50 });
    inf.start();
    try {
      await inf.waitForSync();
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('x1', {}) });
      await eventually(() => inf.get(ns, 'x1') !== undefined);
      for (let i = 0; i < 3; i++) {
        const connected = inf.stats.connected;
        assert.equal(c.faults.cutWatches(), 1, 'the watch was open');
        await core.createNamespacedConfigMap({ namespace: ns, body: cm(`y${i}`, {}) });
        await eventually(() => inf.stats.connected > connected, 5000, 're-watch');
      }
      await core.deleteNamespacedConfigMap({ name: 'x1', namespace: ns });
      await eventually(() => names(inf).join() === 'y0,y1,y2', 5000, 'cache after cuts');
      assert.equal(inf.stats.lists, 1, 'no relist was needed');
    } finally {
      await inf.stop();
    }
  });

  it('relists after 410 Gone and ends with the right cache (deletes included)', async () => {
    for (const n of ['keep', 'change', 'drop']) await core.createNamespacedConfigMap({ namespace: ns, body: cm(n, { v: '1' }) });
    const inf = new Informer<V1ConfigMap>({ clients, clock, resource: Resources.configMaps, namespace: ns, backoffBaseMs: 100 });
    const deleted: string[] = [];
    inf.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    inf.start();
    try {
      await inf.waitForSync();
      // Watches fail while the world moves on and the history is compacted past the informer.
      c.faults.scope = { verbs: ['watch'], resources: ['configmaps'] };
      c.faults.errorRate = 1;
      c.faults.cutWatches();
      await core.patchNamespacedConfigMap({ name: 'change', namespace: ns, body: { data: { v: '2' } } }, mergePatch);
      await core.deleteNamespacedConfigMap({ name: 'drop', namespace: ns });
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('new', { v: '1' }) });
      c.store.compact();
      await eventually(() => inf.stats.errors >= 1, 5000, 'a failed watch');
      c.faults.reset();
      await eventually(() => names(inf).join() === 'change,keep,new', 10_000, 'cache after relist');
      assert.equal(inf.get(ns, 'change')?.data?.['v'], '2');
      assert.deepEqual(deleted, ['drop']);
      assert.ok(inf.stats.lists >= 2, `relisted (lists=${inf.stats.lists})`);
      // And it keeps watching after the relist.
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('later', {}) });
      await eventually(() => inf.get(ns, 'later') !== undefined, 5000, 'watch after relist');
    } finally {
      await inf.stop();
    }
  });

  it('restarts after the API fails entirely, and honours a label selector and indexes', async () => {
    const inf = new Informer<V1ConfigMap>({
      clients, clock, resource: Resources.configMaps, namespace: ns, labelSelector: 'sluice.dev/instance-id=a', backoffBaseMs: 50,
    });
    inf.addIndex('team', Indexers.byLabel('team'));
    c.faults.errorRate = 1; // the first list fails
    inf.start();
    try {
      await eventually(() => inf.stats.errors >= 2, 5000, 'failing lists');
      assert.equal(inf.hasSynced(), false);
      c.faults.reset();
      await inf.waitForSync();
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('mine', {}, { 'sluice.dev/instance-id': 'a', team: 'red' }) });
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('theirs', {}, { 'sluice.dev/instance-id': 'b', team: 'red' }) });
      await core.createNamespacedConfigMap({ namespace: ns, body: cm('unlabelled', {}) });
      await eventually(() => inf.get(ns, 'mine') !== undefined, 5000, 'labelled object');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(names(inf), ['mine']);
      assert.deepEqual(inf.byIndex('team', 'red').map((o) => o.metadata?.name), ['mine']);
    } finally {
      await inf.stop();
    }
  });
});
