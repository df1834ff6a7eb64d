import assert from 'node:assert/strict';
import { canaryRollout, createRollout, eventually, getRollout, patchRollout, setImage, startController, startEnv, stopEnv, type Env } from './support.js';

describe('e2e: basic canary (replica ratio) against the local cluster', function () {
  this.timeout(60_000);
  let env: Env;
  before(async () => {
    env = await startEnv({ badImagePattern: /:bad$/ });
    await startController(env);
  });
  after(async () => stopEnv(env));

  it('deploys the first revision, then walks a new one through its steps to Healthy', async () => {
    await createRollout(env, canaryRollout('web', [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10s' } }], { maxSurge: 1, maxUnavailable: 0 }));
    const first = await eventually(async () => {
      const ro = await getRollout(env, 'web');
      return ro.status?.phase === 'Healthy' && ro;
    }, 'first revision Healthy');
    assert.equal(first.status.availableReplicas, 4);
    const stable = first.status.stableRS;

    await setImage(env, 'web', 'app:v2');
    const paused = await eventually(async () => {
      const ro = await getRollout(env, 'web');
      return ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && ro;
    }, 'paused at step 1');
    assert.notEqual(paused.status.currentPodHash, stable);
    const rss = (await env.apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' })).items;
    const byHash = new Map(rss.map((rs) => [rs.metadata?.labels?.['rollouts-pod-template-hash'], rs.spec?.replicas]));
    assert.equal(byHash.get(paused.status.currentPodHash), 1, '25% of 4 is 1 canary pod');
    assert.equal(byHash.get(stable), 3);

    await patchRollout(env, 'web', { status: { pauseConditions: null } }, { status: true });
    const done = await eventually(async () => {
      const ro = await getRollout(env, 'web');
      return ro.status?.phase === 'Healthy' && ro.status.stableRS === paused.status.currentPodHash && ro;
    }, 'promoted to Healthy');
    assert.equal(done.status.conditions.find((c: { type: string }) => c.type === 'Ready').status, 'True');
    const events = (await env.core.listNamespacedEvent({ namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'web').map((e) => e.reason);
    for (const r of ['StepStarted', 'StepCompleted', 'RolloutPaused', 'RolloutCompleted']) assert.ok(events.includes(r), `event ${r} in ${events.join(',')}`);

    const text = await env.manager!.metricsRegistry.metrics();
    assert.match(text, /sluice_rollout_phase\{namespace="default",name="web",phase="Healthy"\} 1/);
    assert.match(text, /sluice_rollout_phase\{namespace="default",name="web",phase="Paused"\} 0/);
    assert.match(text, /sluice_rollout_transitions_total\{namespace="default",name="web",reason="RolloutCompleted"\} 1/);
  });

  it('an invalid Rollout gets InvalidSpec and an Event; others keep being served', async () => {
    const bad = canaryRollout('broken', [{ setWeight: 20 }, { analysis: { templates: [{ templateName: 'nope' }] } }]);
    await createRollout(env, bad);
    const ro = await eventually(async () => {
      const r = await getRollout(env, 'broken');
      return r.status?.phase === 'Degraded' && r;
    }, 'broken is Degraded');
    const cond = ro.status.conditions.find((c: { type: string }) => c.type === 'InvalidSpec');
    assert.equal(cond.status, 'True');
    assert.match(cond.message, /AnalysisTemplate "nope" not found/);
    const events = (await env.core.listNamespacedEvent({ namespace: 'default' })).items.filter((e) => e.involvedObject.name === 'broken');
    assert.ok(events.some((e) => e.reason === 'InvalidSpec' && /templateName/.test(e.message ?? '')));
    const rss = (await env.apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=broken' })).items;
    assert.equal(rss.length, 0, 'no change until the spec is fixed');
    await createRollout(env, canaryRollout('fine', []));
    await eventually(async () => (await getRollout(env, 'fine')).status?.phase === 'Healthy', 'another Rollout still served');
  });
});
