/** The pure parts of the CLI operations: patch decisions, step words, weights, argument parsing. */
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/index.js';
import { desiredWeight, describeStep, isDerivative, parseImageArg, pickRevision, promotePlan, renderRolloutList, resumePlan, setTemplateImage, summarizeRollout, type KubeObject, type PatchPlan } from '../../src/ops/index.js';
import { parseRolloutStatus, type CanaryStep } from '../../src/api/index.js';

const STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { bake: { duration: '30m' } }];

function ro(status: Record<string, unknown>, spec: Record<string, unknown> = {}, strategy: Record<string, unknown> = { canary: { steps: STEPS } }): KubeObject {
  return { metadata: { name: 'web', namespace: 'default', generation: 1 }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } }, strategy, ...spec }, status: { observedGeneration: 1, ...status } };
}

describe('ops: promote and resume plans (Argo plugin semantics)', () => {
  const paused = [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }];
  const cases: Record<string, [KubeObject, boolean, PatchPlan]> = {
    'paused by a pause step: clear pauseConditions only': [ro({ currentStepIndex: 1, pauseConditions: paused, controllerPause: true }), false, { status: { pauseConditions: null } }],
    'mid step: skip it': [ro({ currentStepIndex: 2 }), false, { status: { pauseConditions: null, currentStepIndex: 3 } }],
    'no index yet: step 0 → 1': [ro({}), false, { status: { pauseConditions: null, currentStepIndex: 1 } }],
    'all steps done: index stays': [ro({ currentStepIndex: 4 }), false, { status: { pauseConditions: null, currentStepIndex: 4 } }],
    'spec.paused and a pause condition: both unpaused, index untouched': [ro({ currentStepIndex: 1, pauseConditions: paused }, { paused: true }), false, { spec: { paused: false }, status: { pauseConditions: null } }],
    'canary without steps, not paused: nothing': [ro({}, {}, { canary: {} }), false, {}],
    'blue-green paused by the controller: clear pauseConditions': [ro({ pauseConditions: [{ reason: 'BlueGreenPause', startTime: 'x' }] }, {}, { blueGreen: {} }), false, { status: { pauseConditions: null } }],
    'blue-green spec.paused: unpause only': [ro({}, { paused: true }, { blueGreen: {} }), false, { spec: { paused: false } }],
    '--full on a canary in progress': [ro({ currentPodHash: 'b', stableRS: 'a' }), true, { status: { promoteFull: true } }],
    '--full when already stable: nothing': [ro({ currentPodHash: 'a', stableRS: 'a' }), true, {}],
  };
  for (const [name, [obj, full, want]] of Object.entries(cases)) it(name, () => assert.deepEqual(promotePlan(obj, full), want));

  it('resume: spec.paused false, plus pauseConditions null when the controller paused it', () => {
    assert.deepEqual(resumePlan(ro({})), { spec: { paused: false } });
    assert.deepEqual(resumePlan(ro({ pauseConditions: paused })), { status: { pauseConditions: null }, spec: { paused: false } });
  });
});

