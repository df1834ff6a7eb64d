// Lists (selectors, pagination, continue expiry) and watches (resourceVersion replay,
// synthetic ADDED, bookmarks, 410 Gone, timeoutSeconds, scopes) through the real client.
import assert from 'node:assert/strict';
import { CoreV1Api, makeInformer, Watch, type KubernetesObject, type V1ConfigMap } from '@kubernetes/client-node';
import { eventually, failure, useCluster } from './support/cluster.js';

interface Seen {
  events: Array<{ type: string; name: string; obj: KubernetesObject & Record<string, unknown> }>;
  done: Promise<unknown>;
  stop(): void;
}

describe('local cluster: list and watch', () => {
  const cluster = useCluster({ bookmarkIntervalMs: 100 });
  const core = (): CoreV1Api => cluster().kubeConfig.makeApiClient(CoreV1Api);
  const mk = (namespace: string, name: string, labels?: Record<string, string>): Promise<V1ConfigMap> =>
    core().createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });

  async function watch(path: string, query: Record<string, string | number | boolean | undefined>): Promise<Seen> {
    const events: Seen['events'] = [];
    let resolveDone: (v: unknown) => void = () => undefined;
    const done = new Promise((r) => (resolveDone = r));
    const ctl = await new Watch(cluster().kubeConfig).watch(
      path,
      query,
      (type, obj: KubernetesObject & Record<string, unknown>) => events.push({ type, name: obj.metadata?.name ?? '', obj }),
      (err) => resolveDone(err ?? 'closed'),
    );
    return { events, done, stop: () => ctl.abort() };
  }

  before(async () => {
    await core().createNamespace({ body: { metadata: { name: 'lw' } } });
    await core().createNamespace({ body: { metadata: { name: 'lw2' } } });
  });

  it('filters with every label selector operator', async () => {
    await mk('lw', 'l1', { tier: 'web', env: 'prod' });
    await mk('lw', 'l2', { tier: 'db', env: 'prod' });
    await mk('lw', 'l3', { tier: 'web' });
    const names = async (labelSelector: string): Promise<string[]> =>
      (await core().listNamespacedConfigMap({ namespace: 'lw', labelSelector })).items.map((c) => c.metadata?.name ?? '').sort();
    assert.deepEqual(await names('tier=web'), ['l1', 'l3']);
    assert.deepEqual(await names('tier==db'), ['l2']);
    assert.deepEqual(await names('tier!=web'), ['l2']);
    assert.deepEqual(await names('tier in (db, web),env'), ['l1', 'l2']);
    assert.deepEqual(await names('tier notin (web)'), ['l2']);
    assert.deepEqual(await names('tier,!env'), ['l3']);
    assert.equal((await failure(core().listNamespacedConfigMap({ namespace: 'lw', labelSelector: 'a in b' }))).code, 400);
  });

  it('filters with field selectors and rejects unsupported fields', async () => {
    const byName = await core().listNamespacedConfigMap({ namespace: 'lw', fieldSelector: 'metadata.name=l2' });
    assert.deepEqual(byName.items.map((c) => c.metadata?.name), ['l2']);
    const all = await core().listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=lw,metadata.name!=l1' });
    assert.deepEqual(all.items.map((c) => c.metadata?.name).sort(), ['l2', 'l3']);
    await core().createNamespacedEvent({ namespace: 'lw', body: { metadata: { name: 'e1' }, involvedObject: { kind: 'Pod', name: 'p1' }, reason: 'A' } });
    await core().createNamespacedEvent({ namespace: 'lw', body: { metadata: { name: 'e2' }, involvedObject: { kind: 'Pod', name: 'p2' }, reason: 'B' } });
    const evs = await core().listNamespacedEvent({ namespace: 'lw', fieldSelector: 'involvedObject.name=p2' });
    assert.deepEqual(evs.items.map((e) => e.metadata?.name), ['e2']);
    await core().createNamespacedPod({ namespace: 'lw', body: { metadata: { name: 'pp' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    assert.equal((await core().listNamespacedPod({ namespace: 'lw', fieldSelector: 'status.phase=Pending' })).items.length, 1);
    const f = await failure(core().listNamespacedConfigMap({ namespace: 'lw', fieldSelector: 'data.x=1' }));
    assert.equal(f.code, 400);
    assert.equal(f.status.message, 'field label not supported: data.x');
  });

  it('pages with limit and continue, and an expired continue token is 410', async () => {
    await core().createNamespace({ body: { metadata: { name: 'pages' } } });
    for (let i = 0; i < 25; i++) await mk('pages', `p${String(i).padStart(2, '0')}`);
    const p1 = await core().listNamespacedConfigMap({ namespace: 'pages', limit: 10 });
    assert.equal(p1.items.length, 10);
    assert.equal(p1.metadata?.remainingItemCount, 15);
    const p2 = await core().listNamespacedConfigMap({ namespace: 'pages', limit: 10, _continue: p1.metadata?._continue });
    const p3 = await core().listNamespacedConfigMap({ namespace: 'pages', limit: 10, _continue: p2.metadata?._continue });
    assert.equal(p3.items.length, 5);
    assert.equal(p3.metadata?._continue, undefined);
    const names = [...p1.items, ...p2.items, ...p3.items].map((c) => c.metadata?.name);
    assert.equal(new Set(names).size, 25);
    assert.equal(p2.metadata?.resourceVersion, p1.metadata?.resourceVersion);
    await mk('pages', 'later');
    cluster().faults.compact();
    const f = await failure(core().listNamespacedConfigMap({ namespace: 'pages', limit: 10, _continue: p1.metadata?._continue }));
    assert.equal(f.code, 410);
    assert.equal(f.status.reason, 'Expired');
  });

  it('replays events after a resourceVersion, in order', async () => {
    const a = await mk('lw2', 'w-a');
    await mk('lw2', 'w-b');
    await core().deleteNamespacedConfigMap({ name: 'w-a', namespace: 'lw2' });
    const w = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: a.metadata?.resourceVersion });
    await eventually(() => w.events.length >= 2, 3000, 'replayed events');
    w.stop();
    assert.deepEqual(w.events.map((e) => `${e.type} ${e.name}`), ['ADDED w-b', 'DELETED w-a']);
  });

  it('starts with synthetic ADDED events when resourceVersion is unset or 0', async () => {
    for (const rv of [undefined, '0']) {
      const current = (await core().listNamespacedConfigMap({ namespace: 'lw2' })).items.map((c) => `ADDED ${c.metadata?.name}`);
      const w = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: rv });
      await eventually(() => w.events.length >= current.length, 3000, 'initial events');
      await mk('lw2', `after-${rv ?? 'unset'}`);
      await eventually(() => w.events.length >= current.length + 1, 3000, 'live event');
      w.stop();
      assert.ok(current.includes('ADDED w-b'));
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.name}`).sort(), [...current, `ADDED after-${rv ?? 'unset'}`].sort());
    }
  });

  it('sends BOOKMARK events when allowed, with a current resourceVersion', async () => {
    const w = await watch('/api/v1/namespaces/lw2/configmaps', { allowWatchBookmarks: true, resourceVersion: '0' });
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK'), 3000, 'a bookmark');
    w.stop();
    const bm = w.events.find((e) => e.type === 'BOOKMARK');
    assert.ok(Number(bm?.obj.metadata?.resourceVersion) > 0);
    assert.equal(bm?.obj.kind, 'ConfigMap');
  });

  it('reports a compacted resourceVersion as an ERROR event carrying a 410 Status', async () => {
    const old = await mk('lw2', 'gone-1');
    await mk('lw2', 'gone-2');
    cluster().faults.compact();
    const w = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: old.metadata?.resourceVersion });
    await w.done;
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0]?.type, 'ERROR');
    assert.equal(w.events[0]?.obj['code'], 410);
    assert.equal(w.events[0]?.obj['reason'], 'Expired');
    assert.match(String(w.events[0]?.obj['message']), /^too old resource version: \d+ \(\d+\)$/);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const w = await watch('/api/v1/namespaces/lw2/configmaps', { timeoutSeconds: 1 });
    assert.equal(await w.done, 'closed');
  });

  it('scopes watches by namespace, all namespaces and name; selector changes show as ADDED/DELETED', async () => {
    const rv = (await core().listNamespacedConfigMap({ namespace: 'lw2' })).metadata?.resourceVersion;
    const ns = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: rv });
    const all = await watch('/api/v1/configmaps', { resourceVersion: rv });
    const one = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: rv, fieldSelector: 'metadata.name=target' });
    const sel = await watch('/api/v1/namespaces/lw2/configmaps', { resourceVersion: rv, labelSelector: 'pick=yes' });
    await mk('lw', 'elsewhere');
    const t = await mk('lw2', 'target', { pick: 'yes' });
    await core().replaceNamespacedConfigMap({ name: 'target', namespace: 'lw2', body: { ...t, metadata: { ...t.metadata, labels: { pick: 'no' } } } });
    await eventually(() => all.events.length >= 3 && sel.events.length >= 2, 3000, 'events');
    for (const w of [ns, all, one, sel]) w.stop();
    assert.deepEqual(ns.events.map((e) => `${e.type} ${e.name}`), ['ADDED target', 'MODIFIED target']);
    assert.deepEqual(all.events.map((e) => `${e.type} ${e.name}`), ['ADDED elsewhere', 'ADDED target', 'MODIFIED target']);
    assert.deepEqual(one.events.map((e) => `${e.type} ${e.name}`), ['ADDED target', 'MODIFIED target']);
    assert.deepEqual(sel.events.map((e) => `${e.type} ${e.name}`), ['ADDED target', 'DELETED target']);
  });

  it('feeds a client-node informer, which keeps up after its watch is cut and after a 410 (relist)', async () => {
    await core().createNamespace({ body: { metadata: { name: 'inf' } } });
    const informer = makeInformer(cluster().kubeConfig, '/api/v1/namespaces/inf/configmaps', () => core().listNamespacedConfigMap({ namespace: 'inf' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await mk('inf', 'before');
    await informer.start();
    await eventually(() => seen.includes('add before'), 3000, 'initial add');
    const c = await mk('inf', 'i1');
    await core().replaceNamespacedConfigMap({ name: 'i1', namespace: 'inf', body: { ...c, data: { a: '1' } } });
    await eventually(() => seen.includes('update i1'), 3000, 'update');
    assert.ok(cluster().faults.cutWatches() >= 1);
    await mk('inf', 'i2');
    await core().deleteNamespacedConfigMap({ name: 'before', namespace: 'inf' });
    await eventually(() => seen.includes('add i2') && seen.includes('delete before'), 5000, 'events after the cut');
    await mk('lw', 'unrelated-write');
    cluster().faults.compact();
    cluster().faults.cutWatches();
    await mk('inf', 'i3');
    await eventually(() => seen.includes('add i3'), 5000, 'events after a 410 and relist');
    await informer.stop();
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['i1', 'i2', 'i3']);
  });

  it('watch lag fault: events of the named resources arrive late and in order; writes answer at once', async () => {
    await core().createNamespace({ body: { metadata: { name: 'lag' } } });
    const seen = await watch('/api/v1/namespaces/lag/configmaps', { resourceVersion: '0' });
    const secrets = await watch('/api/v1/namespaces/lag/secrets', {});
    const f = cluster().faults;
    f.watchLagMs = 300;
    f.watchLagResources = ['configmaps'];
    try {
      const t0 = performance.now();
      for (const n of ['g1', 'g2', 'g3']) await mk('lag', n);
      await core().createNamespacedSecret({ namespace: 'lag', body: { metadata: { name: 's1' } } });
      const written = performance.now() - t0;
      assert.ok(written < 250, `writes answered without the lag (${written.toFixed(0)} ms)`);
      await eventually(() => secrets.events.length === 1, 250, 'the secret event, not lagged');
      assert.equal(seen.events.length, 0, 'no configmap event before the lag');
      await eventually(() => seen.events.length === 3, 2000, 'the configmap events after the lag');
      assert.ok(performance.now() - t0 >= 290);
      assert.deepEqual(seen.events.map((e) => `${e.type} ${e.name}`), ['ADDED g1', 'ADDED g2', 'ADDED g3']);
    } finally {
      f.reset();
      seen.stop();
      secrets.stop();
    }
  });
});
