/**
 * The Endpoints controller and the garbage collector against the real MemoryStore on a
 * FakeClock, and a 10,000-pod run through every controller.
 */
import assert from 'node:assert/strict';
import type { MemoryStore } from '../../src/local/store.js';
import { READY_ANNOTATION } from '../../src/local/sim/index.js';
import type { KubeObject, ResourceKey } from '../../src/local/types.js';
import { field, R, replicaSet, deployment, settle, useSimStore, waitFor } from './sim-support.js';

const PODS = R.pods;
const RS = R.rs;
const DEPLOY = R.deploy;
const SVC = R.svc;
const EP = R.ep;
const CRD = R.crd;
const ROLLOUTS: ResourceKey = { group: 'sluice.dev', version: 'v1alpha1', resource: 'rollouts' };
const DELAY = 1000;

describe('local/sim endpoints and garbage collection (store + FakeClock)', function () {
  const t = useSimStore({ podReadyDelayMs: DELAY, badImagePattern: /:bad$|crashloop/ });
  const podsOf = (rs: KubeObject): KubeObject[] => t().podsOf(rs);
  const get = (res: ResourceKey, name: string): KubeObject | undefined => t().get(res, name);
  const advance = (ms: number): Promise<void> => t().advance(ms);
  const patchPod = (name: string, f: (p: KubeObject) => void): void => t().patchPod(name, f);
  let store: MemoryStore;
  beforeEach(() => {
    ({ store } = t());
  });

  describe('Endpoints controller', () => {
    it('lists ready pods as addresses and the others as notReadyAddresses, with targetRefs and ports', async () => {
      store.create(SVC, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
      const rs = store.create(RS, replicaSet('web', 3, { app: 'web' }));
      const ep = await waitFor('3 not-ready addresses', () => {
        const e = get(EP, 'web');
        const nr = field(e, 'subsets.0.notReadyAddresses');
        return Array.isArray(nr) && nr.length === 3 ? e : undefined;
      });
      assert.equal(field(ep, 'subsets.0.addresses'), undefined);
      assert.deepEqual(field(ep, 'subsets.0.ports'), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      await advance(DELAY);
      const ready = await waitFor('3 addresses', () => {
        const a = field(get(EP, 'web'), 'subsets.0.addresses');
        return Array.isArray(a) && a.length === 3 ? (a as Array<Record<string, unknown>>) : undefined;
      });
      const pods = podsOf(rs);
      assert.deepEqual(ready.map((a) => a['ip']).sort(), pods.map((p) => field(p, 'status.podIP')).sort());
      assert.deepEqual(ready.map((a) => field(a, 'targetRef.name')).sort(), pods.map((p) => p.metadata.name).sort());
      assert.equal(field(ready[0], 'targetRef.kind'), 'Pod');
      const victim = pods[0]?.metadata.name ?? '';
      patchPod(victim, (p) => (p.metadata.annotations = { [READY_ANNOTATION]: 'false' }));
      await waitFor('victim not ready', () => {
        const e = get(EP, 'web');
        const nr = (field(e, 'subsets.0.notReadyAddresses') ?? []) as unknown[];
        const a = (field(e, 'subsets.0.addresses') ?? []) as unknown[];
        return nr.length === 1 && field(nr[0], 'targetRef.name') === victim && a.length === 2;
      });
      store.delete(SVC, 'default', 'web');
      await waitFor('endpoints gone', () => get(EP, 'web') === undefined);
    });
  });

  describe('garbage collector', () => {
    it('background: deleting a ReplicaSet deletes its pods', async () => {
      const rs = store.create(RS, replicaSet('web', 3, { app: 'web' }));
      await waitFor('3 pods', () => podsOf(rs).length === 3);
      store.delete(RS, 'default', 'web');
      await waitFor('pods gone', () => store.list(PODS, 'default').length === 0);
    });

    it('background: deleting a Deployment deletes its ReplicaSets and pods', async () => {
      store.create(DEPLOY, deployment('api', 2, { app: 'api' }));
      await waitFor('2 pods', () => store.list(PODS, 'default').length === 2);
      store.delete(DEPLOY, 'default', 'api');
      await waitFor('all gone', () => store.list(RS, 'default').length === 0 && store.list(PODS, 'default').length === 0);
    });

    it('orphan: pods stay and lose their owner reference', async () => {
      const rs = store.create(RS, replicaSet('web', 2, { app: 'web' }));
      await waitFor('2 pods', () => podsOf(rs).length === 2);
      store.delete(RS, 'default', 'web', { propagationPolicy: 'Orphan' });
      await waitFor('rs gone', () => get(RS, 'web') === undefined);
      await settle();
      const pods = store.list(PODS, 'default');
      assert.equal(pods.length, 2);
      assert.ok(pods.every((p) => (p.metadata.ownerReferences ?? []).length === 0));
    });

    it('foreground: the owner waits with foregroundDeletion until its blocking dependents are gone', async () => {
      const rs = store.create(RS, replicaSet('web', 2, { app: 'web' }));
      await waitFor('2 pods', () => podsOf(rs).length === 2);
      const pods = podsOf(rs);
      // Hold one pod with a finalizer so the owner visibly waits.
      const held = pods[0]?.metadata.name ?? '';
      patchPod(held, (p) => (p.metadata.finalizers = ['test.sluice.dev/hold']));
      store.delete(RS, 'default', 'web', { propagationPolicy: 'Foreground' });
      await waitFor('other pod gone', () => store.list(PODS, 'default').length === 1);
      await settle();
      const owner = get(RS, 'web');
      assert.ok(owner, 'owner still there while a blocking dependent remains');
      assert.deepEqual(owner.metadata.finalizers, ['foregroundDeletion']);
      assert.ok(get(PODS, held)?.metadata.deletionTimestamp, 'held pod is being deleted');
      patchPod(held, (p) => (p.metadata.finalizers = []));
      await waitFor('owner gone', () => get(RS, 'web') === undefined && store.list(PODS, 'default').length === 0);
    });

    it('a custom resource owner (Rollout) cascades to ReplicaSets and their pods', async () => {
      store.create(CRD, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'rollouts.sluice.dev' },
        spec: {
          group: 'sluice.dev',
          scope: 'Namespaced',
          names: { plural: 'rollouts', singular: 'rollout', kind: 'Rollout', listKind: 'RolloutList' },
          versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      });
      await waitFor('rollouts served', () => store.resourceFor('sluice.dev/v1alpha1', 'Rollout'));
      const ro = store.create(ROLLOUTS, { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'app', namespace: 'default' }, spec: {} });
      const rsObj = replicaSet('app-canary', 2, { app: 'app' });
      rsObj.metadata.ownerReferences = [{ apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'app', uid: ro.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
      const rs = store.create(RS, rsObj);
      await waitFor('2 pods', () => podsOf(rs).length === 2);
      await settle();
      assert.ok(get(RS, 'app-canary'), 'RS with a live custom owner is kept');
      store.delete(ROLLOUTS, 'default', 'app');
      await waitFor('rs and pods gone', () => get(RS, 'app-canary') === undefined && store.list(PODS, 'default').length === 0);
    });

    it('deletes an object created with an owner uid that does not exist', async () => {
      const rs = store.create(RS, replicaSet('web', 0, { app: 'web' }));
      store.create(PODS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'late', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'not-the-uid' }] },
        spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
      });
      store.create(PODS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'kept', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid ?? '' }] },
        spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
      });
      await waitFor('late pod gone', () => get(PODS, 'late') === undefined);
      await settle();
      assert.ok(get(PODS, 'kept'), 'pod with a live (non-controller) owner is kept');
    });

    it('keeps a dependent with another live owner, dropping only the dangling reference', async () => {
      const a = store.create(RS, replicaSet('a', 0, { app: 'a' }));
      const b = store.create(RS, replicaSet('b', 0, { app: 'b' }));
      store.create(PODS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'shared',
          namespace: 'default',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: a.metadata.uid ?? '' },
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: b.metadata.uid ?? '' },
          ],
        },
        spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
      });
      store.delete(RS, 'default', 'a');
      await waitFor('reference dropped', () => get(PODS, 'shared')?.metadata.ownerReferences?.length === 1);
      assert.equal(get(PODS, 'shared')?.metadata.ownerReferences?.[0]?.name, 'b');
    });
  });

  describe('scale', () => {
    it('runs 10,000 pods across 100 ReplicaSets to Ready, then cascades them away', async function () {
      this.timeout(120_000);
      // Counted from the event stream: listing 10,000 pods in a tight poll would starve the work.
      let podEvents = 0;
      let deleted = 0;
      const running = new Set<string>();
      const unsub = store.subscribe((ev) => {
        if (ev.resource.resource !== 'pods') return;
        podEvents++;
        if (ev.type === 'DELETED') deleted++;
        else if (field(ev.object, 'status.phase') === 'Running') running.add(ev.object.metadata.uid ?? '');
      });
      try {
        for (let i = 0; i < 100; i++) store.create(RS, replicaSet(`rs${i}`, 100, { app: `a${i % 10}`, idx: String(i) }));
        store.create(SVC, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a0', namespace: 'default' }, spec: { selector: { app: 'a0' }, ports: [{ port: 80 }] } });
        const sum = (f: string): number => store.list(RS, 'default').reduce((n, r) => n + Number(field(r, f) ?? 0), 0);
        await waitFor('10,000 pods in RS status', () => sum('status.replicas') === 10_000, 100_000);
        await waitFor('10,000 running pods', () => running.size === 10_000, 100_000);
        assert.equal(store.list(PODS, 'default').filter((p) => field(p, 'status.phase') === 'Running').length, 10_000);
        assert.equal(sum('status.readyReplicas'), 0);
        await advance(DELAY);
        await waitFor('all RS ready', () => sum('status.readyReplicas') === 10_000, 100_000);
        await waitFor('1000 endpoints', () => (field(get(EP, 'a0'), 'subsets.0.addresses') as unknown[] | undefined)?.length === 1000, 100_000);
        // Bounded work: about 4 writes per pod (create, bind, Pending, Running) plus Ready.
        assert.ok(podEvents <= 10_000 * 6, `pod events ${podEvents}`);
        for (let i = 0; i < 100; i++) store.delete(RS, 'default', `rs${i}`);
        await waitFor('all pods gone', () => deleted === 10_000, 100_000);
        assert.equal(store.list(PODS, 'default').length, 0);
      } finally {
        unsub();
      }
    });
  });
});
