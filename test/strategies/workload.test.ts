import assert from 'node:assert/strict';
import { planRestart, workloadReplicas, type ScaleDownPolicy } from '../../src/strategies/workload.js';

describe('workloadRef scale-down and restartAt', () => {
  const scale: Record<string, [ScaleDownPolicy, number, { replicas: number; available: number; healthy: boolean }, number | undefined]> = {
    'never leaves the Deployment alone': ['never', 5, { replicas: 5, available: 5, healthy: true }, undefined],
    'onsuccess waits for Healthy': ['onsuccess', 5, { replicas: 5, available: 5, healthy: false }, undefined],
    'onsuccess scales to 0 once Healthy': ['onsuccess', 5, { replicas: 5, available: 5, healthy: true }, 0],
    'progressively keeps full capacity': ['progressively', 5, { replicas: 5, available: 2, healthy: false }, 3],
    'progressively never scales back up': ['progressively', 1, { replicas: 5, available: 2, healthy: false }, undefined],
    'progressively reaches 0': ['progressively', 3, { replicas: 5, available: 5, healthy: true }, 0],
  };
  for (const [name, [policy, current, ro, want]] of Object.entries(scale)) {
    it(name, () => assert.equal(workloadReplicas(policy, current, ro), want));
  }

  const t = (s: number): number => Date.UTC(2026, 0, 1, 0, 0, s);
  const at = '2026-01-01T00:00:10Z';
  const pod = (name: string, created: number, ready = true, deleting = false) => ({ name, created, ready, deleting });

  it('waits for restartAt, then recreates old pods within maxUnavailable, oldest first', () => {
    const pods = [pod('b', t(2)), pod('a', t(1)), pod('c', t(3))];
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: undefined, steady: true, now: t(5), pods, maxUnavailable: 1 }), { deletePods: [], requeueAfter: 5000 });
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: undefined, steady: true, now: t(11), pods, maxUnavailable: 1 }).deletePods, ['a']);
    const busy = [pod('a', t(1), false, true), pod('b', t(2)), pod('c', t(3))];
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: undefined, steady: true, now: t(11), pods: busy, maxUnavailable: 1 }).deletePods, []);
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: undefined, steady: true, now: t(11), pods, maxUnavailable: 2 }).deletePods, ['a', 'b']);
  });

  it('does nothing mid-rollout, and records restartedAt when every pod is newer', () => {
    const pods = [pod('a', t(1))];
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: undefined, steady: false, now: t(11), pods, maxUnavailable: 1 }).deletePods, []);
    const fresh = [pod('x', t(12)), pod('y', t(13))];
    assert.equal(planRestart({ restartAt: at, restartedAt: undefined, steady: true, now: t(14), pods: fresh, maxUnavailable: 1 }).restartedAt, at);
    assert.deepEqual(planRestart({ restartAt: at, restartedAt: at, steady: true, now: t(14), pods, maxUnavailable: 1 }), { deletePods: [] });
  });
});
