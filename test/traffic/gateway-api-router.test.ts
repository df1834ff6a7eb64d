import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { ConflictRetriesExhaustedError, createRouters, GatewayApiRouter, MANAGED_RULES_ANNOTATION, RouterConfigError, type GatewayApiRoutingConfig, type KubeObject } from '../../src/traffic/index.js';
import { headerRule, mirrorRule, withManagedRule, withoutManagedRules } from '../../src/traffic/gateway-api/managed-rules.js';
import { readGatewayWeights, withGatewayWeights } from '../../src/traffic/gateway-api/weights.js';
import { conflictNextUpdates, create, read, signal, startBench, withoutServerFields, writesSince, type Bench } from './support.js';

const HR = 'gateway.networking.k8s.io/v1';
const services = { canaryService: 'reviews-canary', stableService: 'reviews-stable' };

type Rule = Record<string, unknown> & { backendRefs?: Array<{ name: string; weight?: number }> };
const rulesOf = (r: KubeObject | undefined): Rule[] => (r?.['spec'] as { rules: Rule[] }).rules;
const weights = (rule: Rule | undefined): Array<number | undefined> => (rule?.backendRefs ?? []).map((b) => b.weight);

/** An HTTPRoute as people write it. */
function httpRoute(name: string, apiVersion = HR): KubeObject {
  return {
    apiVersion,
    kind: 'HTTPRoute',
    metadata: { name, labels: { app: 'reviews' }, annotations: { 'example.com/owner': 'alice' } },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'infra', sectionName: 'https' }],
      hostnames: ['reviews.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'acme' }] }],
          filters: [
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }] } },
            { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1' } } },
          ],
          backendRefs: [
            { group: '', kind: 'Service', name: 'reviews-stable', port: 80, weight: 100 },
            { name: 'reviews-canary', port: 80, weight: 0, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-track', value: 'canary' }] } }] },
          ],
          timeouts: { request: '10s', backendRequest: '2s' },
        },
        { matches: [{ path: { type: 'PathPrefix', value: '/static' } }], backendRefs: [{ name: 'cdn', port: 80 }] },
      ],
    },
  };
}

/** A copy without backendRef weights. */
function withoutWeights(route: KubeObject): KubeObject {
  const copy = structuredClone(route);
  for (const rule of rulesOf(copy)) for (const b of rule.backendRefs ?? []) delete b.weight;
  return copy;
}

describe('traffic/gateway-api (pure)', () => {
  const cases: Record<string, { w: number; max: number; want: [number, number] }> = {
    'weight 0': { w: 0, max: 100, want: [100, 0] },
    'weight 5': { w: 5, max: 100, want: [95, 5] },
    'weight 50': { w: 50, max: 100, want: [50, 50] },
    'weight 100': { w: 100, max: 100, want: [0, 100] },
    'weight 3 of maxWeight 10': { w: 3, max: 10, want: [7, 3] },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const route = httpRoute('r');
      const next = withGatewayWeights(route, services, tc.w, tc.max);
      assert.deepEqual(weights(rulesOf(next)[0]), tc.want);
      assert.deepEqual(readGatewayWeights(next, services), [{ canary: tc.w, stable: tc.max - tc.w }]);
      assert.deepEqual(withoutWeights(next), withoutWeights(route));
      assert.deepEqual(route, httpRoute('r'), 'input not mutated');
    });
  }

  it('header rules AND the headers onto each primary match and keep its filters', () => {
    const primary = rulesOf(httpRoute('r'))[0];
    const rule = headerRule(primary, services, { name: 'h', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }, { headerName: 'x-user', headerValue: { prefix: 'beta.' } }] });
    assert.deepEqual(rule['matches'], [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'acme' }, { type: 'Exact', name: 'x-canary', value: 'yes' }, { type: 'RegularExpression', name: 'x-user', value: '^beta\\..*' }] }]);
    assert.deepEqual(rule['backendRefs'], [{ name: 'reviews-canary', port: 80 }]);
    assert.equal((rule['filters'] as unknown[]).length, 2);
  });

  it('mirror rules copy the backends and add a RequestMirror filter', () => {
    const primary = rulesOf(httpRoute('r'))[0];
    const rule = mirrorRule(primary, services, { name: 'm', percentage: 20, match: [{ method: { exact: 'GET' }, path: { exact: '/api/items' } }] });
    assert.deepEqual(rule['matches'], [{ method: 'GET', path: { type: 'Exact', value: '/api/items' } }]);
    assert.deepEqual((rule['filters'] as unknown[]).at(-1), { type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-canary', port: 80 }, percent: 20 } });
    assert.deepEqual(rule['backendRefs'], primary?.backendRefs);
  });

  it('managed rules are recorded, ordered by managedRoutes and removed exactly', () => {
    const route = httpRoute('r');
    const primary = rulesOf(route)[0];
    let next = withManagedRule(route, 'm', mirrorRule(primary, services, { name: 'm', match: [{ method: { exact: 'GET' } }] }), ['h', 'm']);
    next = withManagedRule(next, 'h', headerRule(primary, services, { name: 'h', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] }), ['h', 'm']);
    assert.equal(rulesOf(next).length, 4);
    assert.deepEqual(JSON.parse(next.metadata.annotations?.[MANAGED_RULES_ANNOTATION] ?? '[]').map((e: { name: string }) => e.name), ['h', 'm']);
    assert.ok(((rulesOf(next)[0]!['matches'] as Array<{ headers: unknown[] }>)[0]!.headers).length === 2, 'header rule first');
    assert.deepEqual(withoutManagedRules(next), route);
  });
});

