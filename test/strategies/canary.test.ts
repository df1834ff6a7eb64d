import assert from 'node:assert/strict';
import { pass, reasons, rs, setRun, settle, spec, update, world } from './harness.js';

const MIN = 60_000;
const analysis = { templates: [{ templateName: 'error-rate' }] };

describe('canary planner', () => {
  it('walks setWeight steps with weights that follow ready pods, then promotes', () => {
    const w = world(spec([{ setWeight: 20 }, { setWeight: 50 }]));
    update(w, 'bbbb');
    const first = pass(w);
    assert.equal(first.createReplicaSet?.hash, 'bbbb');
    assert.equal(first.traffic?.weight, 0, 'no weight before the canary has pods');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    assert.equal(w.o.status.phase, 'Healthy');
    const weights = w.plans.map((p) => p.traffic?.weight);
    assert.ok(weights.includes(20) && weights.includes(50) && weights.includes(100));
    assert.ok(reasons(w).includes('RolloutCompleted'));
    // the old stable keeps its pods for scaleDownDelaySeconds
    assert.equal(rs(w, 'aaaa')?.spec, 10);
    w.now += 31_000;
    settle(w);
    assert.equal(rs(w, 'aaaa')?.spec, 0);
  });

  it('never sends weight to a canary without available pods, and goes Degraded at the deadline', () => {
    const w = world(spec([{ setWeight: 20 }, { pause: {} }]));
    update(w, 'bbbb');
    w.broken.add('bbbb');
    settle(w);
    assert.equal(w.routerWeight, 0);
    assert.equal(w.o.status.phase, 'Progressing');
    w.now += 601_000;
    settle(w);
    assert.equal(w.o.status.phase, 'Degraded');
    assert.match(String(w.o.status.message), /ProgressDeadlineExceeded/);
    assert.equal(w.routerWeight, 0);
  });

  it('progressDeadlineAbort aborts with all traffic on stable', () => {
    const s = spec([{ setWeight: 20 }]);
    s.progressDeadlineAbort = true;
    const w = world(s);
    update(w, 'bbbb');
    w.broken.add('bbbb');
    settle(w);
    w.now += 601_000;
    settle(w);
    assert.equal(w.o.status.abort, true);
    assert.equal(w.routerWeight, 0);
  });

  it('an indefinite pause holds until promoted, and never trips the deadline', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }, { setWeight: 60 }]));
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.phase, 'Paused');
    assert.equal(w.o.status.currentStepIndex, 1);
    w.now += 3600_000;
    settle(w);
    assert.equal(w.o.status.phase, 'Paused', 'a deliberate pause is not a stall');
    w.o.status.pauseConditions = []; // kubectl sluice promote
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('a timed pause resumes by itself at its end', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: { duration: 5 * MIN } }]));
    update(w, 'bbbb');
    const plan = settle(w);
    assert.equal(w.o.status.phase, 'Paused');
    assert.equal(plan.requeueAfter, 5 * MIN);
    w.now += 5 * MIN;
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('the bake holds the weight for its duration and passes only with a Successful run', () => {
    const w = world(spec([{ setWeight: 5 }, { bake: { duration: 30 * MIN, analysis } }, { setWeight: 50 }]));
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.currentStepIndex, 1);
    assert.equal(w.routerWeight, 5);
    const bake = w.o.status.bake!;
    assert.equal(Date.parse(bake.endsAt) - Date.parse(bake.startedAt), 30 * MIN);
    assert.equal(w.o.runs.length, 1);
    // the run succeeds early: the bake still holds to its end
    setRun(w, (r) => r.kind === 'bake', 'Successful');
    w.now += 10 * MIN;
    settle(w);
    assert.equal(w.o.status.currentStepIndex, 1);
    assert.equal(w.o.status.phase, 'Progressing');
    w.now += 20 * MIN;
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    assert.ok(reasons(w).includes('BakeCompleted'));
  });

  it('the bake aborts as soon as its analysis fails: stable at 100, canary kept for the abort delay', () => {
    const w = world(spec([{ setWeight: 5 }, { bake: { duration: 30 * MIN, analysis } }]));
    update(w, 'bbbb');
    settle(w);
    w.now += MIN;
    setRun(w, (r) => r.kind === 'bake', 'Failed', 'error rate 0.2 > 0.01');
    const plan = pass(w);
    assert.equal(plan.traffic?.weight, 0);
    assert.equal(plan.services?.canaryHash, 'aaaa', 'canary Service points back to stable');
    assert.equal(plan.traffic?.removeManagedRoutes, true);
    assert.equal(w.o.status.abort, true);
    assert.equal(w.o.status.phase, 'Degraded');
    assert.match(String(w.o.status.message), /error rate 0.2/);
    assert.equal(rs(w, 'bbbb')?.spec, 1, 'canary pods stay for abortScaleDownDelaySeconds');
    w.now += 30_000;
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 0);
    assert.equal(reasons(w).filter((r) => r === 'RolloutAborted').length, 1, 'one abort event');
  });

  it('at the end of the bake the open-ended run is terminated and its verdict taken', () => {
    const w = world(spec([{ setWeight: 5 }, { bake: { duration: 30 * MIN, analysis } }]));
    update(w, 'bbbb');
    settle(w);
    w.now += 30 * MIN;
    const plan = pass(w);
    assert.deepEqual(plan.terminateRuns, [w.o.runs[0]!.name]);
    assert.equal(w.o.status.currentStepIndex, 1, 'no promotion without a verdict');
    setRun(w, (r) => r.kind === 'bake', 'Successful');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('an analysis step: Successful goes on, Inconclusive pauses until promoted', () => {
    const w = world(spec([{ setWeight: 10 }, { analysis }, { setWeight: 50 }, { analysis }]));
    update(w, 'bbbb');
    settle(w);
    setRun(w, (r) => r.stepIndex === 1, 'Successful');
    settle(w);
    assert.equal(w.o.status.currentStepIndex, 3);
    setRun(w, (r) => r.stepIndex === 3, 'Inconclusive', 'not enough traffic: 12 requests < 100');
    settle(w);
    assert.equal(w.o.status.phase, 'Paused');
    assert.match(String(w.o.status.message), /not enough traffic/);
    w.o.status.pauseConditions = [];
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('abort by the user, then retry from step 0 with fresh runs', () => {
    const w = world(spec([{ setWeight: 10 }, { analysis }]));
    update(w, 'bbbb');
    settle(w);
    w.o.status.abort = true; // kubectl sluice abort
    settle(w);
    assert.equal(w.o.status.phase, 'Degraded');
    assert.equal(w.routerWeight, 0);
    w.o.status.abort = false; // kubectl sluice retry
    settle(w);
    assert.equal(w.o.status.attempt, 1);
    const fresh = w.o.runs.filter((r) => r.attempt === 1);
    assert.equal(fresh.length, 1);
    setRun(w, (r) => r.attempt === 1, 'Successful');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('promoteFull skips the remaining steps', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }]));
    update(w, 'bbbb');
    settle(w);
    w.o.status.promoteFull = true;
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('going back to the stable template is a fast track', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }]));
    update(w, 'bbbb');
    settle(w);
    update(w, 'aaaa');
    settle(w);
    assert.equal(w.o.status.stableRS, 'aaaa');
    assert.equal(w.o.status.phase, 'Healthy');
    assert.equal(w.routerWeight, 0);
    assert.ok(reasons(w).includes('RollbackToStable'));
  });

  it('a rollback within rollbackWindow skips the steps', () => {
    const s = spec([{ setWeight: 10 }, { pause: {} }]);
    s.rollbackWindow = { revisions: 2 };
    const w = world(s);
    for (const h of ['bbbb', 'cccc']) {
      update(w, h);
      settle(w);
      w.o.status.pauseConditions = [];
      settle(w);
      w.now += 31_000;
      settle(w);
    }
    assert.equal(w.o.status.stableRS, 'cccc');
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    assert.ok(reasons(w).includes('RollbackWithinWindow'));
  });

  it('a new template mid-rollout starts over at step 0 and scales the old canary away', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }]));
    update(w, 'bbbb');
    settle(w);
    update(w, 'cccc');
    settle(w);
    assert.equal(w.o.status.currentStepIndex, 1);
    assert.equal(rs(w, 'bbbb')?.spec, 0);
    assert.equal(rs(w, 'cccc')?.spec, 1);
  });

  it('changing replicas mid-rollout keeps the ratio', () => {
    const w = world(spec([{ setWeight: 20 }, { pause: {} }]));
    update(w, 'bbbb');
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 2);
    w.o.spec.replicas = 20;
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 4);
    assert.equal(rs(w, 'aaaa')?.spec, 20);
  });

  it('spec.paused holds the rollout and says so', () => {
    const w = world(spec([{ setWeight: 20 }, { setWeight: 40 }]));
    w.o.spec.paused = true;
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.phase, 'Paused');
    assert.equal(w.o.status.currentStepIndex, 0);
    w.o.spec.paused = false;
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
  });

  it('an invalid spec changes nothing and says which field to fix', () => {
    const w = world(spec([{ setWeight: 20 }]));
    w.o.invalid = ['spec.strategy.canary.steps[0].setWeight: must be between 0 and 100, got 120'];
    update(w, 'bbbb');
    const plan = pass(w);
    assert.equal(plan.createReplicaSet, undefined);
    assert.equal(plan.traffic, undefined);
    assert.equal(w.o.status.phase, 'Degraded');
    assert.equal(w.o.status.conditions?.find((c) => c.type === 'InvalidSpec')?.status, 'True');
    assert.deepEqual(plan.events.map((e) => e.reason), ['InvalidSpec']);
  });

  it('without a router, replicas are the split: 10 replicas at 10% is 1 and 9', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }], { traffic: false, maxSurge: 1, maxUnavailable: 1 }));
    update(w, 'bbbb');
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 1);
    assert.equal(rs(w, 'aaaa')?.spec, 9);
    assert.equal(w.o.status.canary?.weights?.canary.weight, 10);
    w.o.status.pauseConditions = [];
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    assert.equal(rs(w, 'aaaa')?.spec, 0);
  });

  it('background analysis starts at startingStep and a failure aborts', () => {
    const w = world(spec([{ setWeight: 10 }, { setWeight: 20 }, { pause: {} }], { analysis: { ...analysis, startingStep: 1 } }));
    update(w, 'bbbb');
    pass(w);
    assert.equal(w.o.runs.length, 0);
    settle(w);
    assert.equal(w.o.runs.filter((r) => r.kind === 'background').length, 1);
    setRun(w, (r) => r.kind === 'background', 'Failed', 'p99 450ms > 300ms');
    settle(w);
    assert.equal(w.o.status.abort, true);
    assert.equal(w.routerWeight, 0);
  });

  it('header routes are set by their step and removed when the rollout is done', () => {
    const route = { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] };
    const w = world(spec([{ setWeight: 10 }, { setHeaderRoute: route }, { pause: {} }]));
    update(w, 'bbbb');
    const plan = settle(w);
    assert.deepEqual(plan.traffic?.headerRoutes, ['beta']);
    w.o.status.pauseConditions = [];
    const done = settle(w);
    assert.deepEqual(done.traffic?.headerRoutes, []);
    assert.equal(done.traffic?.removeManagedRoutes, true);
  });

  it('a waiting rollout writes the same status pass after pass (no churn)', () => {
    for (const steps of [[{ setWeight: 10 }, { pause: {} }], [{ setWeight: 10 }, { bake: { duration: 30 * MIN } }]]) {
      const w = world(spec(steps));
      update(w, 'bbbb');
      settle(w);
      const before = JSON.stringify(w.o.status);
      w.now += 5_000;
      pass(w);
      assert.equal(JSON.stringify(w.o.status), before);
    }
  });

  it('the time scale divides every wait', () => {
    const w = world(spec([{ setWeight: 5 }, { bake: { duration: 30 * MIN } }]));
    w.o.timeScale = 60;
    update(w, 'bbbb');
    const plan = settle(w);
    assert.equal(plan.requeueAfter, 30_000);
  });
});

