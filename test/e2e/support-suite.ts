/** One describe block per router: a cluster with the router CRDs, the controller in-process, a metric source. */
import { MetricSource, type RouterCase } from './support-routers.js';
import { routerScenarios } from './support-scenarios.js';
import { startController, startEnv, stopEnv, type Env } from './support.js';

/** Time scale of the router suites: a 60s bake takes 300 ms, a 400s progress deadline 2 s. */
export const ROUTER_TIME_SCALE = 200;

export function routerSuite(rc: RouterCase, prefix: string, opts: { watchLagMs?: number } = {}): void {
  const lag = opts.watchLagMs ? `, every watch event ${opts.watchLagMs} ms late` : '';
  describe(`e2e canary: ${rc.label}${lag}`, function () {
    this.timeout(60_000);
    let env: Env;
    const metrics = new MetricSource();
    before(async () => {
      await metrics.start();
      env = await startEnv({ badImagePattern: /:bad$/, extraCrdDirs: ['test/fixtures/crds'], podReadyDelayMs: 20, ...(opts.watchLagMs ? { watchLagMs: opts.watchLagMs } : {}) });
      await startController(env, ROUTER_TIME_SCALE);
    });
    after(async () => {
      await stopEnv(env);
      await metrics.stop();
    });
    routerScenarios(rc, () => ({ env, metrics }), prefix);
  });
}
