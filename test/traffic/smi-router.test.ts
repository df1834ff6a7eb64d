import assert from 'node:assert/strict';
import { ConflictRetriesExhaustedError, createRouters, RouterConfigError, SmiRouter, type KubeObject, type TrafficRouter } from '../../src/traffic/index.js';
import { desiredTrafficSplit, withSplitWeights } from '../../src/traffic/smi/traffic-split.js';
import { conflictNextUpdates, create, read, signal, startBench, writesSince, type Bench } from './support.js';

const TS = 'split.smi-spec.io/v1alpha2';
type Split = { spec: { service: string; backends: Array<{ service: string; weight: number | string }> } };
const backends = (ts: KubeObject | undefined): Array<{ service: string; weight: number | string }> => (ts as unknown as Split).spec.backends;

describe('traffic/smi (pure)', () => {
  const ctx = { canaryService: 'reviews-canary', stableService: 'reviews-stable', rolloutName: 'reviews', rolloutUid: 'u1', namespace: 'shop', maxWeight: 100 } as Parameters<typeof desiredTrafficSplit>[2];
  const cases: Record<string, { apiVersion: string; w: number; want: Array<number | string> }> = {
    'v1alpha2 weight 0': { apiVersion: 'split.smi-spec.io/v1alpha2', w: 0, want: [0, 100] },
    'v1alpha2 weight 5': { apiVersion: 'split.smi-spec.io/v1alpha2', w: 5, want: [5, 95] },
    'v1alpha3 weight 50': { apiVersion: 'split.smi-spec.io/v1alpha3', w: 50, want: [50, 50] },
    'v1alpha1 weight 100 (quantities)': { apiVersion: 'split.smi-spec.io/v1alpha1', w: 100, want: ['100', '0'] },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const ts = desiredTrafficSplit(tc.apiVersion, {}, ctx, tc.w);
      assert.deepEqual(backends(ts).map((b) => b.weight), tc.want);
      assert.equal((ts as unknown as Split).spec.service, 'reviews-stable');
      assert.deepEqual(withSplitWeights(ts, {}, ctx, tc.w), ts);
    });
  }
  it('rootService and trafficSplitName ("" means default, as the parsed Rollout gives it)', () => {
    assert.equal(desiredTrafficSplit(TS, { rootService: 'reviews', trafficSplitName: 'split' }, ctx, 1).metadata.name, 'split');
    assert.equal((desiredTrafficSplit(TS, { rootService: 'reviews' }, ctx, 1) as unknown as Split).spec.service, 'reviews');
    assert.equal(desiredTrafficSplit(TS, { rootService: '', trafficSplitName: '' }, ctx, 1).metadata.name, 'reviews');
  });
});

