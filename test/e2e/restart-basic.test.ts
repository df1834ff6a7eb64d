/**
 * Kill/restart, process level, no mesh: `sluice controller` (a real child process) is SIGKILLed
 * the moment the status shows each new step (which can fall between the status write and its
 * Events), once during the analysis step, and once after promotion. The canary ends Healthy,
 * the canary ReplicaSet only ever grows, one AnalysisRun, two ReplicaSets, no Event twice.
 */
import assert from 'node:assert/strict';
import { basic } from './support-cases.js';
import { ControllerProcess, analysisRuns, assertEachStepOnce, driveWithKills, eventCounts, replicaSets } from './support-restart.js';
import { MetricSource, NS, RouteWatch, createObjects, errorRateTemplate, serviceHash } from './support-routers.js';
import { deployFirst } from './support-scenarios.js';
import { eventually, getRollout, setImage, startEnv, stopEnv, type Env, type Obj } from './support.js';

const TIME_SCALE = 20;

describe('e2e restart: the controller process is SIGKILLed throughout a basic (no mesh) canary', function () {
  this.timeout(120_000);
  let env: Env;
  let proc: ControllerProcess;
  const metrics = new MetricSource();
  before(async () => {
    await metrics.start();
    env = await startEnv({ podReadyDelayMs: 20 });
    proc = await ControllerProcess.forEnv(env, TIME_SCALE);
    proc.start();
  });
  after(async () => {
    await proc?.kill();
    await stopEnv(env);
    await metrics.stop();
  });

  it('killed at every status change: Healthy, canary only grows, one AnalysisRun, two ReplicaSets, no Event twice', async () => {
    const app = 'rs-basic';
    await createObjects(env, [errorRateTemplate(app, metrics.url, '10s', 2)]);
    const steps: Obj[] = [
      { setWeight: 25 },
      { pause: { duration: '20s' } },
      { setWeight: 50 },
      { analysis: { templates: [{ templateName: `${app}-errors-2` }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } },
      { setWeight: 75 },
      { pause: {} },
    ];
    const stable = await deployFirst(env, basic, metrics, app, steps);
    await setImage(env, app, 'app:v2');
    const canary = (await eventually(async () => {
      const ro = await getRollout(env, app);
      return ro.status?.currentPodHash !== stable && ro.status?.currentPodHash;
    }, 'new revision seen')) as string;
    // The canary ReplicaSet's spec.replicas as it changes (reads as {canary: n, stable: 0}).
    const rsWatch = new RouteWatch(env, `/apis/apps/v1/namespaces/${NS}/replicasets`, `${app}-${canary}`, (rs) => ({ canary: rs.spec?.replicas ?? 0, stable: 0 }));
    await rsWatch.start();
    try {
      let baseline: number | undefined;
      const rec = await driveWithKills(env, proc, app, canary, {
        indefinitePauses: [5],
        done: (ro) => ro.status?.phase === 'Healthy' && ro.status?.stableRS === canary,
        midRun: async (ro) => {
          if (ro.status?.currentStepIndex !== 3) return false;
          const n = (await analysisRuns(env, app))[0]?.status?.metricResults?.[0]?.measurements?.length ?? 0;
          const base = baseline ?? n;
          baseline = base;
          return n > base;
        },
        timeoutMs: 90_000,
        killAfter: 'status',
      });
      await proc.kill();
      proc.start();
      await eventually(async () => (await replicaSets(env, app)).get(stable)?.spec === 0, 'old stable scaled down');
      await eventually(async () => (await getRollout(env, app)).status?.phase === 'Healthy', 'Healthy after the last restart');
      const kills = rec.killedAt.join(', ');
      assert.ok(rec.killedAt.length >= 5, `killed at every step the status showed: ${kills}`);

      const runs = await analysisRuns(env, app);
      assert.equal(runs.length, 1, `one AnalysisRun: ${runs.map((r) => r.metadata.name).join(', ')}`);
      assert.equal(runs[0]!.status?.phase, 'Successful');
      assert.equal(runs[0]!.status?.metricResults?.[0]?.measurements?.length, 2, 'count 2: no measurement repeated');
      const rss = await replicaSets(env, app);
      assert.equal(rss.size, 2, 'two ReplicaSets');
      assert.equal(rss.get(canary)?.spec, 4);
      assert.equal(await serviceHash(env, `${app}-stable`), canary);

      rsWatch.assertAlive();
      const seq = rsWatch.canarySequence().filter((n) => n >= 0);
      for (let i = 1; i < seq.length; i++) assert.ok(seq[i]! > seq[i - 1]!, `canary replicas only grow: ${seq.join(' -> ')} (kills: ${kills})`);
      assert.equal(seq[seq.length - 1], 4);

      const byReason = await assertEachStepOnce(env, app, steps.length, true);
      assert.equal(byReason.get('RolloutCompleted'), 1, 'promoted once, and said so once');
      const { stepCompleted } = await eventCounts(env, app);
      if (process.env['SLUICE_E2E_DEBUG']) process.stderr.write(`StepCompleted recorded for ${stepCompleted.size} of ${steps.length} steps; kills: ${kills}\n`);
    } finally {
      rsWatch.stop();
    }
  });
});
