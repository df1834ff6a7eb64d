/**
 * A controller whose Rollout cache lags the API server (a busy watch cache: the local cluster's
 * watch-lag fault holds Rollout watch events while every other kind arrives at once). Other
 * events (ReplicaSets scaled, runs terminated) then bring the Rollout back to the queue before
 * its own status write is in the cache. A plan from that stale status must not undo what the
 * write recorded: once an abort is in the status, the canary never gets traffic again.
 */
import assert from 'node:assert/strict';
import { basic, istioHost } from './support-cases.js';
import { MetricSource, HASH, NS, RouteWatch, bakeStep, type RouterCase } from './support-routers.js';
import { deployFirst, watchRoute } from './support-scenarios.js';
import { startController, startEnv, stopEnv, setImage, type Env, type Obj } from './support.js';
import { ROUTER_TIME_SCALE } from './support-suite.js';

const rv = (o: Obj): number => Number(o.metadata.resourceVersion);

for (const rc of [basic, istioHost] as RouterCase[]) {
  describe(`e2e: a lagging Rollout cache never undoes an abort (${rc.label})`, function () {
    this.timeout(60_000);
    let env: Env;
    const metrics = new MetricSource();
    before(async () => {
      await metrics.start();
      env = await startEnv({ extraCrdDirs: ['test/fixtures/crds'], podReadyDelayMs: 20 });
      await startController(env, ROUTER_TIME_SCALE);
    });
    after(async () => {
      await stopEnv(env);
      await metrics.stop();
    });

    it('after the abort is recorded, no write points the canary Service or the weights back at the canary', async () => {
      const app = rc === basic ? 'lag-basic' : 'lag-istio';
      const stable = await deployFirst(env, rc, metrics, app, [{ setWeight: 40 }, bakeStep(app, '1h'), { setWeight: 80 }]);
      // Every version of the canary Service and of the Rollout, with its resourceVersion (one
      // store: one order).
      const svc = new RouteWatch(env, `/api/v1/namespaces/${NS}/services`, `${app}-canary`, () => undefined);
      const ro = new RouteWatch(env, `/apis/sluice.dev/v1alpha1/namespaces/${NS}/rollouts`, app, () => undefined);
      await svc.start();
      await ro.start();
      const route = await watchRoute(env, rc, app);
      const faults = env.cluster.faults;
      faults.watchLagMs = 200;
      faults.watchLagResources = ['rollouts'];
      try {
        metrics.markBad(app);
        await setImage(env, app, 'app:v2');
        const aborted = (): Obj | undefined => ro.objects.find((o) => o.status?.abort === true);
        const deadline = Date.now() + 20_000;
        while (!aborted() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        const first = aborted();
        assert.ok(first, 'the abort was recorded');
        // Time for every reconcile the lag can cause (the lag, then a few more).
        await new Promise((r) => setTimeout(r, 1500));
        const canary = first.status.currentPodHash as string;
        assert.notEqual(canary, stable);
        const after = svc.objects.filter((s) => rv(s) > rv(first));
        for (const s of after) assert.notEqual(s.spec.selector[HASH], canary, `canary Service pointed at the canary pods at rv ${rv(s)}, after the abort at rv ${rv(first)}`);
        const now = svc.objects.at(-1);
        assert.equal(now?.spec.selector[HASH], stable, 'the canary Service ends on stable');
        if (route) {
          for (const o of route.objects.filter((x) => rv(x) > rv(first))) {
            const w = rc.weights!(o, app);
            if (w) assert.equal(w.canary, 0, `weight ${w.canary} on the canary at rv ${rv(o)}, after the abort at rv ${rv(first)}`);
          }
        }
      } finally {
        faults.reset();
        svc.stop();
        ro.stop();
        route?.stop();
      }
    });
  });
}