describe('ops: step words and weights', () => {
  const steps = (raw: unknown[]): CanaryStep[] => {
    const parsed = summarizeRollout(ro({}, {}, { canary: { steps: raw } }), 0).steps;
    return [...parsed];
  };
  const now = Date.parse('2026-01-01T00:18:00Z');
  const cases: Record<string, [unknown[], Record<string, unknown>, string]> = {
    setWeight: [[{ setWeight: 25 }], { currentStepIndex: 0 }, 'setWeight 25'],
    'pause until promoted': [[{ pause: {} }], { currentStepIndex: 0, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] }, 'pause (until promoted)'],
    'timed pause': [[{ pause: { duration: '30m' } }], { currentStepIndex: 0, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] }, 'pause 30m (ends in 12m)'],
    'bake in progress': [[{ bake: { duration: '30m' } }], { currentStepIndex: 0, bake: { stepIndex: 0, startedAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:30:00Z' } }, 'bake 30m (ends in 12m)'],
    'bake not started': [[{ bake: {} }], { currentStepIndex: 0 }, 'bake 30m'],
    'analysis step': [[{ analysis: { templates: [{ templateName: 't' }] } }], { currentStepIndex: 0, canary: { currentStepAnalysisRunStatus: { name: 'run-1', status: 'Running' } } }, 'analysis (run-1: Running)'],
    done: [[{ setWeight: 25 }], { currentStepIndex: 1 }, 'done'],
  };
  for (const [name, [raw, status, want]] of Object.entries(cases)) {
    it(`describeStep: ${name}`, () => assert.equal(describeStep(steps(raw), parseRolloutStatus(status), now), want));
  }

  const weights: Record<string, [Record<string, unknown>, number]> = {
    'at step 0': [{ currentStepIndex: 0, currentPodHash: 'b', stableRS: 'a' }, 25],
    'at the pause after 25': [{ currentStepIndex: 1, currentPodHash: 'b', stableRS: 'a' }, 25],
    'at the bake after 50': [{ currentStepIndex: 3, currentPodHash: 'b', stableRS: 'a' }, 50],
    'all steps done': [{ currentStepIndex: 4, currentPodHash: 'b', stableRS: 'a' }, 100],
    steady: [{ currentStepIndex: 0, currentPodHash: 'a', stableRS: 'a' }, 100],
    aborted: [{ currentStepIndex: 2, abort: true, currentPodHash: 'b', stableRS: 'a' }, 0],
  };
  for (const [name, [status, want]] of Object.entries(weights)) {
    it(`desiredWeight: ${name}`, () => assert.equal(desiredWeight(steps(STEPS), parseRolloutStatus(status)), want));
  }

  it('summary: a status older than the spec is Progressing, waiting for the controller', () => {
    const s = summarizeRollout({ ...ro({ phase: 'Healthy' }), metadata: { name: 'web', namespace: 'default', generation: 2 } }, 0);
    assert.equal(s.phase, 'Progressing');
    assert.equal(s.message, 'waiting for the controller to observe generation 2');
  });

  it('summary: an invalid spec still summarises from status, naming the field', () => {
    const s = summarizeRollout(ro({ phase: 'Degraded', message: 'InvalidSpec' }, {}, { canary: { steps: [{ setWeight: 120 }] } }), 0);
    assert.equal(s.phase, 'Degraded');
    assert.equal(s.strategy, 'Canary');
    assert.match(s.specErrors.join(), /setWeight/);
  });

  it('list table: columns line up, NAMESPACE first with -A', () => {
    const s = summarizeRollout(ro({ phase: 'Paused', currentStepIndex: 1, currentPodHash: 'b', stableRS: 'a', replicas: 4, readyReplicas: 4, updatedReplicas: 1, availableReplicas: 4 }, { replicas: 4 }), 0);
    assert.equal(renderRolloutList([s], false), ['NAME  STRATEGY  STATUS  STEP  SET-WEIGHT  READY  DESIRED  UP-TO-DATE  AVAILABLE', 'web   Canary    Paused  1/4   25          4/4    4        1           4', ''].join('\n'));
    assert.match(renderRolloutList([s], true), /^NAMESPACE {2}NAME/);
  });
});

describe('ops: undo and set image helpers', () => {
  it('isDerivative ignores what the first leaves unset', () => {
    assert.equal(isDerivative({ spec: { containers: [{ name: 'a', image: 'x' }] } }, { spec: { containers: [{ name: 'a', image: 'x', imagePullPolicy: 'IfNotPresent' }] } }), true);
    assert.equal(isDerivative({ spec: { containers: [{ name: 'a', image: 'x' }] } }, { spec: { containers: [{ name: 'a', image: 'y' }] } }), false);
    assert.equal(isDerivative({ a: [1, 2] }, { a: [1] }), false);
  });

  it('pickRevision: the previous revision by default, or the one asked for', () => {
    const row = (revision: number | undefined) => ({ name: `rs-${revision}`, revision, hash: 'h', role: 'old' as const, desired: 0, ready: 0, available: 0, images: [], template: {} });
    const rows = [row(1), row(3), row(undefined), row(2)];
    assert.equal(pickRevision(rows, 0, 'web').revision, 2);
    assert.equal(pickRevision(rows, 1, 'web').revision, 1);
    assert.throws(() => pickRevision(rows, 7, 'web'), /revision 7 not found in the history of rollout "web" \(revisions: 3, 2, 1\)/);
    assert.throws(() => pickRevision([row(1)], 0, 'web'), /no previous revision/);
  });

  it('setTemplateImage and parseImageArg', () => {
    const obj: KubeObject = { spec: { template: { spec: { initContainers: [{ name: 'a', image: '1' }], containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } } } };
    assert.equal(setTemplateImage(obj, 'a', '2'), 2);
    assert.equal(setTemplateImage(obj, 'zz', '2'), 0);
    assert.deepEqual(parseImageArg('app=repo/app:v2'), { container: 'app', image: 'repo/app:v2' });
    assert.equal(parseImageArg('app'), undefined);
    assert.equal(parseImageArg('=x'), undefined);
  });
});

describe('cli: argument parsing', () => {
  const spec = { watch: { kind: 'boolean', short: 'w', help: '' }, namespace: { kind: 'string', short: 'n', help: '' } } as const;
  it('positionals, long and short flags, = values, booleans, --', () => {
    assert.deepEqual(parseArgs(['get', '-w', '-n', 'team', 'web'], spec), { flags: { watch: 'true', namespace: 'team' }, positionals: ['get', 'web'] });
    assert.deepEqual(parseArgs(['--watch=false', '--namespace=x', '--', '-odd'], spec), { flags: { watch: 'false', namespace: 'x' }, positionals: ['-odd'] });
    assert.deepEqual(parseArgs(['-n=team'], spec).flags, { namespace: 'team' });
  });
  it('mistakes are UsageErrors naming the flag', () => {
    assert.throws(() => parseArgs(['--nope'], spec), (e) => e instanceof UsageError && /unknown flag --nope; allowed: -w\/--watch, -n\/--namespace/.test(e.message));
    assert.throws(() => parseArgs(['-n'], spec), /flag -n needs a value/);
    assert.throws(() => parseArgs(['-n', '-w'], spec), /write -n=<value>/);
    assert.throws(() => parseArgs(['--watch=yes'], spec), /--watch must be true or false/);
  });
});
