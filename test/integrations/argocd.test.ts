import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARGOCD_CM_PATH, ARGOCD_DIR, ROLLOUT_ACTIONS, renderArgocdCm } from '../../integrations/argocd/generate.js';
import { promotePlan, type PatchPlan } from '../../src/ops/patches.js';
import { conditionsFor, phaseOf } from '../../src/strategies/index.js';
import type { Situation } from '../../src/strategies/conditions.js';
import { canaryRollout, createRollout, eventually, getRollout, patchRollout, setImage, startController, startEnv, stopEnv, type Env, type Obj } from '../e2e/support.js';
import { requireTool } from '../support/requires.js';
import { runLuaScript, toLua } from './lua.js';

const ROLLOUT_HEALTH = join(ARGOCD_DIR, 'Rollout', 'health.lua');
const RUN_HEALTH = join(ARGOCD_DIR, 'AnalysisRun', 'health.lua');
const DISCOVERY = join(ARGOCD_DIR, 'Rollout', 'actions', 'discovery.lua');
const actionPath = (name: string): string => join(ARGOCD_DIR, 'Rollout', 'actions', name, 'action.lua');

const STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { analysis: { templates: [{ templateName: 'success-rate' }] } }];
const NOW = Date.parse('2026-11-21T08:00:00Z');

/** A Rollout as Sluice writes it: status.phase, status.message and conditions from the real conditionsFor. */
function rollout(s: Situation, o: { generation?: number; observedGeneration?: number | string; status?: Obj; spec?: Obj } = {}): Obj {
  const { phase, message } = phaseOf(s);
  const generation = o.generation ?? 2;
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default', generation, labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v2' }] } },
      strategy: { canary: { steps: STEPS } },
      ...o.spec,
    },
    status: {
      observedGeneration: o.observedGeneration ?? generation,
      phase,
      message,
      conditions: conditionsFor(s, undefined, NOW, '2026-11-21T07:59:00Z'),
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      currentPodHash: 'abc123',
      stableRS: 'abc123',
      currentStepIndex: STEPS.length,
      ...o.status,
    },
  };
}

const midRollout = { currentPodHash: 'def456', stableRS: 'abc123', updatedReplicas: 1 };
const pauseStep = { progressing: 'x', paused: { reason: 'CanaryPauseStep', message: 'step 2/4: pause until promoted' } } satisfies Situation;
const inconclusive = { paused: { reason: 'InconclusiveAnalysisRun', message: 'AnalysisRun web-def456-4 was inconclusive' } } satisfies Situation;
const aborted = { aborted: 'AnalysisRun web-def456-4 failed: success-rate 0.82 < 0.95' } satisfies Situation;

