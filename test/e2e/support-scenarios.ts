/**
 * The three scenarios every router must pass against the local cluster (healthy canary, pods
 * never ready, analysis failure during the bake), and the setup they share.
 */
import assert from 'node:assert/strict';
import {
  MetricSource,
  RouteWatch,
  analysisRuns,
  createObjects,
  errorRateTemplate,
  readObject,
  reasons,
  replicaSets,
  serviceHash,
  services,
  waitFor,
  bakeStep,
  type RouterCase,
  type Weights,
} from './support-routers.js';
import { canaryRollout, createRollout, eventually, patchRollout, setImage, type Env, type Obj } from './support.js';


/** A Rollout for `app` with Services wired, 4 replicas, image app:v1. */
export function routedRollout(rc: RouterCase, app: string, steps: Obj[], extra: Obj = {}): Obj {
  const ro = canaryRollout(app, steps, {
    canaryService: `${app}-canary`,
    stableService: `${app}-stable`,
    ...(rc.trafficRouting ? { trafficRouting: rc.trafficRouting(app) } : {}),
    ...extra,
  });
  return ro;
}

/** Creates Services, route objects, template and Rollout at app:v1; waits Healthy; returns the stable hash. */
export async function deployFirst(env: Env, rc: RouterCase, metrics: MetricSource, app: string, steps: Obj[], spec: Obj = {}, canary: Obj = {}): Promise<string> {
  await createObjects(env, [...services(app), ...(rc.objects?.(app) ?? []), errorRateTemplate(app, metrics.url)]);
  // No mesh: maxUnavailable 0 so stable keeps every pod while the canary is not ready.
  const ro = routedRollout(rc, app, steps, rc.trafficRouting ? canary : { maxSurge: 1, maxUnavailable: 0, ...canary });
  Object.assign(ro.spec, spec);
  await createRollout(env, ro);
  const first = await waitFor(env, app, 'first revision Healthy', (r) => r.status?.phase === 'Healthy' && r.status?.stableRS !== undefined);
  return first.status.stableRS as string;
}

/** Watches the route object of `rc` for `app` (none for the no-mesh case). */
export async function watchRoute(env: Env, rc: RouterCase, app: string): Promise<RouteWatch | undefined> {
  if (!rc.watchPath || !rc.routeName || !rc.weights) return undefined;
  const w = new RouteWatch(env, rc.watchPath, rc.routeName(app), (obj) => rc.weights!(obj, app));
  await w.start();
  return w;
}

async function routeNow(env: Env, rc: RouterCase, app: string): Promise<Obj | undefined> {
  if (!rc.watchPath || !rc.routeName) return undefined;
  return readObject(env, rc.watchPath, rc.routeName(app));
}

/** The canary weight on the route object now (0 when the object does not exist). */
async function weightNow(env: Env, rc: RouterCase, app: string): Promise<Weights | undefined> {
  const obj = await routeNow(env, rc, app);
  return obj && rc.weights ? rc.weights(obj, app) : undefined;
}

