import assert from 'node:assert/strict';
import { canaryRollout, createRollout, eventually, getRollout, patchRollout, startController, startEnv, stopEnv, type Env } from './support.js';

describe('e2e: workloadRef and restartAt', function () {
  this.timeout(60_000);
  let env: Env;
  before(async () => {
    env = await startEnv();
    await startController(env);
  });
  after(async () => stopEnv(env));

  async function deployment(name: string, replicas: number): Promise<void> {
    await env.apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
        },
      },
    });
  }

  for (const [policy, expectZero] of [['onsuccess', true], ['progressively', true], ['never', false]] as const) {
    it(`takes its template from a Deployment and scales it down: ${policy}`, async () => {
      const name = `dep-${policy}`;
      await deployment(name, 3);
      const ro = canaryRollout(name, [{ setWeight: 50 }]);
      delete ro.spec.selector;
      delete ro.spec.template;
      ro.spec.replicas = 3;
      ro.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name, scaleDown: policy };
      await createRollout(env, ro);
      await eventually(async () => (await getRollout(env, name)).status?.phase === 'Healthy', `${name} Healthy`);
      const rss = (await env.apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: `rollout.sluice.dev/name=${name}` })).items;
      assert.equal(rss.length, 1);
      assert.equal(rss[0]?.spec?.template?.spec?.containers[0]?.image, 'app:v1', 'template from the Deployment');
      const dep = await eventually(async () => {
        const d = await env.apps.readNamespacedDeployment({ name, namespace: 'default' });
        return (expectZero ? d.spec?.replicas === 0 : true) && d;
      }, `${name} Deployment scaled`);
      assert.equal(dep.spec?.replicas, expectZero ? 0 : 3);
    });
  }

  it('a missing Deployment is InvalidSpec naming the field', async () => {
    const ro = canaryRollout('dep-missing', []);
    delete ro.spec.selector;
    delete ro.spec.template;
    ro.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nowhere' };
    await createRollout(env, ro);
    const got = await eventually(async () => {
      const r = await getRollout(env, 'dep-missing');
      return r.status?.phase === 'Degraded' && r;
    }, 'Degraded');
    assert.match(got.status.message, /spec\.workloadRef\.name: Deployment "nowhere" not found/);
  });

  it('restartAt recreates every pod, within maxUnavailable, and records restartedAt', async () => {
    await createRollout(env, canaryRollout('restarts', [], { maxUnavailable: 1 }));
    await eventually(async () => (await getRollout(env, 'restarts')).status?.phase === 'Healthy', 'Healthy');
    const before = new Set((await env.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=restarts' })).items.map((p) => p.metadata?.name));
    const at = new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await patchRollout(env, 'restarts', { spec: { restartAt: at } });
    const ro = await eventually(async () => {
      const r = await getRollout(env, 'restarts');
      return r.status?.restartedAt === at && r;
    }, 'restartedAt recorded', 30_000);
    assert.equal(ro.status.restartedAt, at);
    const after = (await env.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=restarts' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    assert.equal(after.length, 4);
    for (const p of after) assert.ok(!before.has(p.metadata?.name), `pod ${p.metadata?.name} was recreated`);
  });

  it('canaryMetadata and stableMetadata label pods by role, and follow the promotion', async () => {
    const ro = canaryRollout('roles', [{ setWeight: 50 }, { pause: {} }], {
      canaryMetadata: { labels: { role: 'canary' } },
      stableMetadata: { labels: { role: 'stable' }, annotations: { 'example.com/tier': 'stable' } },
    });
    await createRollout(env, ro);
    await eventually(async () => (await getRollout(env, 'roles')).status?.phase === 'Healthy', 'Healthy');
    const roles = async (): Promise<string[]> =>
      (await env.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=roles' })).items
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => `${p.metadata?.labels?.['role'] ?? '-'}/${p.metadata?.annotations?.['example.com/tier'] ?? '-'}`)
        .sort();
    await eventually(async () => (await roles()).join() === 'stable/stable,stable/stable,stable/stable,stable/stable', 'every pod stable');
    await patchRollout(env, 'roles', { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:v2' }] } } } });
    await eventually(async () => (await getRollout(env, 'roles')).status?.phase === 'Paused', 'paused at 50%');
    await eventually(async () => {
      const r = await roles();
      return r.filter((x) => x === 'canary/-').length === 2 && r.filter((x) => x === 'stable/stable').length >= 2;
    }, 'two canary pods labelled canary, the stable ones stable');
    await patchRollout(env, 'roles', { status: { pauseConditions: null } }, { status: true });
    await eventually(async () => {
      const r = await roles();
      return r.length === 4 && r.every((x) => x === 'stable/stable');
    }, 'after promotion every pod is stable', 20_000);
  });
});