describe('traffic/gateway-api router (local cluster)', function () {
  this.timeout(60_000);
  let bench: Bench;
  let n = 0;
  const fresh = async (apiVersion = HR): Promise<{ name: string; before: KubeObject }> => {
    const name = `reviews-hr-${++n}`;
    return { name, before: await create(bench, httpRoute(name, apiVersion)) };
  };
  const router = (cfg: GatewayApiRoutingConfig, managed: string[] = []): GatewayApiRouter => new GatewayApiRouter(cfg, managed, bench.ctx());
  const get = (name: string): Promise<KubeObject | undefined> => read(bench, HR, 'httproutes', name);

  before(async () => {
    bench = await startBench();
    await bench.rollout('reviews');
  });
  after(async () => bench?.stop());
  afterEach(() => bench.cluster.faults.reset());

  for (const w of [0, 5, 50, 100]) {
    it(`weight ${w}: backendRefs carry ${100 - w}/${w}; nothing else changes`, async () => {
      const { name, before } = await fresh();
      const r = router({ httpRoute: name });
      assert.deepEqual(await r.validate(signal), []);
      await r.setWeight(w, signal);
      assert.equal(await r.verifyWeight(w, signal), true);
      assert.equal(await r.verifyWeight(w === 5 ? 6 : 5, signal), false);
      const after = await get(name);
      assert.deepEqual(weights(rulesOf(after)[0]), [100 - w, w]);
      assert.deepEqual(withoutWeights(withoutServerFields(after!)), withoutWeights(withoutServerFields(before)));
    });
  }

  describe('keeps every field a person wrote, field by field', () => {
    let orig: KubeObject;
    let updated: KubeObject;
    before(async () => {
      const f = await fresh();
      orig = f.before;
      await router({ httpRoute: f.name }).setWeight(35, signal);
      updated = (await get(f.name))!;
    });
    for (const field of ['matches', 'filters', 'timeouts']) {
      it(`rules[0].${field}`, () => assert.deepEqual(rulesOf(updated)[0]![field], rulesOf(orig)[0]![field]));
    }
    it('backendRefs except weight (group, kind, port, per-backend filters)', () => {
      assert.deepEqual(rulesOf(updated)[0]!.backendRefs!.map(({ weight: _w, ...rest }) => rest), rulesOf(orig)[0]!.backendRefs!.map(({ weight: _w, ...rest }) => rest));
    });
    it('the other rule', () => assert.deepEqual(rulesOf(updated)[1], rulesOf(orig)[1]));
    for (const field of ['parentRefs', 'hostnames']) {
      it(`spec.${field}`, () => assert.deepEqual((updated['spec'] as Record<string, unknown>)[field], (orig['spec'] as Record<string, unknown>)[field]));
    }
    it('labels and annotations', () => {
      assert.deepEqual(updated.metadata.labels, orig.metadata.labels);
      assert.deepEqual(updated.metadata.annotations, orig.metadata.annotations);
    });
  });

  it('is idempotent, writes as sluice-controller with the resourceVersion it read', async () => {
    const { name, before } = await fresh();
    const r = router({ httpRoute: name });
    const mark = bench.sent.length;
    await r.setWeight(30, signal);
    await r.setWeight(30, signal);
    const writes = writesSince(bench, mark, 'httproutes');
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.url.searchParams.get('fieldManager'), 'sluice-controller');
    assert.equal((writes[0]!.body as KubeObject).metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('retries a 409 by re-reading, a bounded number of times', async () => {
    const { name } = await fresh();
    const r = router({ httpRoute: name });
    const counter = conflictNextUpdates(bench, 2, 'httproutes');
    await r.setWeight(20, signal);
    assert.equal(counter.tried(), 3);
    conflictNextUpdates(bench, 100, 'httproutes');
    await assert.rejects(r.setWeight(21, signal), ConflictRetriesExhaustedError);
  });

  it('several HTTPRoutes, one served as v1beta1', async () => {
    const a = await fresh();
    const b = await fresh('gateway.networking.k8s.io/v1beta1');
    const r = router({ httpRoutes: [{ name: a.name }, { name: b.name }] });
    await r.setWeight(45, signal);
    for (const x of [a.name, b.name]) assert.deepEqual(weights(rulesOf(await get(x))[0]), [55, 45]);
    const beta = new GatewayApiRouter({ httpRoute: b.name }, [], bench.ctx({ apiVersions: { gatewayAPI: 'gateway.networking.k8s.io/v1beta1' } }));
    assert.equal(await beta.verifyWeight(45, signal), true);
  });

  describe('validate', () => {
    it('a missing HTTPRoute', async () => {
      assert.deepEqual(await router({ httpRoutes: [{ name: 'nope' }] }).validate(signal), [{ field: 'spec.strategy.canary.trafficRouting.gatewayAPI.httpRoutes[0].name', message: 'HTTPRoute "nope" not found in namespace "shop"; create it or fix the name' }]);
    });
    it('no rule references both Services (setWeight refuses too)', async () => {
      const { name } = await fresh();
      const r = new GatewayApiRouter({ httpRoute: name }, [], bench.ctx({ canaryService: 'details-canary' }));
      assert.deepEqual(await r.validate(signal), [{ field: 'spec.strategy.canary.trafficRouting.gatewayAPI.httpRoute', message: `HTTPRoute "${name}" has no rule whose backendRefs reference both the canary Service "details-canary" and the stable Service "reviews-stable"; it references: reviews-stable, reviews-canary, cdn` }]);
      await assert.rejects(r.setWeight(10, signal), RouterConfigError);
    });
  });

  describe('header and mirror routes', () => {
    const managed = ['hdr', 'mir'];
    it('added as rules on top, weights kept in step, removed exactly', async () => {
      const { name, before } = await fresh();
      const r = router({ httpRoutes: [{ name, useHeaderRoutes: true }] }, managed);
      await r.setWeight(10, signal);
      await r.setMirrorRoute({ name: 'mir', percentage: 50, match: [{ method: { exact: 'GET' } }] }, signal);
      await r.setHeaderRoute({ name: 'hdr', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] }, signal);
      let route = await get(name);
      assert.equal(rulesOf(route).length, 4);
      assert.deepEqual(rulesOf(route)[0]!.backendRefs, [{ name: 'reviews-canary', port: 80 }]);
      assert.deepEqual(weights(rulesOf(route)[1]), [90, 10]);
      await r.setWeight(60, signal);
      route = await get(name);
      assert.deepEqual(weights(rulesOf(route)[1]), [40, 60], 'mirror rule follows the weight');
      assert.equal(await r.verifyWeight(60, signal), true);
      const mark = bench.sent.length;
      await r.setHeaderRoute({ name: 'hdr', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] }, signal);
      assert.equal(writesSince(bench, mark, 'httproutes').length, 0, 'same header route: no write');
      await r.setHeaderRoute({ name: 'hdr' }, signal);
      assert.equal(rulesOf(await get(name)).length, 3);
      await r.removeManagedRoutes(signal);
      route = await get(name);
      assert.deepEqual(withoutWeights(withoutServerFields(route!)), withoutWeights(withoutServerFields(before)));
    });

    it('header routes go only to HTTPRoutes with useHeaderRoutes', async () => {
      const a = await fresh();
      const b = await fresh();
      const r = router({ httpRoutes: [{ name: a.name, useHeaderRoutes: true }, { name: b.name }] }, managed);
      await r.setHeaderRoute({ name: 'hdr', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] }, signal);
      assert.equal(rulesOf(await get(a.name)).length, 3);
      assert.equal(rulesOf(await get(b.name)).length, 2);
    });

    it('a rule a person wrote is never taken for a managed one', async () => {
      const { name } = await fresh();
      const r = router({ httpRoute: name }, managed);
      await r.setHeaderRoute({ name: 'hdr', match: [{ headerName: 'x', headerValue: { exact: 'y' } }] }, signal);
      // A GitOps sync puts the person's rules back (dropping ours) and keeps the annotation.
      const route = (await get(name))!;
      (route['spec'] as { rules: Rule[] }).rules = rulesOf(httpRoute(name));
      await bench.api.replaceNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: bench.namespace, plural: 'httproutes', name, body: route });
      await r.finalize(signal);
      assert.deepEqual(rulesOf(await get(name)), rulesOf(httpRoute(name)));
      assert.equal((await get(name))?.metadata.annotations?.[MANAGED_RULES_ANNOTATION], undefined);
    });
  });

  it('HTTPRoutes in another namespace (gatewayAPI.namespace)', async () => {
    await bench.cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'edge' } } });
    const body = { ...httpRoute('edge-route'), metadata: { name: 'edge-route', namespace: 'edge' } };
    await bench.api.createNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'edge', plural: 'httproutes', body });
    const r = router({ httpRoute: 'edge-route', namespace: 'edge' });
    assert.deepEqual(await r.validate(signal), []);
    await r.setWeight(12, signal);
    assert.equal(await r.verifyWeight(12, signal), true);
    const stored = (await bench.api.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'edge', plural: 'httproutes', name: 'edge-route' })) as KubeObject;
    assert.deepEqual(weights(rulesOf(stored)[0]), [88, 12]);
  });

  it('createRouters builds a Gateway API router', () => {
    assert.deepEqual(createRouters({ gatewayAPI: { httpRoute: 'x' } }, bench.ctx()).map((r) => r.type), ['gatewayAPI']);
  });
});
