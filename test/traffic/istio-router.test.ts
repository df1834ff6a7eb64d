import assert from 'node:assert/strict';
import { ConflictRetriesExhaustedError, createRouters, IstioRouter, RouterConfigError, type KubeObject, type TrafficRoutingConfig } from '../../src/traffic/index.js';
import { PRIMARY_ROUTE_FIELDS, ratingsDestinationRule, reviewsVirtualService, subsetVirtualService, withoutWeights } from './istio-fixtures.js';
import { conflictNextUpdates, create, read, signal, startBench, withoutServerFields, writesSince, type Bench } from './support.js';

const VS = 'networking.istio.io/v1beta1';
const FULL = { name: 'reviews', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['reviews.example.com'] }], tcpRoutes: [{ port: 3306 }] };

type Route = Record<string, unknown> & { name?: string; route: Array<{ weight?: number; destination: { host: string; subset?: string } }> };
const http = (vs: KubeObject | undefined): Route[] => ((vs?.['spec'] as { http: Route[] }).http);
const weightsOf = (r: Route | undefined): Array<number | undefined> => (r?.route ?? []).map((d) => d.weight);

describe('traffic/istio router (local cluster)', function () {
  this.timeout(60_000);
  let bench: Bench;
  let n = 0;
  /** A fresh VirtualService named uniquely for the test. */
  const freshVs = async (make: (name: string) => KubeObject = reviewsVirtualService): Promise<{ name: string; before: KubeObject }> => {
    const name = `reviews-${++n}`;
    return { name, before: await create(bench, make(name)) };
  };
  const router = (cfg: TrafficRoutingConfig['istio'], managedRoutes: string[] = []): IstioRouter => new IstioRouter(cfg ?? {}, managedRoutes, bench.ctx());

  before(async () => {
    bench = await startBench();
    await bench.rollout('reviews');
  });
  after(async () => bench?.stop());
  afterEach(() => bench.cluster.faults.reset());

  describe('setWeight', () => {
    for (const w of [0, 5, 50, 100]) {
      it(`weight ${w}: http, tls and tcp routes carry ${w}/${100 - w}; nothing else changes`, async () => {
        const { name, before } = await freshVs();
        const r = router({ virtualService: { ...FULL, name } });
        assert.deepEqual(await r.validate(signal), []);
        await r.setWeight(w, signal);
        assert.equal(await r.verifyWeight(w, signal), true);
        assert.equal(await r.verifyWeight(w === 5 ? 6 : 5, signal), false);
        const after = await read(bench, VS, 'virtualservices', name);
        assert.ok(after);
        const spec = after['spec'] as Record<string, Route[]>;
        for (const kind of ['http', 'tls', 'tcp']) assert.deepEqual(weightsOf(spec[kind]![0]), [100 - w, w], kind);
        assert.deepEqual(withoutWeights(withoutServerFields(after)), withoutWeights(withoutServerFields(before)));
      });
    }

    describe('keeps every field a person wrote, field by field', () => {
      let orig: KubeObject;
      let updated: KubeObject;
      before(async () => {
        const fresh = await freshVs();
        orig = fresh.before;
        await router({ virtualService: { ...FULL, name: fresh.name } }).setWeight(40, signal);
        const read1 = await read(bench, VS, 'virtualservices', fresh.name);
        assert.ok(read1);
        updated = read1;
      });
      for (const field of PRIMARY_ROUTE_FIELDS) {
        it(`http[primary].${field}`, () => assert.deepEqual(http(updated)[0]![field], http(orig)[0]![field]));
      }
      it('the destinations except their weight (host, port, headers)', () => {
        assert.deepEqual(http(updated)[0]!.route.map(({ weight: _w, ...rest }) => rest), http(orig)[0]!.route.map(({ weight: _w, ...rest }) => rest));
      });
      it('the other http route and its destinations', () => assert.deepEqual(http(updated)[1], http(orig)[1]));
      for (const field of ['hosts', 'gateways', 'exportTo']) {
        it(`spec.${field}`, () => assert.deepEqual((updated['spec'] as Record<string, unknown>)[field], (orig['spec'] as Record<string, unknown>)[field]));
      }
      it('tls and tcp match and destinations', () => {
        for (const kind of ['tls', 'tcp']) {
          const a = (updated['spec'] as Record<string, Route[]>)[kind]![0]!;
          const b = (orig['spec'] as Record<string, Route[]>)[kind]![0]!;
          assert.deepEqual(a['match'], b['match']);
        }
      });
      it('labels and annotations', () => {
        assert.deepEqual(updated.metadata.labels, orig.metadata.labels);
        assert.deepEqual(updated.metadata.annotations, orig.metadata.annotations);
      });
    });

    it('is idempotent: the same weight twice writes once', async () => {
      const { name } = await freshVs();
      const r = router({ virtualService: { ...FULL, name } });
      const mark = bench.sent.length;
      await r.setWeight(30, signal);
      assert.equal(writesSince(bench, mark, 'virtualservices').length, 1);
      const mark2 = bench.sent.length;
      await r.setWeight(30, signal);
      assert.equal(writesSince(bench, mark2, 'virtualservices').length, 0);
    });

    it('writes as field manager sluice-controller', async () => {
      const { name } = await freshVs();
      const mark = bench.sent.length;
      await router({ virtualService: { ...FULL, name } }).setWeight(10, signal);
      const writes = writesSince(bench, mark, 'virtualservices');
      assert.ok(writes.length > 0);
      for (const w of writes) {
        assert.equal(w.method, 'PUT');
        assert.equal(w.url.searchParams.get('fieldManager'), 'sluice-controller');
      }
    });

    it('retries a 409 by re-reading, a bounded number of times', async () => {
      const { name } = await freshVs();
      const r = router({ virtualService: { ...FULL, name } });
      const counter = conflictNextUpdates(bench, 2, 'virtualservices');
      await r.setWeight(20, signal);
      assert.equal(counter.tried(), 3);
      assert.equal(await r.verifyWeight(20, signal), true);
      conflictNextUpdates(bench, 100, 'virtualservices');
      await assert.rejects(r.setWeight(25, signal), ConflictRetriesExhaustedError);
    });

    it('writes carry the resourceVersion they read', async () => {
      const { name, before } = await freshVs();
      const mark = bench.sent.length;
      await router({ virtualService: { ...FULL, name } }).setWeight(15, signal);
      const [put] = writesSince(bench, mark, 'virtualservices');
      assert.equal((put?.body as KubeObject | undefined)?.metadata.resourceVersion, before.metadata.resourceVersion);
    });

    it('several VirtualServices, one in another namespace form (name.namespace)', async () => {
      const a = await freshVs();
      const b = await freshVs();
      const r = router({ virtualServices: [{ name: a.name, routes: ['primary'] }, { name: `${b.name}.${bench.namespace}`, routes: ['primary'] }] });
      assert.deepEqual(await r.validate(signal), []);
      await r.setWeight(60, signal);
      for (const name of [a.name, b.name]) assert.deepEqual(weightsOf(http(await read(bench, VS, 'virtualservices', name))[0]), [40, 60]);
      assert.equal(await r.verifyWeight(60, signal), true);
    });

    it('speaks networking.istio.io/v1 and v1alpha3 too', async () => {
      for (const version of ['networking.istio.io/v1', 'networking.istio.io/v1alpha3']) {
        const { name } = await freshVs();
        const r = new IstioRouter({ virtualService: { name, routes: ['primary'] } }, [], bench.ctx({ apiVersions: { istio: version } }));
        await r.setWeight(7, signal);
        assert.equal(await r.verifyWeight(7, signal), true, version);
      }
    });

    it('an abort cancels the request in flight', async () => {
      const { name } = await freshVs();
      bench.cluster.faults.latencyMs = 5_000;
      const ac = new AbortController();
      const started = performance.now();
      const pending = router({ virtualService: { name, routes: ['primary'] } }).setWeight(10, ac.signal);
      setTimeout(() => ac.abort(new Error('shutting down')), 50);
      await assert.rejects(pending);
      assert.ok(performance.now() - started < 2_000, 'did not wait for the slow answer');
    });

    it('stops at once when the signal is aborted', async () => {
      const { name } = await freshVs();
      const ac = new AbortController();
      ac.abort(new Error('shutting down'));
      await assert.rejects(router({ virtualService: { name, routes: ['primary'] } }).setWeight(10, ac.signal), /shutting down/);
    });
  });

  describe('validate', () => {
    it('a missing VirtualService', async () => {
      const problems = await router({ virtualService: { name: 'nope' } }).validate(signal);
      assert.deepEqual(problems, [{ field: 'spec.strategy.canary.trafficRouting.istio.virtualService.name', message: 'VirtualService "nope" not found in namespace "shop"; create it or fix the name' }]);
    });

    it('a route that does not exist, naming the ones that do (and setWeight refuses with the same words)', async () => {
      const vs = reviewsVirtualService('reviews-names');
      const routes = http(vs);
      routes[0]!.name = 'http-main';
      routes[1]!.name = 'canary-only';
      await create(bench, vs);
      const r = router({ virtualService: { name: 'reviews-names', routes: ['primary'] } });
      const problems = await r.validate(signal);
      assert.deepEqual(problems, [{ field: 'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]', message: 'route "primary" not found in VirtualService "reviews-names"; it has: http-main, canary-only' }]);
      await assert.rejects(r.setWeight(10, signal), (err: unknown) => err instanceof RouterConfigError && err.message === 'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]: route "primary" not found in VirtualService "reviews-names"; it has: http-main, canary-only');
    });

    it('destinations that do not match the stable/canary Services', async () => {
      const { name } = await freshVs();
      const r = new IstioRouter({ virtualService: { name, routes: ['primary'] } }, [], bench.ctx({ canaryService: 'details-canary' }));
      const problems = await r.validate(signal);
      assert.deepEqual(problems.map((p) => p.message), [`http route "primary" of VirtualService "${name}" has no destination for the canary Service "details-canary"`, `http route "primary" of VirtualService "${name}" also routes to reviews-canary.shop.svc.cluster.local, which is neither the canary nor the stable destination; weights would not add up. Move it to its own route`]);
    });

    it('a missing DestinationRule and a missing subset', async () => {
      await create(bench, subsetVirtualService('ratings-v'));
      const missing = await router({ virtualService: { name: 'ratings-v' }, destinationRule: { name: 'nope', canarySubsetName: 'canary', stableSubsetName: 'stable' } }).validate(signal);
      assert.deepEqual(missing, [{ field: 'spec.strategy.canary.trafficRouting.istio.destinationRule.name', message: 'DestinationRule "nope" not found in namespace "shop"; create it or fix the name' }]);
      await create(bench, ratingsDestinationRule('ratings-v'));
      const subset = await router({ virtualService: { name: 'ratings-v' }, destinationRule: { name: 'ratings-v', canarySubsetName: 'canary', stableSubsetName: 'main' } }).validate(signal);
      assert.deepEqual(subset.map((p) => p.message), [
        'http route #0 of VirtualService "ratings-v" has no destination for the subset "main"',
        'http route #0 of VirtualService "ratings-v" also routes to ratings/stable, which is neither the canary nor the stable destination; weights would not add up. Move it to its own route',
        'subset "main" not found in DestinationRule "ratings-v"; it has: stable, canary, legacy',
      ]);
      assert.equal(subset[2]!.field, 'spec.strategy.canary.trafficRouting.istio.destinationRule.stableSubsetName');
    });
  });

  describe('subset-level routing', () => {
    it('updateHash labels the subsets, setWeight weights them, the rest stays', async () => {
      const vs = await create(bench, subsetVirtualService('ratings-s'));
      const dr = await create(bench, ratingsDestinationRule('ratings-s'));
      const r = router({ virtualService: { name: 'ratings-s' }, destinationRule: { name: 'ratings-s', canarySubsetName: 'canary', stableSubsetName: 'stable' } });
      assert.deepEqual(await r.validate(signal), []);
      await r.updateHash('abc123', 'def456', signal);
      await r.setWeight(25, signal);
      assert.equal(await r.verifyWeight(25, signal), true);
      const drAfter = await read(bench, VS, 'destinationrules', 'ratings-s');
      const subsets = (drAfter?.['spec'] as { subsets: Array<{ labels: Record<string, string> }> }).subsets;
      assert.deepEqual(subsets.map((s) => s.labels['rollouts-pod-template-hash']), ['def456', 'abc123', undefined]);
      assert.equal(drAfter?.metadata.annotations?.['sluice.dev/managed-by-rollouts'], 'reviews');
      const mark = bench.sent.length;
      await r.updateHash('abc123', 'def456', signal);
      assert.equal(writesSince(bench, mark, 'destinationrules').length, 0, 'same hashes: no write');
      // Everything but the hash labels and the annotation is as written.
      const stripped = structuredClone(drAfter!) as KubeObject & { spec: { subsets: Array<{ labels: Record<string, string> }> } };
      for (const s of stripped.spec.subsets) delete s.labels['rollouts-pod-template-hash'];
      delete stripped.metadata.annotations;
      assert.deepEqual(withoutServerFields(stripped), withoutServerFields(dr));
      const vsAfter = await read(bench, VS, 'virtualservices', 'ratings-s');
      assert.deepEqual(weightsOf(http(vsAfter)[0]), [75, 25]);
      assert.deepEqual(withoutWeights(withoutServerFields(vsAfter!)), withoutWeights(withoutServerFields(vs)));
    });
  });

  describe('header and mirror routes', () => {
    const managed = ['canary-header', 'mirror-get'];
    it('adds them on top in managedRoutes order, keeps their weights in step, removes exactly them', async () => {
      const { name, before } = await freshVs();
      const r = router({ virtualService: { name, routes: ['primary'] } }, managed);
      await r.setWeight(10, signal);
      await r.setMirrorRoute({ name: 'mirror-get', percentage: 35, match: [{ method: { exact: 'GET' } }] }, signal);
      await r.setHeaderRoute({ name: 'canary-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'always' } }] }, signal);
      let vs = await read(bench, VS, 'virtualservices', name);
      assert.deepEqual(http(vs).map((x) => x.name), ['canary-header', 'mirror-get', 'primary', 'static']);
      assert.deepEqual(http(vs)[0], { name: 'canary-header', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { host: 'reviews-canary.shop.svc.cluster.local', port: { number: 8080 } }, weight: 100 }] });
      assert.deepEqual(http(vs)[1]!['mirrorPercentage'], { value: 35 });
      assert.deepEqual(weightsOf(http(vs)[1]), [90, 10]);
      // The next weight reaches the mirror route too (it copies the primary's destinations).
      await r.setWeight(50, signal);
      vs = await read(bench, VS, 'virtualservices', name);
      assert.deepEqual(weightsOf(http(vs)[1]), [50, 50]);
      assert.equal(await r.verifyWeight(50, signal), true);
      // Idempotent: the same header route again makes no write.
      const mark = bench.sent.length;
      await r.setHeaderRoute({ name: 'canary-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'always' } }] }, signal);
      assert.equal(writesSince(bench, mark, 'virtualservices').length, 0);
      // A header route without match removes that route only.
      await r.setHeaderRoute({ name: 'canary-header' }, signal);
      vs = await read(bench, VS, 'virtualservices', name);
      assert.deepEqual(http(vs).map((x) => x.name), ['mirror-get', 'primary', 'static']);
      await r.removeManagedRoutes(signal);
      vs = await read(bench, VS, 'virtualservices', name);
      assert.deepEqual(withoutWeights(withoutServerFields(vs!)), withoutWeights(withoutServerFields(before)));
    });

    it('refuses a route that managedRoutes does not list', async () => {
      const { name } = await freshVs();
      const r = router({ virtualService: { name, routes: ['primary'] } }, managed);
      await assert.rejects(r.setHeaderRoute({ name: 'surprise', match: [{ headerName: 'a', headerValue: { exact: 'b' } }] }, signal), (err: unknown) => err instanceof RouterConfigError && /"surprise" is not listed in managedRoutes/.test(err.message));
    });

    it('finalize removes the managed routes and leaves the VirtualService', async () => {
      const { name } = await freshVs();
      const r = router({ virtualService: { name, routes: ['primary'] } }, managed);
      await r.setHeaderRoute({ name: 'canary-header', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] }, signal);
      await r.finalize(signal);
      assert.deepEqual(http(await read(bench, VS, 'virtualservices', name)).map((x) => x.name), ['primary', 'static']);
    });
  });

  it('createRouters builds an Istio router from trafficRouting', async () => {
    const { name } = await freshVs();
    const routers = createRouters({ istio: { virtualService: { name, routes: ['primary'] } }, managedRoutes: [{ name: 'x' }] }, bench.ctx());
    assert.deepEqual(routers.map((x) => x.type), ['istio']);
    await routers[0]!.setWeight(12, signal);
    assert.equal(await routers[0]!.verifyWeight(12, signal), true);
  });
});