/** Registers the three scenarios for one router (call inside a describe with `ctx()` ready). */
export function routerScenarios(rc: RouterCase, ctx: () => { env: Env; metrics: MetricSource }, prefix: string): void {
  const routed = rc.trafficRouting !== undefined;

  it('a healthy canary walks 20 -> pause -> 60 -> bake with analysis to Healthy, with those weights on the router', async () => {
    const { env, metrics } = ctx();
    const app = `${prefix}-ok`;
    const steps: Obj[] = [{ setWeight: 20 }, { pause: {} }, ...(rc.headerRoute ? [{ setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] } }] : []), { setWeight: 60 }, bakeStep(app, '60s')];
    const stable = await deployFirst(env, rc, metrics, app, steps);
    assert.equal(await serviceHash(env, `${app}-stable`), stable, 'stable Service selects the first revision');
    const watch = await watchRoute(env, rc, app);
    try {
      await setImage(env, app, 'app:v2');
      const paused = await waitFor(env, app, 'paused at step 1', (r) => r.status?.phase === 'Paused' && r.status?.currentStepIndex === 1);
      const canary = paused.status.currentPodHash as string;
      assert.notEqual(canary, stable);
      assert.equal(await serviceHash(env, `${app}-canary`), canary, 'canary Service selects the canary pods');
      assert.equal(await serviceHash(env, `${app}-stable`), stable, 'stable Service still on stable');
      const rss = await replicaSets(env, app);
      assert.equal(rss.get(canary)?.spec, 1, '20% of 4 replicas is 1 canary pod');
      await rc.check?.(env, app, { canary, stable });
      if (routed) {
        assert.deepEqual(await weightNow(env, rc, app), { canary: 20, stable: 80 }, 'router at 20/80 during the pause');
        assert.equal(paused.status.canary.weights.verified, true);
      } else {
        // Argo's arithmetic: canary ceil(4 * 0.2) = 1, stable ceil(4 * 0.8) = 4; the split is 1 of 5 pods.
        assert.equal(rss.get(stable)?.spec, 4, 'no mesh: stable ceil(3.2) = 4 pods');
        assert.equal(paused.status.canary.weights.canary.weight, 20, 'no mesh: the pod ratio (1 of 5) is the weight');
      }

      await patchRollout(env, app, { status: { pauseConditions: null } }, { status: true });
      if (rc.headerRoute) {
        // The header route is added with the step after the pause and kept through the bake.
        await eventually(async () => {
          const obj = await routeNow(env, rc, app);
          return obj && rc.managedRoutes!(obj).includes('beta');
        }, 'managed header route added');
      }
      const done = await waitFor(env, app, 'promoted to Healthy', (r) => r.status?.phase === 'Healthy' && r.status?.stableRS === canary);
      assert.equal(done.status.conditions.find((c: Obj) => c.type === 'Ready').status, 'True');
      assert.equal(await serviceHash(env, `${app}-stable`), canary, 'stable Service moved to the new revision');
      assert.equal(await serviceHash(env, `${app}-canary`), canary, 'canary Service on the new revision');
      await rc.check?.(env, app, { canary, stable: canary });

      const runs = await analysisRuns(env, app);
      assert.equal(runs.length, 1, 'one AnalysisRun for the bake');
      assert.equal(runs[0]!.status?.phase, 'Successful');
      assert.ok((runs[0]!.status?.metricResults?.[0]?.measurements?.length ?? 0) >= 1, 'the bake analysis measured');
      assert.ok(metrics.queries.some((q) => q.rollout === app && q.hash === canary), 'the analysis queried the canary hash');
      const rs = await reasons(env, app);
      assert.equal(rs.filter((e) => e.reason === 'RolloutCompleted').length, 1, 'one RolloutCompleted (the first revision is stable from the start)');
      assert.ok(rs.some((e) => e.reason === 'BakeCompleted'));

      if (watch) {
        await eventually(async () => (rc.removedAfterPromotion ? watch.last() === 'deleted' : (await weightNow(env, rc, app))?.canary === 0), 'router settled');
        await watch.caughtUp();
        watch.assertAlive();
        watch.assertSums();
        const seq = watch.canarySequence();
        while (seq[0] === 0) seq.shift();
        // Promotion: 100% to the canary, then (both Services on the new revision) 0 on the canary
        // side; a generated route object is then deleted.
        const expected = [20, 60, 100, 0, ...(rc.removedAfterPromotion ? [-1] : [])];
        assert.deepEqual(seq, expected, `weights seen on the router: ${watch.canarySequence().join(' -> ')}`);
        if (rc.removedAfterPromotion) assert.equal(await routeNow(env, rc, app), undefined, 'generated route object removed after promotion');
        if (rc.headerRoute) assert.deepEqual(rc.managedRoutes!((await routeNow(env, rc, app))!), [], 'managed routes removed after promotion');
      } else {
        const final = await eventually(async () => {
          const m = await replicaSets(env, app);
          return m.get(stable)?.spec === 0 && m;
        }, 'old stable scaled down');
        assert.equal(final.get(canary)?.spec, 4);
      }
    } finally {
      watch?.stop();
    }
  });

  it('a canary whose pods never become ready gets no traffic and goes Degraded at the progress deadline', async () => {
    const { env, metrics } = ctx();
    const app = `${prefix}-unready`;
    // 400s at the suite's time scale is 2s: well above the 1s granularity of the status
    // timestamps the deadline is counted from.
    const stable = await deployFirst(env, rc, metrics, app, [{ setWeight: 50 }, { pause: {} }], { progressDeadlineSeconds: 400 });
    const watch = await watchRoute(env, rc, app);
    try {
      await setImage(env, app, 'app:bad');
      await waitFor(env, app, 'Progressing on the new revision first', (r) => r.status?.currentPodHash !== stable && r.status?.phase === 'Progressing');
      const ro = await waitFor(env, app, 'Degraded at the progress deadline', (r) => r.status?.phase === 'Degraded');
      assert.match(ro.status.message, /ProgressDeadlineExceeded/);
      assert.equal(ro.status.currentStepIndex, 0, 'never got past the weight step');
      assert.equal(ro.status.canary?.weights?.canary?.weight ?? 0, 0);
      const rss = await replicaSets(env, app);
      const canary = ro.status.currentPodHash as string;
      assert.ok((rss.get(canary)?.spec ?? 0) > 0, 'canary pods were asked for');
      assert.equal(rss.get(canary)?.ready ?? 0, 0, 'and none is ready');
      assert.equal(rss.get(stable)?.spec, 4, 'stable keeps every replica');
      assert.equal(await serviceHash(env, `${app}-stable`), stable);
      const rs = await reasons(env, app);
      assert.equal(rs.filter((e) => e.reason === 'ProgressDeadlineExceeded').length, 1);
      if (watch) {
        await watch.caughtUp();
        watch.assertAlive();
        watch.assertSums();
        for (const s of watch.seen) if (s !== 'deleted') assert.equal(s.canary, 0, `canary never gets traffic: ${watch.canarySequence().join(' -> ')}`);
        const now = await weightNow(env, rc, app);
        if (now) assert.deepEqual(now, { canary: 0, stable: 100 });
      }
    } finally {
      watch?.stop();
    }
  });

  it('an analysis failure during the bake aborts: stable gets 100, the canary Service goes back to stable, managed routes removed', async () => {
    const { env, metrics } = ctx();
    const app = `${prefix}-fail`;
    const steps: Obj[] = [
      ...(rc.headerRoute ? [{ setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] } }] : []),
      { setWeight: 40 },
      bakeStep(app, '1h'),
      { setWeight: 80 },
    ];
    const stable = await deployFirst(env, rc, metrics, app, steps);
    const watch = await watchRoute(env, rc, app);
    try {
      metrics.markBad(app);
      await setImage(env, app, 'app:v2');
      const ro = await waitFor(env, app, 'aborted', (r) => r.status?.abort === true && r.status?.phase === 'Degraded' && r.status?.canary?.weights?.verified !== false);
      const canary = ro.status.currentPodHash as string;
      assert.match(ro.status.message, /RolloutAborted: bake analysis run .* Failed/);
      assert.equal(ro.status.stableRS, stable, 'stable unchanged');
      assert.equal(ro.status.canary.weights.canary.weight, 0);
      assert.equal(await serviceHash(env, `${app}-canary`), stable, 'canary Service pointed back at stable');
      assert.equal(await serviceHash(env, `${app}-stable`), stable);
      await rc.check?.(env, app, { canary: stable, stable });
      const runs = await analysisRuns(env, app);
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.status?.phase, 'Failed');
      assert.ok(metrics.queries.some((q) => q.rollout === app && q.hash === canary));
      const rs = await reasons(env, app);
      assert.equal(rs.filter((e) => e.reason === 'RolloutAborted').length, 1);
      if (routed) {
        const now = await eventually(async () => {
          const w = await weightNow(env, rc, app);
          return w?.canary === 0 && w;
        }, 'router back on stable');
        assert.deepEqual(now, { canary: 0, stable: 100 });
        if (rc.headerRoute) assert.deepEqual(rc.managedRoutes!((await routeNow(env, rc, app))!), [], 'managed header route removed');
        await watch!.caughtUp();
        watch!.assertAlive();
        watch!.assertSums();
        const seq = watch!.canarySequence();
        assert.ok(seq.includes(40), `the canary had 40 before the abort: ${seq.join(' -> ')}`);
        assert.ok(!seq.includes(80), 'never reached the step after the bake');
        assert.equal(seq[seq.length - 1], 0, 'ends on stable');
        if (rc.headerRoute) assert.ok(watch!.objects.some((o) => rc.managedRoutes!(o).includes('beta')), 'the header route existed before the abort');
      } else {
        // No mesh: the canary is scaled away, stable back to every replica.
        await eventually(async () => {
          const m = await replicaSets(env, app);
          return m.get(canary)?.spec === 0 && m.get(stable)?.spec === 4;
        }, 'canary scaled to 0, stable at 4');
      }
      // The canary pods stay for abortScaleDownDelaySeconds, then go.
      await eventually(async () => (await replicaSets(env, app)).get(canary)?.spec === 0, 'canary scaled down after the abort delay');
    } finally {
      watch?.stop();
    }
  });
}
