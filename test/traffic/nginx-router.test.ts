import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { canaryIngressName, ConflictRetriesExhaustedError, createRouters, NginxRouter, RouterConfigError, type KubeObject, type NginxRoutingConfig, type TrafficRouter } from '../../src/traffic/index.js';
import { desiredCanaryIngress } from '../../src/traffic/nginx/canary-ingress.js';
import { conflictNextUpdates, create, read, signal, startBench, withoutServerFields, writesSince, type Bench } from './support.js';

const ING = 'networking.k8s.io/v1';

/** A stable Ingress as people write it: two hosts, TLS, other services, nginx annotations. */
function stableIngress(name: string): KubeObject {
  return {
    apiVersion: ING,
    kind: 'Ingress',
    metadata: {
      name,
      labels: { app: 'reviews' },
      annotations: {
        'kubernetes.io/ingress.class': 'nginx',
        'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
        'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
        'example.com/owner': 'alice',
      },
    },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['reviews.example.com'], secretName: 'reviews-tls' }],
      rules: [
        {
          host: 'reviews.example.com',
          http: {
            paths: [
              { path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific', backend: { service: { name: 'reviews-stable', port: { number: 80 } } } },
              { path: '/static', pathType: 'Prefix', backend: { service: { name: 'cdn', port: { name: 'http' } } } },
            ],
          },
        },
        { host: 'admin.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'admin', port: { number: 80 } } } }] } },
      ],
    },
  };
}

const prefix = 'nginx.ingress.kubernetes.io';