const fixtures = {
  healthy: rollout({}),
  generationBehind: rollout({}, { generation: 3, observedGeneration: 2 }),
  stringGenerationBehind: rollout({}, { generation: 3, observedGeneration: '2' }),
  stringGenerationCurrent: rollout({}, { generation: 3, observedGeneration: '3' }),
  stepInProgress: rollout({ progressing: 'step 1/4: setWeight 25: waiting for 1 canary pod to be ready' }, { status: { ...midRollout, currentStepIndex: 0 } }),
  analysisRunning: rollout({ progressing: 'step 4/4: analysis web-def456-4 Running' }, { status: { ...midRollout, currentStepIndex: 3 } }),
  pausedStep: rollout(pauseStep, { status: { ...midRollout, currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-11-21T07:58:00Z' }], controllerPause: true } }),
  pausedInconclusive: rollout(inconclusive, {
    status: { ...midRollout, currentStepIndex: 3, pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: '2026-11-21T07:58:00Z' }], controllerPause: true },
  }),
  pausedBySpec: rollout({ paused: { reason: 'PausedBySpec', message: 'spec.paused is true' } }, { spec: { paused: true }, status: { ...midRollout, currentStepIndex: 2 } }),
  pausedBySpecAndStep: rollout(pauseStep, {
    spec: { paused: true },
    status: { ...midRollout, currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-11-21T07:58:00Z' }] },
  }),
  aborted: rollout(aborted, { status: { ...midRollout, currentStepIndex: 3, abort: true, abortedAt: '2026-11-21T07:59:30Z' } }),
  invalidSpec: rollout({ invalid: 'spec.strategy.canary.steps[1].analysis.templates[0].templateName: AnalysisTemplate "nope" not found' }, { status: { currentPodHash: '', stableRS: '' } }),
  deadline: rollout({ deadlineExceeded: 'ReplicaSet web-def456 has not progressed for 600s' }, { status: midRollout }),
  statusMissing: (() => {
    const r = rollout({});
    delete r['status'];
    return r;
  })(),
  statusEmpty: { ...rollout({}), status: {} },
  // Objects migrated from Argo Rollouts: string observedGeneration, no phase, Argo's conditions.
  argoPaused: { ...rollout({}), status: { observedGeneration: '2', currentPodHash: 'def456', stableRS: 'abc123', pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'x' }] } },
  argoInvalid: { ...rollout({}), status: { observedGeneration: '2', conditions: [{ type: 'InvalidSpec', status: 'True', reason: 'InvalidSpec', message: 'The Rollout "web" is invalid' }] } },
  argoAborted: {
    ...rollout({}),
    status: { observedGeneration: '2', abort: true, conditions: [{ type: 'Progressing', status: 'False', reason: 'RolloutAborted', message: 'Rollout aborted update to revision 2' }] },
  },
  argoNoPhase: { ...rollout({}), status: { observedGeneration: '2', currentPodHash: 'abc123', stableRS: 'abc123' } },
} satisfies Record<string, Obj>;

type Health = { status: string; message?: string };