describe('canary planner: minPodsPerReplicaSet and scaleDownDelayRevisionLimit', () => {
  it('minPodsPerReplicaSet raises a non-empty canary to the floor with traffic routing', () => {
    const w = world(spec([{ setWeight: 5 }, { pause: {} }], { minPodsPerReplicaSet: 2 }));
    update(w, 'bbbb');
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 2, '5% of 10 is 1 pod; the floor makes it 2');
    assert.equal(w.routerWeight, 5);
    assert.equal(rs(w, 'aaaa')?.spec, 10);
  });

  it('minPodsPerReplicaSet floors setCanaryScale replicas but leaves 0 at 0', () => {
    const w = world(spec([{ setCanaryScale: { replicas: 1 } }, { pause: {} }, { setCanaryScale: { replicas: 0 } }, { pause: {} }], { minPodsPerReplicaSet: 3 }));
    update(w, 'bbbb');
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 3);
    w.o.status.pauseConditions = [];
    settle(w);
    assert.equal(w.o.status.currentStepIndex, 3);
    assert.equal(rs(w, 'bbbb')?.spec, 0);
  });

  it('minPodsPerReplicaSet is ignored without traffic routing (Argo: traffic-routed canaries only)', () => {
    const w = world(spec([{ setWeight: 10 }, { pause: {} }], { minPodsPerReplicaSet: 3, traffic: false, maxSurge: 1, maxUnavailable: 0 }));
    update(w, 'bbbb');
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 1);
  });

  /** v1 stable; v2 and v3 promoted one after the other within the scale-down delay. */
  function twoQuickReleases(extra: Record<string, unknown>): ReturnType<typeof world> {
    const w = world(spec([{ setWeight: 50 }], extra));
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    w.now += 5_000;
    update(w, 'cccc');
    settle(w);
    assert.equal(w.o.status.stableRS, 'cccc');
    return w;
  }

  it('old ReplicaSets wait out scaleDownDelaySeconds, a newer release does not cut the wait short', () => {
    const w = twoQuickReleases({});
    assert.equal(rs(w, 'aaaa')?.spec, 10, 'v1 still in its delay');
    assert.equal(rs(w, 'bbbb')?.spec, 10, 'v2 in its delay');
    w.now += 26_000;
    settle(w);
    assert.equal(rs(w, 'aaaa')?.spec, 0, 'v1 gone at its own deadline');
    assert.equal(rs(w, 'bbbb')?.spec, 10);
    w.now += 5_000;
    settle(w);
    assert.equal(rs(w, 'bbbb')?.spec, 0);
  });

  it('scaleDownDelayRevisionLimit 1: only the newest old ReplicaSet waits; older ones go now', () => {
    const w = twoQuickReleases({ scaleDownDelayRevisionLimit: 1 });
    assert.equal(rs(w, 'aaaa')?.spec, 0);
    assert.equal(rs(w, 'bbbb')?.spec, 10);
  });

  it('scaleDownDelayRevisionLimit 0: the old stable goes at promotion', () => {
    const w = world(spec([{ setWeight: 50 }], { scaleDownDelayRevisionLimit: 0 }));
    update(w, 'bbbb');
    settle(w);
    assert.equal(w.o.status.stableRS, 'bbbb');
    assert.equal(rs(w, 'aaaa')?.spec, 0);
  });
});
