/**
 * Kill/restart, process level, Istio: `sluice controller` (a real child process) is SIGKILLed
 * and started again at every step of a canary, once mid-analysis, and once after promotion.
 * The rollout ends the same way as without kills, and no action is repeated: one AnalysisRun,
 * two ReplicaSets, weights on the VirtualService that only ever move forward, one Event per
 * step transition.
 */
import assert from 'node:assert/strict';
import { istioHost } from './support-cases.js';
import { ControllerProcess, analysisRuns, assertEachStepOnce, driveWithKills, eventCounts, replicaSets } from './support-restart.js';
import { MetricSource, bakeStep, readObject, serviceHash } from './support-routers.js';
import { deployFirst, watchRoute } from './support-scenarios.js';
import { eventually, getRollout, setImage, startEnv, stopEnv, type Env, type Obj } from './support.js';

const TIME_SCALE = 20;

describe('e2e restart: the controller process is SIGKILLed throughout an Istio canary', function () {
  this.timeout(120_000);
  let env: Env;
  let proc: ControllerProcess;
  const metrics = new MetricSource();
  before(async () => {
    await metrics.start();
    // Pods take 300 ms to be ready, so a setWeight step holds long enough for a kill to land
    // after its Events and before the next transition.
    env = await startEnv({ extraCrdDirs: ['test/fixtures/crds'], podReadyDelayMs: 300 });
    proc = await ControllerProcess.forEnv(env, TIME_SCALE);
    proc.start();
  });
  after(async () => {
    await proc?.kill();
    await stopEnv(env);
    await metrics.stop();
  });

  async function run(app: string, mode: 'after-events' | 'mid-reconcile'): Promise<void> {
    const steps: Obj[] = [
      { setWeight: 20 },
      { pause: { duration: '30s' } },
      { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] } },
      { setWeight: 50 },
      bakeStep(app, '60s'),
      { setWeight: 80 },
      { pause: {} },
    ];
    const stable = await deployFirst(env, istioHost, metrics, app, steps, {}, { scaleDownDelaySeconds: 10 });
    const watch = (await watchRoute(env, istioHost, app))!;
    try {
      await setImage(env, app, 'app:v2');
      const canary = (await eventually(async () => {
        const ro = await getRollout(env, app);
        return ro.status?.currentPodHash !== stable && ro.status?.currentPodHash;
      }, 'new revision seen')) as string;
      let baseline: number | undefined;
      const rec = await driveWithKills(env, proc, app, canary, {
        indefinitePauses: [6],
        done: (ro) => ro.status?.phase === 'Healthy' && ro.status?.stableRS === canary,
        // Once more while the bake's analysis measures: after the new process took a measurement.
        midRun: async (ro) => {
          if (!ro.status?.bake) return false;
          const n = (await analysisRuns(env, app))[0]?.status?.metricResults?.[0]?.measurements?.length ?? 0;
          const base = baseline ?? n;
          baseline = base;
          return n > base;
        },
        timeoutMs: 90_000,
        killAfter: mode === 'after-events' ? 'events' : 'status',
        ...(mode === 'mid-reconcile' ? { killOnRouterWrites: watch } : {}),
      });
      // Once more after promotion: the new process must not promote again.
      if (mode === 'after-events') await eventually(async () => (await eventCounts(env, app)).byReason.has('RolloutCompleted'), 'RolloutCompleted recorded');
      await proc.kill();
      proc.start();
      await eventually(async () => (await replicaSets(env, app)).get(stable)?.spec === 0, 'old stable scaled down after the delay', 30_000);
      await eventually(async () => (await getRollout(env, app)).status?.phase === 'Healthy', 'Healthy after the last restart');
      const kills = rec.killedAt.join(', ');
      assert.ok(rec.killedAt.filter((k) => k.startsWith('step')).length >= 6, `killed at every step the status showed: ${kills}`);
      assert.ok(rec.killedAt.some((k) => k.includes('baking')), `killed mid-bake: ${kills}`);
      if (mode === 'mid-reconcile') assert.ok(rec.killedAt.filter((k) => k.startsWith('router')).length >= 3, `killed on router writes: ${kills}`);

      const runs = await analysisRuns(env, app);
      assert.equal(runs.length, 1, `one AnalysisRun: ${runs.map((r) => r.metadata.name).join(', ')}`);
      assert.equal(runs[0]!.status?.phase, 'Successful');
      const rss = await replicaSets(env, app);
      assert.equal(rss.size, 2, 'two ReplicaSets: no duplicate canary');
      assert.equal(rss.get(canary)?.spec, 4);
      assert.equal(rss.get(stable)?.spec, 0);
      assert.equal(await serviceHash(env, `${app}-stable`), canary);
      assert.equal(await serviceHash(env, `${app}-canary`), canary);

      watch.assertAlive();
      watch.assertSums();
      const seq = watch.canarySequence();
      assert.deepEqual(seq, [0, 20, 50, 80, 100, 0], `weights on the VirtualService only move forward: ${seq.join(' -> ')} (kills: ${kills})`);
      assert.ok(watch.objects.some((o) => istioHost.managedRoutes!(o).includes('beta')), 'the header route was set');
      assert.deepEqual(istioHost.managedRoutes!((await readObject(env, istioHost.watchPath!, app))!), [], 'header route removed after promotion');

      // Events are named after their transition and written before the status that records
      // it: wherever the kill falls, exactly one of each.
      void mode;
      const byReason = await assertEachStepOnce(env, app, steps.length, true);
      for (const r of ['RolloutCompleted', 'BakeStarted', 'BakeCompleted', 'RolloutUpdated']) assert.equal(byReason.get(r), 1, `one ${r}`);
    } finally {
      watch.stop();
    }
  }

  it('killed at every step once its Events are recorded: Healthy, exactly one Event per step, one AnalysisRun, two ReplicaSets', async () => {
    await run('rs-istio', 'after-events');
  });

  it('killed mid-reconcile (the moment each weight lands on the VirtualService) and at every status change: same outcome, nothing repeated', async () => {
    await run('rs-istio-mid', 'mid-reconcile');
  });
});