describe('integrations: Argo CD health and actions for sluice.dev (real lua5.1)', function () {
  let lua = '';
  before(function () {
    lua = requireTool(this, 'lua5.1', 'lua5.1');
  });
  const health = (o: Obj): Health => runLuaScript(lua, ROLLOUT_HEALTH, o) as Health;
  const act = (name: string, o: Obj): Obj => runLuaScript(lua, actionPath(name), o) as Obj;
  const enabled = (o: Obj): string[] => {
    const out = runLuaScript(lua, DISCOVERY, o) as Record<string, { disabled: boolean }>;
    assert.deepEqual(Object.keys(out).sort(), [...ROLLOUT_ACTIONS].sort(), 'discovery names every action');
    return Object.entries(out)
      .filter(([, a]) => a.disabled === false)
      .map(([n]) => n)
      .sort();
  };

  describe('toLua: JS values as Lua table literals', () => {
    it('round-trips strings with escapes, numbers, booleans, arrays, nested tables and null', () => {
      const v = { s: 'quote " backslash \\ newline \n tab \t bell \u0007 é ✓', n: 42, f: 0.25, neg: -7, t: true, f2: false, arr: [1, 'two', { three: 3 }], nested: { a: { b: { c: 'd' } } }, nil: null };
      const back = runLuaScript(lua, join(import.meta.dirname, 'identity.lua'), v);
      const { nil: _dropped, ...expected } = v;
      assert.deepEqual(back, expected, 'JSON null becomes nil: the key is absent');
      assert.equal(toLua(null), 'nil');
      assert.equal(toLua(['a', null]), '{"a",nil}');
    });
  });

  describe('Rollout health.lua', () => {
    const cases: Record<string, { obj: Obj; status: string; message?: RegExp }> = {
      Healthy: { obj: fixtures.healthy, status: 'Healthy', message: /fully promoted/ },
      'Progressing: generation behind (integer observedGeneration)': { obj: fixtures.generationBehind, status: 'Progressing', message: /^Waiting for rollout spec update to be observed$/ },
      'Progressing: generation behind (string observedGeneration)': { obj: fixtures.stringGenerationBehind, status: 'Progressing', message: /spec update to be observed/ },
      'Healthy: string observedGeneration equal to generation': { obj: fixtures.stringGenerationCurrent, status: 'Healthy' },
      'Progressing: a setWeight step in progress': { obj: fixtures.stepInProgress, status: 'Progressing', message: /step 1\/4: setWeight 25/ },
      'Progressing: an analysis step running': { obj: fixtures.analysisRunning, status: 'Progressing', message: /analysis web-def456-4 Running/ },
      'Suspended: paused at a pause step': { obj: fixtures.pausedStep, status: 'Suspended', message: /^CanaryPauseStep: step 2\/4/ },
      'Suspended: paused on an inconclusive analysis': { obj: fixtures.pausedInconclusive, status: 'Suspended', message: /^InconclusiveAnalysisRun: AnalysisRun web-def456-4 was inconclusive/ },
      'Suspended: spec.paused': { obj: fixtures.pausedBySpec, status: 'Suspended', message: /spec.paused/ },
      'Degraded: aborted': { obj: fixtures.aborted, status: 'Degraded', message: /^RolloutAborted: AnalysisRun web-def456-4 failed/ },
      'Degraded: InvalidSpec': { obj: fixtures.invalidSpec, status: 'Degraded', message: /^InvalidSpec: .*AnalysisTemplate "nope" not found/ },
      'Degraded: progress deadline exceeded': { obj: fixtures.deadline, status: 'Degraded', message: /^ProgressDeadlineExceeded: ReplicaSet web-def456/ },
      'Progressing: status missing': { obj: fixtures.statusMissing, status: 'Progressing', message: /^Waiting for rollout spec update to be observed$/ },
      'Progressing: status empty': { obj: fixtures.statusEmpty, status: 'Progressing', message: /^Waiting for rollout spec update to be observed$/ },
      'Suspended: Argo-migrated, pauseConditions without a phase': { obj: fixtures.argoPaused, status: 'Suspended', message: /^Rollout is paused$/ },
      'Degraded: Argo-migrated, InvalidSpec condition without a phase': { obj: fixtures.argoInvalid, status: 'Degraded', message: /is invalid/ },
      'Degraded: Argo-migrated, Progressing/RolloutAborted without a phase': { obj: fixtures.argoAborted, status: 'Degraded', message: /aborted update/ },
      'Progressing: observed but no phase yet': { obj: fixtures.argoNoPhase, status: 'Progressing', message: /not been reconciled/ },
      'Unknown: an unrecognised phase': { obj: { ...fixtures.healthy, status: { ...fixtures.healthy.status, phase: 'Exploded' } }, status: 'Unknown', message: /Exploded/ },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const hs = health(tc.obj);
        assert.equal(hs.status, tc.status, JSON.stringify(hs));
        if (tc.message) assert.match(hs.message ?? '', tc.message);
      });
    }
  });

  describe('AnalysisRun health.lua (Argo CD maps Inconclusive to Unknown; so do we)', () => {
    const run = (status: Obj | undefined): Obj => ({ apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'web-def456-4', generation: 1 }, spec: { metrics: [] }, ...(status ? { status } : {}) });
    const cases: Record<string, { status?: Obj; want: string; message?: RegExp }> = {
      Successful: { status: { phase: 'Successful', message: '' }, want: 'Healthy', message: /completed successfully/ },
      Running: { status: { phase: 'Running' }, want: 'Progressing' },
      Pending: { status: { phase: 'Pending' }, want: 'Progressing' },
      Failed: { status: { phase: 'Failed', message: 'metric "success-rate" assessed Failed' }, want: 'Degraded', message: /success-rate/ },
      Error: { status: { phase: 'Error', message: 'prometheus: connection refused' }, want: 'Degraded', message: /connection refused/ },
      Inconclusive: { status: { phase: 'Inconclusive' }, want: 'Unknown', message: /inconclusive/ },
      'status missing': { want: 'Progressing', message: /not been reconciled/ },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const hs = runLuaScript(lua, RUN_HEALTH, run(tc.status)) as Health;
        assert.equal(hs.status, tc.want, JSON.stringify(hs));
        if (tc.message) assert.match(hs.message ?? '', tc.message);
      });
    }
  });

  describe('Rollout discovery.lua: the actions offered', () => {
    const cases: Record<string, { obj: Obj; enabled: string[] }> = {
      Healthy: { obj: fixtures.healthy, enabled: ['pause', 'restart'] },
      'step in progress': { obj: fixtures.stepInProgress, enabled: ['abort', 'pause', 'promote-full', 'restart'] },
      'paused at a pause step': { obj: fixtures.pausedStep, enabled: ['abort', 'pause', 'promote', 'promote-full', 'restart'] },
      'paused inconclusive': { obj: fixtures.pausedInconclusive, enabled: ['abort', 'pause', 'promote', 'promote-full', 'restart'] },
      'spec.paused': { obj: fixtures.pausedBySpec, enabled: ['abort', 'promote', 'promote-full', 'restart', 'resume'] },
      aborted: { obj: fixtures.aborted, enabled: ['pause', 'restart', 'retry'] },
      'progress deadline exceeded (not aborted)': { obj: fixtures.deadline, enabled: ['abort', 'pause', 'promote-full', 'restart'] },
      'status missing': { obj: fixtures.statusMissing, enabled: ['pause', 'restart'] },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => assert.deepEqual(enabled(tc.obj), [...tc.enabled].sort()));
    }
  });

  describe('Rollout actions: the modified obj', () => {
    const withoutEmptyArrays = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (Array.isArray(v) && v.length === 0 ? {} : v)));
    const applyPlan = (o: Obj, plan: PatchPlan): Obj => mergePatch(o, { ...(plan.spec ? { spec: plan.spec } : {}), ...(plan.status ? { status: plan.status } : {}) }) as Obj;

    const promoteCases: Record<string, Obj> = {
      'paused at a pause step': fixtures.pausedStep,
      'paused inconclusive': fixtures.pausedInconclusive,
      'spec.paused mid rollout (unpauses and skips the step, as the CLI)': fixtures.pausedBySpec,
      'spec.paused and a pause step (both released)': fixtures.pausedBySpecAndStep,
      'running an analysis step (skips it)': fixtures.analysisRunning,
      'at the last step (index capped)': rollout({ progressing: 'x' }, { status: { ...midRollout, currentStepIndex: STEPS.length } }),
    };
    for (const [name, o] of Object.entries(promoteCases)) {
      it(`promote writes what \`sluice promote\` writes: ${name}`, () => {
        assert.deepEqual(act('promote', o), withoutEmptyArrays(applyPlan(o, promotePlan(o, false))));
      });
    }
    it('promote clears pauseConditions (nil in Lua: Argo CD sends null to /status)', () => {
      const out = act('promote', fixtures.pausedStep);
      assert.equal(out['status'].pauseConditions, undefined);
      assert.equal(out['status'].currentStepIndex, 1, 'a pause step is released, not skipped twice');
      assert.deepEqual(mergePatchOf(fixtures.pausedStep, out), { status: { pauseConditions: null } });
    });
    for (const [name, o] of Object.entries({ 'mid rollout': fixtures.stepInProgress, 'already stable': fixtures.healthy })) {
      it(`promote-full writes what \`sluice promote --full\` writes: ${name}`, () => {
        assert.deepEqual(act('promote-full', o), withoutEmptyArrays(applyPlan(o, promotePlan(o, true))));
      });
    }
    const simple: Record<string, { obj: Obj; action: string; patch: Obj }> = {
      'promote-full sets status.promoteFull': { obj: fixtures.pausedStep, action: 'promote-full', patch: { status: { promoteFull: true } } },
      'abort sets status.abort': { obj: fixtures.stepInProgress, action: 'abort', patch: { status: { abort: true } } },
      'retry clears status.abort': { obj: fixtures.aborted, action: 'retry', patch: { status: { abort: false } } },
      'pause sets spec.paused': { obj: fixtures.stepInProgress, action: 'pause', patch: { spec: { paused: true } } },
      'resume clears spec.paused': { obj: fixtures.pausedBySpec, action: 'resume', patch: { spec: { paused: false } } },
      'abort on a Rollout without status': { obj: fixtures.statusMissing, action: 'abort', patch: { status: { abort: true } } },
    };
    for (const [name, tc] of Object.entries(simple)) {
      it(name, () => assert.deepEqual(mergePatchOf(tc.obj, act(tc.action, tc.obj)), tc.patch));
    }
    it('restart sets spec.restartAt to now, RFC 3339 UTC (require("os") in the sandbox)', () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const out = act('restart', fixtures.healthy);
      const at = out['spec'].restartAt as string;
      assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Date.parse(at) >= before && Date.parse(at) <= Date.now() + 1000, at);
      assert.deepEqual(Object.keys(mergePatchOf(fixtures.healthy, out) as Obj), ['spec']);
    });
  });

  describe('argocd-cm.yaml', () => {
    it('is generated from the .lua files and up to date (node --import ./scripts/register.mjs integrations/argocd/generate.ts)', () => {
      assert.equal(readFileSync(ARGOCD_CM_PATH, 'utf8'), renderArgocdCm(), 'argocd-cm.yaml is stale: regenerate it');
    });
    it('holds the scripts under the keys Argo CD reads, and they run as inlined', () => {
      const cm = parse(readFileSync(ARGOCD_CM_PATH, 'utf8')) as Obj;
      assert.equal(cm['kind'], 'ConfigMap');
      assert.equal(cm['metadata'].name, 'argocd-cm');
      const data = cm['data'] as Record<string, string>;
      assert.deepEqual(Object.keys(data).sort(), [
        'resource.customizations.actions.sluice.dev_Rollout',
        'resource.customizations.health.sluice.dev_AnalysisRun',
        'resource.customizations.health.sluice.dev_Rollout',
      ]);
      const actions = parse(data['resource.customizations.actions.sluice.dev_Rollout']!) as { 'discovery.lua': string; definitions: { name: string; 'action.lua': string }[] };
      assert.deepEqual(actions.definitions.map((d) => d.name), [...ROLLOUT_ACTIONS]);
      const dir = mkdtempSync(join(tmpdir(), 'sluice-argocd-'));
      try {
        const inline = (name: string, text: string): string => {
          const p = join(dir, name);
          writeFileSync(p, text);
          return p;
        };
        const hs = runLuaScript(lua, inline('health.lua', data['resource.customizations.health.sluice.dev_Rollout']!), fixtures.pausedStep);
        assert.deepEqual(hs, health(fixtures.pausedStep));
        const run = runLuaScript(lua, inline('run.lua', data['resource.customizations.health.sluice.dev_AnalysisRun']!), { status: { phase: 'Failed' } });
        assert.equal((run as Health).status, 'Degraded');
        assert.deepEqual(runLuaScript(lua, inline('discovery.lua', actions['discovery.lua']), fixtures.aborted), runLuaScript(lua, DISCOVERY, fixtures.aborted));
        for (const d of actions.definitions) {
          const fromCm = mergePatchOf(fixtures.pausedStep, runLuaScript(lua, inline(`${d.name}.lua`, d['action.lua']), fixtures.pausedStep));
          const fromFile = mergePatchOf(fixtures.pausedStep, act(d.name, fixtures.pausedStep));
          // restart stamps the current second: compare the fields it writes, not the time.
          if (d.name === 'restart') assert.deepEqual(Object.keys((fromCm as Obj)['spec']), Object.keys((fromFile as Obj)['spec']));
          else assert.deepEqual(fromCm, fromFile, d.name);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('against what the controller writes (local cluster, real canary)', function () {
    this.timeout(30_000);
    let env: Env | undefined;
    before(async () => {
      env = await startEnv();
      await startController(env);
    });
    after(async () => {
      if (env) await stopEnv(env);
    });

    /** Runs an action and applies its result the way Argo CD does: a merge patch, status through /status. */
    async function runAction(e: Env, name: string, live: Obj): Promise<Obj> {
      const patch = mergePatchOf(live, act(name, live)) as Obj;
      const { status, ...rest } = patch;
      if (status !== undefined) await patchRollout(e, 'web', { status }, { status: true });
      if (Object.keys(rest).length > 0) await patchRollout(e, 'web', rest);
      return patch;
    }

    it('Healthy -> Suspended (pause step) -> promote -> Healthy -> Suspended -> abort -> Degraded', async () => {
      const e = env!;
      await createRollout(e, canaryRollout('web', [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }], { maxSurge: 1, maxUnavailable: 0 }));
      const phase = (p: string, extra: (ro: Obj) => boolean = () => true) => eventually(async () => {
        const ro = await getRollout(e, 'web');
        return ro.status?.phase === p && ro.status.observedGeneration === ro.metadata.generation && extra(ro) && ro;
      }, `phase ${p}`);

      const healthy = await phase('Healthy');
      assert.equal(typeof healthy.status.observedGeneration, 'number', 'Sluice writes an integer observedGeneration');
      assert.equal(health(healthy).status, 'Healthy');
      assert.deepEqual(enabled(healthy), ['pause', 'restart']);

      await setImage(e, 'web', 'app:v2');
      const behind = await getRollout(e, 'web');
      if (behind.status.observedGeneration < behind.metadata.generation) assert.equal(health(behind).status, 'Progressing');

      const paused = await phase('Paused', (ro) => ro.status.currentStepIndex === 1);
      const suspended = health(paused);
      assert.equal(suspended.status, 'Suspended');
      assert.match(suspended.message ?? '', /CanaryPauseStep/);
      assert.deepEqual(enabled(paused), ['abort', 'pause', 'promote', 'promote-full', 'restart']);
      assert.deepEqual(await runAction(e, 'promote', paused), { status: { pauseConditions: null } });
      const promoted = await phase('Healthy', (ro) => ro.status.stableRS === paused.status.currentPodHash);
      assert.equal(health(promoted).status, 'Healthy');

      await setImage(e, 'web', 'app:v3');
      const paused2 = await phase('Paused', (ro) => ro.status.currentPodHash !== promoted.status.currentPodHash);
      assert.equal(health(paused2).status, 'Suspended');
      await runAction(e, 'abort', paused2);
      const degraded = await phase('Degraded');
      const hs = health(degraded);
      assert.equal(hs.status, 'Degraded');
      assert.match(hs.message ?? '', /RolloutAborted/);
      assert.deepEqual(enabled(degraded), ['pause', 'restart', 'retry']);

      assert.deepEqual(await runAction(e, 'retry', degraded), { status: { abort: false } });
      const retried = await phase('Paused', (ro) => ro.status.abort !== true && ro.status.currentPodHash === paused2.status.currentPodHash);
      assert.equal(health(retried).status, 'Suspended');
    });
  });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isEmpty = (x: unknown): boolean => (Array.isArray(x) && x.length === 0) || (isObj(x) && Object.keys(x).length === 0);

/** JSON with object keys sorted (the Lua encoder sorts them; JS keeps insertion order). */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (isObj(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** RFC 7386 merge patch applied to a value. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Record<string, unknown> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * The merge patch from `live` to `next`, as Argo CD computes it after an action. An empty Lua
 * table comes back as `{}`; against an empty array in `live` it is no change.
 */
function mergePatchOf(live: unknown, next: unknown): Json {
  const out: Record<string, Json> = {};
  const l = isObj(live) ? live : {};
  const n = isObj(next) ? next : {};
  for (const k of Object.keys(l)) if (!(k in n)) out[k] = null;
  for (const [k, v] of Object.entries(n)) {
    const old = l[k];
    if (isEmpty(old) && isEmpty(v)) continue;
    if (isObj(old) && isObj(v)) {
      const sub = mergePatchOf(old, v);
      if (isObj(sub) && Object.keys(sub).length > 0) out[k] = sub;
    } else if (canonical(old) !== canonical(v)) out[k] = v as Json;
  }
  return out;
}
