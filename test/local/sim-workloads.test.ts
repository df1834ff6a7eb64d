/**
 * The ReplicaSet controller, kubelet and Deployment controller against the real MemoryStore,
 * driven by a FakeClock: every assertion reads objects as the API server holds them.
 */
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { MemoryStore } from '../../src/local/store.js';
import { startSimulation, READY_ANNOTATION, POD_TEMPLATE_HASH, REVISION_ANNOTATION } from '../../src/local/sim/index.js';
import type { KubeObject, ResourceKey } from '../../src/local/types.js';
import { deployment, field, R, readyCondition, replicaSet, useSimStore, waitFor } from './sim-support.js';

const PODS = R.pods;
const RS = R.rs;
const DEPLOY = R.deploy;
const DELAY = 1000;

describe('local/sim workloads (store + FakeClock)', function () {
  const t = useSimStore({ podReadyDelayMs: DELAY, badImagePattern: /:bad$|crashloop/ });
  const podsOf = (rs: KubeObject): KubeObject[] => t().podsOf(rs);
  const get = (res: ResourceKey, name: string): KubeObject | undefined => t().get(res, name);
  const advance = (ms: number): Promise<void> => t().advance(ms);
  const patchPod = (name: string, f: (p: KubeObject) => void): void => t().patchPod(name, f);
  let store: MemoryStore;
  let clock: FakeClock;
  beforeEach(() => {
    ({ store, clock } = t());
  });

  describe('ReplicaSet controller', () => {
    it('creates pods from the template, named, labelled and owned by the ReplicaSet', async () => {
      const rs = store.create(RS, replicaSet('web', 3, { app: 'web' }));
      const pods = await waitFor('3 pods', () => (podsOf(rs).length === 3 ? podsOf(rs) : undefined));
      for (const p of pods) {
        assert.match(p.metadata.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
        assert.equal(p.metadata.namespace, 'default');
        assert.deepEqual(p.metadata.labels, { app: 'web' });
        assert.deepEqual(p.metadata.ownerReferences, [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
        ]);
        assert.equal(field(p, 'spec.containers.0.image'), 'nginx:1.25');
      }
      await waitFor('status.replicas 3', () => field(get(RS, 'web'), 'status.replicas') === 3);
      assert.equal(field(get(RS, 'web'), 'status.fullyLabeledReplicas'), 3);
      assert.equal(field(get(RS, 'web'), 'status.observedGeneration'), 1);
    });

    it('scales down not-ready pods first, then the newest', async () => {
      const rs = store.create(RS, replicaSet('web', 3, { app: 'web' }));
      await waitFor('3 running pods', () => podsOf(rs).filter((p) => field(p, 'status.phase') === 'Running').length === 3);
      await advance(DELAY);
      await waitFor('3 ready', () => field(get(RS, 'web'), 'status.readyReplicas') === 3);
      const [a, b, c] = podsOf(rs).map((p) => p.metadata.name ?? '');
      assert.ok(a && b && c);
      patchPod(b, (p) => (p.metadata.annotations = { [READY_ANNOTATION]: 'false' }));
      await waitFor('b unready', () => readyCondition(get(PODS, b)) === 'False');
      const cur = get(RS, 'web');
      assert.ok(cur);
      (cur['spec'] as Record<string, unknown>)['replicas'] = 2;
      store.update(RS, cur);
      await waitFor('b deleted', () => get(PODS, b) === undefined);
      assert.equal(podsOf(rs).length, 2);
      // Now add a fresh pod and scale down again: the newest (not yet ready) goes.
      const cur2 = get(RS, 'web');
      assert.ok(cur2);
      (cur2['spec'] as Record<string, unknown>)['replicas'] = 3;
      store.update(RS, cur2);
      const newest = await waitFor('a third pod', () => podsOf(rs).find((p) => p.metadata.name !== a && p.metadata.name !== c));
      const cur3 = get(RS, 'web');
      assert.ok(cur3);
      (cur3['spec'] as Record<string, unknown>)['replicas'] = 2;
      store.update(RS, cur3);
      await waitFor('newest deleted', () => get(PODS, newest.metadata.name ?? '') === undefined);
      assert.deepEqual(podsOf(rs).map((p) => p.metadata.name).sort(), [a, c].sort());
      await waitFor('status.replicas 2', () => field(get(RS, 'web'), 'status.replicas') === 2);
    });

    it('scales to zero and recreates a pod deleted by someone else', async () => {
      const rs = store.create(RS, replicaSet('web', 2, { app: 'web' }));
      const pods = await waitFor('2 pods', () => (podsOf(rs).length === 2 ? podsOf(rs) : undefined));
      store.delete(PODS, 'default', pods[0]?.metadata.name ?? '');
      await waitFor('replacement', () => podsOf(rs).length === 2 && !podsOf(rs).some((p) => p.metadata.name === pods[0]?.metadata.name));
      const cur = get(RS, 'web');
      assert.ok(cur);
      (cur['spec'] as Record<string, unknown>)['replicas'] = 0;
      store.update(RS, cur);
      await waitFor('no pods', () => podsOf(rs).length === 0);
      await waitFor('status 0', () => field(get(RS, 'web'), 'status.replicas') === 0 && field(get(RS, 'web'), 'status.observedGeneration') === 2);
    });

    it('adopts nothing: a matching pod without an owner is left alone and not counted', async () => {
      store.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } });
      const rs = store.create(RS, replicaSet('web', 2, { app: 'web' }));
      await waitFor('2 owned pods', () => podsOf(rs).length === 2);
      await waitFor('status.replicas 2', () => field(get(RS, 'web'), 'status.replicas') === 2);
      assert.equal(get(PODS, 'stray')?.metadata.ownerReferences, undefined);
    });
  });

  describe('kubelet', () => {
    it('reports Pending, then Running with an IP, and Ready after podReadyDelayMs', async () => {
      const rs = store.create(RS, replicaSet('web', 2, { app: 'web' }));
      const pods = await waitFor('running pods', () => {
        const ps = podsOf(rs);
        return ps.length === 2 && ps.every((p) => field(p, 'status.phase') === 'Running') ? ps : undefined;
      });
      for (const p of pods) {
        assert.match(String(field(p, 'status.podIP')), /^10\.\d+\.\d+\.\d+$/);
        assert.equal(typeof field(p, 'status.hostIP'), 'string');
        assert.equal(typeof field(p, 'status.startTime'), 'string');
        assert.equal(field(p, 'spec.nodeName'), 'sluice-local-node');
        assert.equal(readyCondition(p), 'False');
        assert.equal(field(p, 'status.containerStatuses.0.started'), true);
        assert.equal(field(p, 'status.containerStatuses.0.ready'), false);
        assert.ok(field(p, 'status.containerStatuses.0.state.running'));
      }
      assert.notEqual(field(pods[0], 'status.podIP'), field(pods[1], 'status.podIP'));
      await advance(DELAY - 1);
      assert.ok(podsOf(rs).every((p) => readyCondition(p) === 'False'), 'not ready before the delay');
      assert.equal(field(get(RS, 'web'), 'status.readyReplicas'), 0);
      await advance(1);
      await waitFor('ready pods', () => podsOf(rs).every((p) => readyCondition(p) === 'True' && field(p, 'status.containerStatuses.0.ready') === true));
      await waitFor('readyReplicas 2', () => field(get(RS, 'web'), 'status.readyReplicas') === 2 && field(get(RS, 'web'), 'status.availableReplicas') === 2);
      const conds = field(podsOf(rs)[0], 'status.conditions') as Array<Record<string, unknown>>;
      assert.deepEqual(conds.map((c) => c['type']).sort(), ['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready']);
      assert.ok(conds.every((c) => typeof c['lastTransitionTime'] === 'string'));
    });

    it('counts a pod available only after minReadySeconds, at that moment', async () => {
      store.create(RS, replicaSet('web', 2, { app: 'web' }, { minReadySeconds: 5 }));
      await waitFor('running', () => store.list(PODS, 'default').filter((p) => field(p, 'status.phase') === 'Running').length === 2);
      await advance(DELAY);
      await waitFor('ready 2', () => field(get(RS, 'web'), 'status.readyReplicas') === 2);
      assert.equal(field(get(RS, 'web'), 'status.availableReplicas'), 0);
      await advance(4999);
      assert.equal(field(get(RS, 'web'), 'status.availableReplicas'), 0);
      await advance(1);
      await waitFor('available 2', () => field(get(RS, 'web'), 'status.availableReplicas') === 2);
    });

    it('crash-loops a pod whose image matches badImagePattern: restarts climb, never Ready', async () => {
      const rs = store.create(RS, replicaSet('bad', 1, { app: 'bad' }, {}, ['registry/app:bad']));
      const pod = await waitFor('crashing pod', () => podsOf(rs).find((p) => field(p, 'status.containerStatuses.0.state.waiting.reason') === 'CrashLoopBackOff'));
      assert.equal(field(pod, 'status.phase'), 'Running');
      assert.equal(field(pod, 'status.containerStatuses.0.restartCount'), 0);
      const name = pod.metadata.name ?? '';
      const restarts = (): unknown => field(get(PODS, name), 'status.containerStatuses.0.restartCount');
      await advance(10_000);
      await waitFor('1 restart', () => restarts() === 1);
      await advance(20_000);
      await waitFor('2 restarts', () => restarts() === 2);
      await advance(40_000 + 80_000);
      await waitFor('4 restarts', () => restarts() === 4);
      assert.equal(readyCondition(get(PODS, name)), 'False');
      assert.equal(field(get(PODS, name), 'status.containerStatuses.0.lastState.terminated.exitCode'), 1);
      assert.equal(field(get(RS, 'bad'), 'status.readyReplicas'), 0);
    });

    it('honours sim.sluice.dev/ready, and changes to it', async () => {
      const rs = store.create(RS, replicaSet('web', 1, { app: 'web' }));
      const pod = await waitFor('running', () => podsOf(rs).find((p) => field(p, 'status.phase') === 'Running'));
      const name = pod.metadata.name ?? '';
      patchPod(name, (p) => (p.metadata.annotations = { [READY_ANNOTATION]: 'false' }));
      await advance(DELAY * 5);
      assert.equal(readyCondition(get(PODS, name)), 'False');
      patchPod(name, (p) => (p.metadata.annotations = { [READY_ANNOTATION]: 'true' }));
      await waitFor('ready', () => readyCondition(get(PODS, name)) === 'True');
      await waitFor('rs ready 1', () => field(get(RS, 'web'), 'status.readyReplicas') === 1);
      patchPod(name, (p) => (p.metadata.annotations = { [READY_ANNOTATION]: 'false' }));
      await waitFor('unready again', () => readyCondition(get(PODS, name)) === 'False');
      await waitFor('rs ready 0', () => field(get(RS, 'web'), 'status.readyReplicas') === 0);
    });

    it('"true" makes a pod Ready before the delay', async () => {
      const tmpl = replicaSet('web', 1, { app: 'web' });
      ((tmpl['spec'] as Record<string, Record<string, Record<string, unknown>>>)['template'] ?? {})['metadata'] = { labels: { app: 'web' }, annotations: { [READY_ANNOTATION]: 'true' } };
      const rs = store.create(RS, tmpl);
      await waitFor('ready at once', () => podsOf(rs).length === 1 && podsOf(rs).every((p) => readyCondition(p) === 'True'));
      assert.equal(clock.now(), new FakeClock().now());
    });
  });

  describe('Deployment controller', () => {
    it('creates a ReplicaSet named and labelled with the pod-template-hash, at revision 1', async () => {
      const d = store.create(DEPLOY, deployment('api', 3, { app: 'api' }));
      const rs = await waitFor('rs', () => store.list(RS, 'default').find((r) => r.metadata.ownerReferences?.[0]?.uid === d.metadata.uid));
      const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH];
      assert.ok(hash && /^[bcdfghjklmnpqrstvwxz2456789]+$/.test(hash));
      assert.equal(rs.metadata.name, `api-${hash}`);
      assert.equal(field(rs, `spec.selector.matchLabels.${POD_TEMPLATE_HASH}`), hash);
      assert.equal(field(rs, `spec.template.metadata.labels.${POD_TEMPLATE_HASH}`), hash);
      assert.equal(rs.metadata.annotations?.[REVISION_ANNOTATION], '1');
      assert.equal(rs.metadata.ownerReferences?.[0]?.controller, true);
      await waitFor('3 pods with the hash', () => store.list(PODS, 'default', `${POD_TEMPLATE_HASH}=${hash}`).length === 3);
      await advance(DELAY);
      await waitFor('deployment available', () => {
        const s = get(DEPLOY, 'api');
        return field(s, 'status.availableReplicas') === 3 && field(s, 'status.updatedReplicas') === 3 && field(s, 'status.observedGeneration') === 1;
      });
      const conds = field(get(DEPLOY, 'api'), 'status.conditions') as Array<Record<string, unknown>>;
      assert.deepEqual(conds.find((c) => c['type'] === 'Available')?.['status'], 'True');
      assert.deepEqual(conds.find((c) => c['type'] === 'Progressing')?.['reason'], 'NewReplicaSetAvailable');
    });

    it('the same template always gives the same hash', async () => {
      const d1 = store.create(DEPLOY, deployment('one', 1, { app: 'x' }));
      const rs1 = await waitFor('rs1', () => store.list(RS, 'default').find((r) => r.metadata.ownerReferences?.[0]?.uid === d1.metadata.uid));
      t().sim.stop();
      const clock2 = new FakeClock();
      const store2 = new MemoryStore({ clock: clock2 });
      store2.registerBuiltins();
      const sim2 = startSimulation(store2, { clock: clock2, podReadyDelayMs: DELAY });
      try {
        const d2 = store2.create(DEPLOY, deployment('one', 1, { app: 'x' }));
        const rs2 = await waitFor('rs2', () => store2.list(RS, 'default').find((r) => r.metadata.ownerReferences?.[0]?.uid === d2.metadata.uid));
        assert.equal(rs2.metadata.name, rs1.metadata.name);
      } finally {
        sim2.stop();
      }
    });

    it('rolls a new template out (revision 2) and scales the old ReplicaSet to zero', async () => {
      store.create(DEPLOY, deployment('api', 4, { app: 'api' }, 'nginx:1'));
      await advance(0);
      await waitFor('4 ready', () => field(get(DEPLOY, 'api'), 'status.replicas') === 4);
      await advance(DELAY);
      await waitFor('available 4', () => field(get(DEPLOY, 'api'), 'status.availableReplicas') === 4);
      const d = get(DEPLOY, 'api');
      assert.ok(d);
      (field(d, 'spec.template.spec.containers.0') as Record<string, unknown>)['image'] = 'nginx:2';
      store.update(DEPLOY, d);
      // Rolling: never more than 5 pods (maxSurge 25% of 4 -> 1), never fewer than 3 available.
      let maxPods = 0;
      for (let i = 0; i < 40; i++) {
        await advance(DELAY / 2);
        maxPods = Math.max(maxPods, store.list(PODS, 'default').length);
        const avail = field(get(DEPLOY, 'api'), 'status.availableReplicas');
        assert.ok(typeof avail === 'number' && avail >= 3, `available ${String(avail)} >= 3`);
      }
      assert.ok(maxPods <= 5, `at most 5 pods at once, saw ${maxPods}`);
      const rss = store.list(RS, 'default');
      assert.equal(rss.length, 2);
      const cur = rss.find((r) => r.metadata.annotations?.[REVISION_ANNOTATION] === '2');
      const old = rss.find((r) => r.metadata.annotations?.[REVISION_ANNOTATION] === '1');
      assert.equal(field(cur, 'spec.replicas'), 4);
      assert.equal(field(old, 'spec.replicas'), 0);
      assert.ok(store.list(PODS, 'default').every((p) => field(p, 'spec.containers.0.image') === 'nginx:2'));
      await waitFor('complete', () => field(get(DEPLOY, 'api'), 'status.updatedReplicas') === 4 && field(get(DEPLOY, 'api'), 'status.replicas') === 4);
      assert.equal(get(DEPLOY, 'api')?.metadata.annotations?.[REVISION_ANNOTATION], '2');
    });

    it('Recreate removes every old pod before creating new ones', async () => {
      store.create(DEPLOY, deployment('api', 2, { app: 'api' }, 'nginx:1', { strategy: { type: 'Recreate' } }));
      await waitFor('2 pods', () => store.list(PODS, 'default').length === 2);
      const d = get(DEPLOY, 'api');
      assert.ok(d);
      (field(d, 'spec.template.spec.containers.0') as Record<string, unknown>)['image'] = 'nginx:2';
      store.update(DEPLOY, d);
      const seen = new Set<string>();
      const unsub = store.subscribe((ev) => {
        if (ev.resource.resource !== 'pods' || ev.type === 'DELETED') return;
        const imgs = new Set(store.list(PODS, 'default').map((p) => String(field(p, 'spec.containers.0.image'))));
        seen.add([...imgs].sort().join(','));
      });
      try {
        await waitFor('2 new pods', () => {
          const ps = store.list(PODS, 'default');
          return ps.length === 2 && ps.every((p) => field(p, 'spec.containers.0.image') === 'nginx:2');
        });
      } finally {
        unsub();
      }
      assert.ok(![...seen].includes('nginx:1,nginx:2'), `old and new never together: ${[...seen].join(' | ')}`);
    });

    it('reports ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds', async () => {
      store.create(DEPLOY, deployment('api', 2, { app: 'api' }, 'registry/app:bad', { progressDeadlineSeconds: 30 }));
      const progressing = (): Record<string, unknown> | undefined =>
        (field(get(DEPLOY, 'api'), 'status.conditions') as Array<Record<string, unknown>> | undefined)?.find((c) => c['type'] === 'Progressing');
      await waitFor('progressing with 2 pods', () => progressing()?.['reason'] === 'ReplicaSetUpdated' && field(get(DEPLOY, 'api'), 'status.replicas') === 2);
      await advance(29_000);
      assert.equal(progressing()?.['status'], 'True');
      await advance(2_000);
      await waitFor('deadline exceeded', () => progressing()?.['reason'] === 'ProgressDeadlineExceeded' && progressing()?.['status'] === 'False');
      assert.equal(field(get(DEPLOY, 'api'), 'status.availableReplicas'), 0);
    });

    it('honours spec.replicas 0: every pod goes', async () => {
      store.create(DEPLOY, deployment('api', 3, { app: 'api' }));
      await waitFor('3 pods', () => store.list(PODS, 'default').length === 3);
      await advance(DELAY);
      const d = get(DEPLOY, 'api');
      assert.ok(d);
      (d['spec'] as Record<string, unknown>)['replicas'] = 0;
      store.update(DEPLOY, d);
      await waitFor('no pods', () => store.list(PODS, 'default').length === 0);
      await waitFor('status 0', () => field(get(DEPLOY, 'api'), 'status.replicas') === 0 && field(get(DEPLOY, 'api'), 'status.observedGeneration') === 2);
      assert.equal(field(store.list(RS, 'default')[0], 'spec.replicas'), 0);
    });
  });
});