describe('traffic/nginx router (local cluster)', function () {
  this.timeout(60_000);
  let bench: Bench;
  let n = 0;
  const fresh = async (): Promise<{ name: string; before: KubeObject }> => {
    const name = `reviews-ing-${++n}`;
    return { name, before: await create(bench, stableIngress(name)) };
  };
  const router = (cfg: NginxRoutingConfig, maxWeight = 100): NginxRouter => new NginxRouter(cfg, bench.ctx({ maxWeight }));
  const canaryOf = async (stable: string): Promise<KubeObject | undefined> => read(bench, ING, 'ingresses', canaryIngressName('reviews', stable));

  before(async () => {
    bench = await startBench();
    await bench.rollout('reviews');
  });
  after(async () => bench?.stop());
  afterEach(() => bench.cluster.faults.reset());

  it('names the canary Ingress as Argo Rollouts does', () => {
    assert.equal(canaryIngressName('reviews', 'reviews-ing'), 'reviews-reviews-ing-canary');
    assert.equal(canaryIngressName('r', 'x'.repeat(300)).length, 253);
  });

  it('weight 0 with no canary Ingress yet creates nothing', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(0, signal);
    assert.equal(await canaryOf(name), undefined);
    assert.equal(await r.verifyWeight(0, signal), true);
  });

  for (const w of [5, 50, 100, 0]) {
    it(`weight ${w}: the canary Ingress carries it; the stable Ingress is not touched`, async () => {
      const { name, before } = await fresh();
      const r = router({ stableIngress: name });
      assert.deepEqual(await r.validate(signal), []);
      await r.setWeight(w === 0 ? 10 : w, signal);
      await r.setWeight(w, signal);
      assert.equal(await r.verifyWeight(w, signal), true);
      assert.equal(await r.verifyWeight(w + 1, signal), false);
      const canary = await canaryOf(name);
      assert.ok(canary);
      assert.deepEqual(canary.metadata.annotations, {
        'kubernetes.io/ingress.class': 'nginx',
        [`${prefix}/canary`]: 'true',
        [`${prefix}/canary-weight`]: String(w),
        [`${prefix}/canary-weight-total`]: '100',
        'sluice.dev/managed-by-rollouts': 'reviews',
      });
      assert.deepEqual(canary['spec'], {
        ingressClassName: 'nginx',
        rules: [{ host: 'reviews.example.com', http: { paths: [{ path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific', backend: { service: { name: 'reviews-canary', port: { number: 80 } } } }] } }],
      });
      assert.deepEqual(await read(bench, ING, 'ingresses', name), before, 'stable Ingress exactly as written (same resourceVersion)');
    });
  }

  it('the canary Ingress is owned by the Rollout', async () => {
    const { name } = await fresh();
    await router({ stableIngress: name }).setWeight(20, signal);
    const canary = await canaryOf(name);
    assert.deepEqual(canary?.metadata.ownerReferences, [{ apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'reviews', uid: bench.ctx().rolloutUid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(canary?.metadata.labels?.['sluice.dev/managed-by-rollouts'], 'reviews');
  });

  it('finalize deletes the canary Ingress, and only it', async () => {
    const { name, before } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(30, signal);
    assert.ok(await canaryOf(name));
    await r.finalize(signal);
    assert.equal(await canaryOf(name), undefined);
    assert.deepEqual(await read(bench, ING, 'ingresses', name), before);
    await r.finalize(signal); // nothing left: still fine
  });

  it('deleting the Rollout garbage-collects the canary Ingress', async () => {
    await bench.rollout('doomed');
    const { name } = await fresh();
    const r = new NginxRouter({ stableIngress: name }, bench.ctx());
    await r.setWeight(10, signal);
    const canaryName = canaryIngressName('doomed', name);
    assert.ok(await read(bench, ING, 'ingresses', canaryName));
    await bench.rollout('reviews');
    await bench.api.deleteNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: bench.namespace, plural: 'rollouts', name: 'doomed' });
    for (let i = 0; (await read(bench, ING, 'ingresses', canaryName)) !== undefined; i++) {
      assert.ok(i < 200, 'canary Ingress still there 10 s after its Rollout was deleted');
      await delay(50);
    }
  });

  it('is idempotent: the same weight twice writes once', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(40, signal);
    const mark = bench.sent.length;
    await r.setWeight(40, signal);
    assert.equal(writesSince(bench, mark, 'ingresses').length, 0);
    await r.setWeight(45, signal);
    const writes = writesSince(bench, mark, 'ingresses');
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.url.searchParams.get('fieldManager'), 'sluice-controller');
  });

  it('follows changes to the stable Ingress rules at the next setWeight', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(10, signal);
    const stable = (await read(bench, ING, 'ingresses', name))!;
    const rules = (stable['spec'] as { rules: Array<{ host: string }> }).rules;
    rules[0]!.host = 'reviews.example.org';
    await bench.api.replaceNamespacedCustomObject({ group: 'networking.k8s.io', version: 'v1', namespace: bench.namespace, plural: 'ingresses', name, body: stable });
    await r.setWeight(10, signal);
    const canary = await canaryOf(name);
    assert.equal((canary?.['spec'] as { rules: Array<{ host: string }> }).rules[0]!.host, 'reviews.example.org');
  });

  it('keeps annotations and labels others put on the canary Ingress', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(10, signal);
    const canary = await canaryOf(name);
    assert.ok(canary);
    canary.metadata.annotations = { ...canary.metadata.annotations, 'example.com/audit': 'yes' };
    canary.metadata.labels = { ...canary.metadata.labels, team: 'shop' };
    await bench.api.replaceNamespacedCustomObject({ group: 'networking.k8s.io', version: 'v1', namespace: bench.namespace, plural: 'ingresses', name: canary.metadata.name ?? '', body: canary });
    await r.setWeight(20, signal);
    const after = await canaryOf(name);
    assert.equal(after?.metadata.annotations?.['example.com/audit'], 'yes');
    assert.equal(after?.metadata.labels?.['team'], 'shop');
    assert.equal(after?.metadata.annotations?.[`${prefix}/canary-weight`], '20');
  });

  it('annotationPrefix, additionalIngressAnnotations, canaryIngressAnnotations and maxWeight', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name, annotationPrefix: 'custom.nginx.org', additionalIngressAnnotations: { 'canary-by-header': 'X-Canary' }, canaryIngressAnnotations: { 'example.com/team': 'shop' } }, 1000);
    await r.setWeight(250, signal);
    const a = (await canaryOf(name))?.metadata.annotations ?? {};
    assert.equal(a['custom.nginx.org/canary'], 'true');
    assert.equal(a['custom.nginx.org/canary-weight'], '250');
    assert.equal(a['custom.nginx.org/canary-weight-total'], '1000');
    assert.equal(a['custom.nginx.org/canary-by-header'], 'X-Canary');
    assert.equal(a['example.com/team'], 'shop');
    assert.equal(a[`${prefix}/canary`], undefined);
    assert.equal(await r.verifyWeight(250, signal), true);
  });

  it('several stable Ingresses get a canary each', async () => {
    const a = await fresh();
    const b = await fresh();
    const r = router({ stableIngresses: [a.name, b.name] });
    assert.deepEqual(await r.validate(signal), []);
    await r.setWeight(15, signal);
    for (const s of [a.name, b.name]) assert.equal((await canaryOf(s))?.metadata.annotations?.[`${prefix}/canary-weight`], '15');
    assert.equal(await r.verifyWeight(15, signal), true);
    await r.finalize(signal);
    for (const s of [a.name, b.name]) assert.equal(await canaryOf(s), undefined);
  });

  it('retries a 409 by re-reading, a bounded number of times', async () => {
    const { name } = await fresh();
    const r = router({ stableIngress: name });
    await r.setWeight(5, signal);
    const counter = conflictNextUpdates(bench, 3, 'ingresses');
    await r.setWeight(6, signal);
    assert.equal(counter.tried(), 4);
    assert.equal(await r.verifyWeight(6, signal), true);
    conflictNextUpdates(bench, 100, 'ingresses');
    await assert.rejects(r.setWeight(7, signal), ConflictRetriesExhaustedError);
  });

  describe('validate', () => {
    it('a missing stable Ingress', async () => {
      assert.deepEqual(await router({ stableIngresses: ['nope'] }).validate(signal), [
        { field: 'spec.strategy.canary.trafficRouting.nginx.stableIngresses[0]', message: 'Ingress "nope" not found in namespace "shop"; create it or fix the name' },
      ]);
    });

    it('a stable Ingress with no backend pointing at the stable Service (setWeight refuses too)', async () => {
      const { name } = await fresh();
      const r = new NginxRouter({ stableIngress: name }, bench.ctx({ stableService: 'ratings-stable' }));
      const problems = await r.validate(signal);
      assert.deepEqual(problems, [{ field: 'spec.strategy.canary.trafficRouting.nginx.stableIngress', message: `Ingress "${name}" has no rule with a backend pointing at the stable Service "ratings-stable"; it points at: reviews-stable, cdn, admin` }]);
      await assert.rejects(r.setWeight(10, signal), RouterConfigError);
    });

    it('an Ingress of the canary name that is not ours is never overwritten', async () => {
      const { name } = await fresh();
      const squatter = stableIngress(canaryIngressName('reviews', name));
      const created = await create(bench, squatter);
      const r = router({ stableIngress: name });
      assert.match((await r.validate(signal))[0]?.message ?? '', /already exists and is not managed by Rollout "reviews"/);
      await assert.rejects(r.setWeight(10, signal), RouterConfigError);
      await r.finalize(signal);
      assert.deepEqual(await read(bench, ING, 'ingresses', canaryIngressName('reviews', name)), created);
    });
  });

  it('header and mirror steps are no-ops (as in Argo Rollouts)', async () => {
    const { name } = await fresh();
    const mark = bench.sent.length;
    const r: TrafficRouter = router({ stableIngress: name });
    await r.setHeaderRoute({ name: 'h', match: [{ headerName: 'a', headerValue: { exact: 'b' } }] }, signal);
    await r.setMirrorRoute({ name: 'm', match: [{ method: { exact: 'GET' } }] }, signal);
    await r.removeManagedRoutes(signal);
    assert.equal(writesSince(bench, mark, 'ingresses').length, 0);
  });

  it('desiredCanaryIngress is pure and swaps only stable backends', () => {
    const stable = stableIngress('x');
    const copy = structuredClone(stable);
    const canary = desiredCanaryIngress(stable, {}, bench.ctx(), 33);
    assert.deepEqual(stable, copy);
    assert.equal(canary.metadata.name, 'reviews-x-canary');
    assert.deepEqual(withoutServerFields(canary).metadata.annotations?.[`${prefix}/canary-weight`], '33');
  });

  it('createRouters builds an NGINX router', () => {
    assert.deepEqual(createRouters({ nginx: { stableIngress: 'x' } }, bench.ctx()).map((r) => r.type), ['nginx']);
  });
});