describe('traffic/smi router (local cluster)', function () {
  this.timeout(60_000);
  let bench: Bench;
  before(async () => {
    bench = await startBench();
    await bench.rollout('reviews');
  });
  after(async () => bench?.stop());
  afterEach(() => bench.cluster.faults.reset());
  let n = 0;
  const router = (): { r: SmiRouter; name: string } => {
    const name = `split-${++n}`;
    return { r: new SmiRouter({ trafficSplitName: name }, bench.ctx()), name };
  };

  for (const w of [0, 5, 50, 100]) {
    it(`weight ${w}: creates the TrafficSplit owned by the Rollout, then updates it`, async () => {
      const { r, name } = router();
      assert.deepEqual(await r.validate(signal), []);
      await r.setWeight(w === 50 ? 0 : 50, signal);
      await r.setWeight(w, signal);
      assert.equal(await r.verifyWeight(w, signal), true);
      assert.equal(await r.verifyWeight(w === 5 ? 6 : 5, signal), false);
      const ts = await read(bench, TS, 'trafficsplits', name);
      assert.deepEqual(backends(ts), [{ service: 'reviews-canary', weight: w }, { service: 'reviews-stable', weight: 100 - w }]);
      assert.equal(ts?.metadata.ownerReferences?.[0]?.uid, bench.ctx().rolloutUid);
    });
  }

  it('keeps what others added (labels, annotations, matches) and writes only on change', async () => {
    const { r, name } = router();
    await r.setWeight(10, signal);
    const ts = (await read(bench, TS, 'trafficsplits', name))!;
    ts.metadata.labels = { team: 'shop' };
    ts.metadata.annotations = { 'example.com/note': 'x' };
    (ts['spec'] as Record<string, unknown>)['matches'] = [{ kind: 'HTTPRouteGroup', name: 'api' }];
    await bench.api.replaceNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha2', namespace: bench.namespace, plural: 'trafficsplits', name, body: ts });
    const mark = bench.sent.length;
    await r.setWeight(10, signal);
    assert.equal(writesSince(bench, mark, 'trafficsplits').length, 0);
    await r.setWeight(20, signal);
    const writes = writesSince(bench, mark, 'trafficsplits');
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.url.searchParams.get('fieldManager'), 'sluice-controller');
    const after = (await read(bench, TS, 'trafficsplits', name))!;
    assert.deepEqual(after.metadata.labels, { team: 'shop' });
    assert.deepEqual(after.metadata.annotations, { 'example.com/note': 'x' });
    assert.deepEqual((after['spec'] as Record<string, unknown>)['matches'], [{ kind: 'HTTPRouteGroup', name: 'api' }]);
  });

  it('a TrafficSplit not owned by the Rollout is refused, never overwritten', async () => {
    const theirs = await create(bench, { apiVersion: TS, kind: 'TrafficSplit', metadata: { name: 'theirs' }, spec: { service: 'x', backends: [{ service: 'a', weight: 100 }] } });
    const r = new SmiRouter({ trafficSplitName: 'theirs' }, bench.ctx());
    assert.deepEqual(await r.validate(signal), [{ field: 'spec.strategy.canary.trafficRouting.smi.trafficSplitName', message: 'TrafficSplit "theirs" exists but is not owned by Rollout "reviews"; delete it or choose another trafficSplitName' }]);
    await assert.rejects(r.setWeight(10, signal), RouterConfigError);
    assert.deepEqual(await read(bench, TS, 'trafficsplits', 'theirs'), theirs);
  });

  it('retries a 409 by re-reading, a bounded number of times', async () => {
    const { r } = router();
    await r.setWeight(1, signal);
    const counter = conflictNextUpdates(bench, 2, 'trafficsplits');
    await r.setWeight(2, signal);
    assert.equal(counter.tried(), 3);
    conflictNextUpdates(bench, 100, 'trafficsplits');
    await assert.rejects(r.setWeight(3, signal), ConflictRetriesExhaustedError);
  });

  it('speaks v1alpha1 (quantity weights) and v1alpha3', async () => {
    for (const version of ['split.smi-spec.io/v1alpha1', 'split.smi-spec.io/v1alpha3']) {
      const r = new SmiRouter({ trafficSplitName: `split-${version.slice(-8)}` }, bench.ctx({ apiVersions: { smi: version } }));
      await r.setWeight(30, signal);
      assert.equal(await r.verifyWeight(30, signal), true, version);
    }
  });

  it('header and mirror steps are no-ops; finalize leaves the TrafficSplit', async () => {
    const { r, name } = router();
    await r.setWeight(0, signal);
    const t: TrafficRouter = r;
    const mark = bench.sent.length;
    await t.setHeaderRoute({ name: 'h', match: [{ headerName: 'a', headerValue: { exact: 'b' } }] }, signal);
    await t.setMirrorRoute({ name: 'm', match: [{ method: { exact: 'GET' } }] }, signal);
    await t.removeManagedRoutes(signal);
    await t.finalize(signal);
    assert.equal(writesSince(bench, mark, 'trafficsplits').length, 0);
    assert.ok(await read(bench, TS, 'trafficsplits', name));
  });

  it('createRouters builds every configured router, in order', () => {
    const routers = createRouters(
      { istio: { virtualService: { name: 'v' } }, nginx: { stableIngress: 'i' }, gatewayAPI: { httpRoute: 'h' }, smi: {}, maxTrafficWeight: 100 },
      bench.ctx(),
    );
    assert.deepEqual(routers.map((x) => x.type), ['istio', 'nginx', 'gatewayAPI', 'smi']);
    assert.deepEqual(createRouters(undefined, bench.ctx()), []);
  });
});
