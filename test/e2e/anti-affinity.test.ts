/**
 * antiAffinity against the local cluster: the canary ReplicaSet (and so its pods) avoids the
 * nodes of the stable pods; once promoted, the rule comes off its template and the user's own
 * affinity stays as written.
 */
import assert from 'node:assert/strict';
import type { V1Affinity, V1ReplicaSet } from '@kubernetes/client-node';
import { canaryRollout, createRollout, eventually, getRollout, patchRollout, setImage, startController, startEnv, stopEnv, type Env, type Obj } from './support.js';

const HASH = 'rollouts-pod-template-hash';
/** client-node's typed objects as plain JSON (deepEqual compares prototypes). */
const plain = (x: unknown): unknown => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));
/** The user's own anti-affinity (zones), which must survive untouched. */
const userTerm = { labelSelector: { matchLabels: { tier: 'web' } }, topologyKey: 'topology.kubernetes.io/zone' };

describe('e2e: antiAffinity', function () {
  this.timeout(60_000);
  let env: Env;
  before(async () => {
    env = await startEnv();
    await startController(env);
  });
  after(async () => stopEnv(env));

  async function replicaSet(app: string, hash: string): Promise<V1ReplicaSet | undefined> {
    const rss = (await env.apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: `app=${app}` })).items;
    return rss.find((rs) => rs.metadata?.labels?.[HASH] === hash);
  }

  async function deploy(app: string, antiAffinity: Obj): Promise<{ stable: string; canary: string }> {
    const ro = canaryRollout(app, [{ setWeight: 50 }, { pause: {} }], { antiAffinity, maxSurge: 1, maxUnavailable: 0 });
    ro.spec.template.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [userTerm] } };
    await createRollout(env, ro);
    const first = await eventually(async () => {
      const r = await getRollout(env, app);
      return r.status?.phase === 'Healthy' && r;
    }, `${app} Healthy`);
    const stable = first.status.stableRS as string;
    const v1 = await replicaSet(app, stable);
    assert.deepEqual(plain(v1?.spec?.template?.spec?.affinity), ro.spec.template.spec.affinity, 'the first revision has no rule (nothing to avoid)');
    await setImage(env, app, 'app:v2');
    const paused = await eventually(async () => {
      const r = await getRollout(env, app);
      return r.status?.phase === 'Paused' && r;
    }, `${app} paused at 50%`);
    return { stable, canary: paused.status.currentPodHash as string };
  }

  async function promoteAndCheck(app: string, canary: string, stable: string): Promise<void> {
    await patchRollout(env, app, { status: { pauseConditions: null } }, { status: true });
    const done = await eventually(async () => {
      const r = await getRollout(env, app);
      if (r.status?.phase !== 'Healthy' || r.status?.stableRS !== canary) return false;
      const rs = await replicaSet(app, canary);
      const a = rs?.spec?.template?.spec?.affinity as V1Affinity | undefined;
      return (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length === 0 && (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length === 1 && a;
    }, `${app} promoted, rule taken off`);
    assert.deepEqual(plain(done.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution), [userTerm], 'only the user term is left');
    assert.notEqual(canary, stable);
  }

  it('preferred: the canary pods prefer other nodes than the stable pods; the rule goes at promotion', async () => {
    const app = 'aa-preferred';
    const { stable, canary } = await deploy(app, { preferredDuringSchedulingIgnoredDuringExecution: { weight: 40 } });
    const rs = await replicaSet(app, canary);
    const anti = plain(rs?.spec?.template?.spec?.affinity?.podAntiAffinity) as Obj;
    assert.deepEqual(anti['requiredDuringSchedulingIgnoredDuringExecution'], [userTerm], 'the user term is kept');
    assert.deepEqual(anti['preferredDuringSchedulingIgnoredDuringExecution'], [
      { weight: 40, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: HASH, operator: 'In', values: [stable] }] }, topologyKey: 'kubernetes.io/hostname' } },
    ]);
    const pods = (await env.core.listNamespacedPod({ namespace: 'default', labelSelector: `${HASH}=${canary}` })).items;
    assert.ok(pods.length > 0);
    for (const p of pods) assert.deepEqual(plain(p.spec?.affinity?.podAntiAffinity), anti, `pod ${p.metadata?.name} carries the rule`);
    await promoteAndCheck(app, canary, stable);
  });

  it('required: the canary pods must not share a node with the stable pods', async () => {
    const app = 'aa-required';
    const { stable, canary } = await deploy(app, { requiredDuringSchedulingIgnoredDuringExecution: {} });
    const rs = await replicaSet(app, canary);
    assert.deepEqual(plain(rs?.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution), [
      userTerm,
      { labelSelector: { matchExpressions: [{ key: HASH, operator: 'In', values: [stable] }] }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    await promoteAndCheck(app, canary, stable);
  });
});
