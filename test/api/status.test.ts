import assert from 'node:assert/strict';
import { ConditionType, RolloutPhase, parseRollout, parseRolloutStatus } from '../../src/api/index.js';
import type { RolloutStatus } from '../../src/api/index.js';
import { canaryRollout } from './helpers.js';

describe('api/rollout status', () => {
  it('reads a full status written by the controller', () => {
    const s = parseRolloutStatus({
      observedGeneration: 4,
      phase: 'Paused',
      message: 'CanaryPauseStep',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'Paused', message: 'paused at step 1', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Paused', status: 'True', reason: 'CanaryPauseStep', message: '', lastTransitionTime: '2026-01-01T00:00:00Z', lastUpdateTime: '2026-01-01T00:00:00Z' },
      ],
      replicas: 5,
      updatedReplicas: 1,
      readyReplicas: 5,
      availableReplicas: 5,
      currentPodHash: 'abc123',
      stableRS: 'def456',
      currentStepIndex: 1,
      currentStepHash: 'h',
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }],
      controllerPause: true,
      selector: 'app=web',
      canary: {
        weights: { canary: { weight: 20, podTemplateHash: 'abc123', serviceName: 'web-canary' }, stable: { weight: 80, podTemplateHash: 'def456', serviceName: 'web-stable' } },
        currentStepAnalysisRunStatus: { name: 'web-abc123-1', status: 'Running' },
      },
      bake: { stepIndex: 2, startedAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:30:00Z', analysisRun: 'web-abc123-0-bake-2' },
      attempt: 1,
    });
    assert.equal(s.phase, RolloutPhase.Paused);
    assert.equal(s.conditions.find((c) => c.type === ConditionType.Ready)?.status, 'False');
    assert.equal(s.conditions[0]?.lastUpdateTime, '');
    assert.equal(s.canary.weights?.canary.weight, 20);
    assert.deepEqual(s.canary.weights?.additional, []);
    assert.deepEqual(s.bake, { stepIndex: 2, startedAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:30:00Z', analysisRun: 'web-abc123-0-bake-2' });
    assert.equal(s.attempt, 1);
    assert.equal(s.currentStepIndex, 1);
  });

  const lenient: Record<string, { status: unknown; check: (s: RolloutStatus) => void }> = {
    'missing status': { status: undefined, check: (s) => { assert.equal(s.observedGeneration, 0); assert.equal(s.attempt, 0); } },
    'bake without a step index is dropped': { status: { bake: { startedAt: 'x' } }, check: (s) => assert.equal(s.bake, undefined) },
    'Argo string observedGeneration': { status: { observedGeneration: '7' }, check: (s) => assert.equal(s.observedGeneration, 7) },
    'Argo hash observedGeneration': { status: { observedGeneration: '5b9c8d' }, check: (s) => assert.equal(s.observedGeneration, 0) },
    'unknown phase': { status: { phase: 'Exploded', replicas: 3 }, check: (s) => { assert.equal(s.phase, undefined); assert.equal(s.replicas, 3); } },
    'condition without type is dropped': {
      status: { conditions: [{ status: 'True' }, { type: 'Ready', status: 'maybe' }] },
      check: (s) => assert.deepEqual(s.conditions.map((c) => [c.type, c.status]), [['Ready', 'Unknown']]),
    },
    'conditions not a list': { status: { conditions: 'Ready' }, check: (s) => assert.deepEqual(s.conditions, []) },
    'negative step index': { status: { currentStepIndex: -1 }, check: (s) => assert.equal(s.currentStepIndex, undefined) },
    'malformed weights': { status: { canary: { weights: { canary: 'x' } } }, check: (s) => assert.equal(s.canary.weights?.canary.weight, 0) },
    'unknown fields are ignored': { status: { HPAReplicas: 3, alb: {} }, check: (s) => assert.equal((s as Record<string, unknown>)['HPAReplicas'], undefined) },
    'status not an object': { status: 42, check: (s) => assert.deepEqual(s.conditions, []) },
  };
  for (const [name, tc] of Object.entries(lenient)) {
    it(`lenient: ${name}`, () => tc.check(parseRolloutStatus(tc.status)));
  }

  it('a broken status never fails parseRollout', () => {
    const r = parseRollout({ ...canaryRollout(), status: { phase: 1, conditions: [null], canary: [], bake: 'soon' } });
    assert.ok(r.ok);
    assert.equal(r.value.status.bake, undefined);
  });
});
