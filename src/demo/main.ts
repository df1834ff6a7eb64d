/**
 * `npm run demo`: a canary from start to finish on this machine. It starts Sluice's local
 * Kubernetes API emulator (with its simulated kubelet), the controller with a time scale, and a
 * simulated app whose traffic follows the VirtualService weights; then promotes a healthy
 * version through 5% -> bake 30m (with an error-rate gate) -> 50% -> 100%, and aborts a bad one.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { analysisRunController } from '../analysis/reconciler/index.js';
import { RealClock } from '../clock/index.js';
import { Manager, silentLogger } from '../controller/index.js';
import { installCrdsFromDir, startLocalCluster } from '../local/index.js';
import { rolloutController } from '../rollout/index.js';
import { Printer } from './printer.js';
import { APP, NS, analysisTemplate, rollout, services, virtualService } from './manifests.js';
import { SimulatedTraffic, type TrafficView } from './traffic.js';

const TIME_SCALE = 120;
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const clock = new RealClock();
  const t0 = clock.now();
  say('Sluice demo: a canary with a bake and an analysis gate, start to finish.');
  say('Everything runs on this machine: the Kubernetes API is Sluice\'s local emulator with a simulated');
  say(`kubelet; the app and its metrics are simulated; the controller is the real one, with --time-scale ${TIME_SCALE}`);
  say(`(a 30m bake takes ${(30 * 60) / TIME_SCALE}s, a 1m analysis interval ${(60 / TIME_SCALE).toFixed(1)}s).`);
  say();

  const cluster = await startLocalCluster({ port: 0, podReadyDelayMs: 300 });
  await installCrdsFromDir(cluster.kubeConfig, 'crds');
  await installCrdsFromDir(cluster.kubeConfig, 'test/fixtures/crds');
  const kc = cluster.kubeConfig;
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);
  say(`local cluster:   ${cluster.url} (CRDs from crds/ and Istio's from test/fixtures/crds)`);

  const traffic = new SimulatedTraffic(clock, trafficView(custom, kc), { requestsPerTick: 20, tickMs: 100, windowMs: 3000 });
  const prometheus = await traffic.start();
  say(`metric source:   ${prometheus} - SIMULATED: answers the Prometheus HTTP API from the simulated traffic`);
  say('                 (the real-Prometheus path is covered by the tests)');

  for (const o of [...services(), virtualService(), analysisTemplate(prometheus)]) await objects.create(o as KubernetesObject);
  const manager = new Manager({
    kubeConfig: kc,
    clock,
    logger: silentLogger(),
    metricsPort: -1,
    healthPort: -1,
    timeScale: TIME_SCALE,
    qps: 0,
    leaderElection: { enabled: false },
    setups: [(ctx) => rolloutController(ctx), (ctx) => analysisRunController(ctx)],
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  say('controller:      running in this process');
  say();

  const printer = new Printer(kc, clock, t0, say);
  const summary: string[] = [];
  try {
    say('== 1. first revision (app:v1): no steps, it becomes stable directly');
    await objects.create(rollout('app:v1') as KubernetesObject);
    await printer.follow((ro) => ro.status?.phase === 'Healthy', 60_000);
    say();

    say('== 2. a healthy version (app:v2): 5% -> bake 30m with the error-rate gate -> 50% -> 100%');
    let start = clock.now();
    await setImage(objects, 'app:v2');
    const promoted = await printer.follow((ro) => ro.status?.phase === 'Healthy' && ro.status?.stableRS === ro.status?.currentPodHash && ro.metadata?.generation === ro.status?.observedGeneration, 90_000);
    summary.push(`app:v2 promoted to stable in ${((clock.now() - start) / 1000).toFixed(1)}s (bake ${(30 * 60) / TIME_SCALE}s)`);
    say();

    say('== 3. a bad version (app:v3:bad answers 25% of requests with 5xx)');
    start = clock.now();
    await setImage(objects, 'app:v3:bad');
    const aborted = await printer.follow((ro) => ro.status?.abort === true && ro.status?.canary?.weights?.verified === true, 60_000);
    const weights = await printer.vsWeights();
    summary.push(`app:v3:bad aborted ${((clock.now() - start) / 1000).toFixed(1)}s after it was deployed; traffic: ${weights}`);
    say();
    say('== summary');
    for (const line of summary) say(`- ${line}`);
    say(`- stable revision is still ${promoted.status?.stableRS} (app:v2); phase ${aborted.status?.phase}: ${aborted.status?.message}`);
    say(`- total ${((clock.now() - t0) / 1000).toFixed(1)}s`);
    return 0;
  } finally {
    stop.abort();
    await running.catch(() => undefined);
    await traffic.stop();
    await cluster.stop();
  }

  async function setImage(api: KubernetesObjectApi, image: string): Promise<void> {
    const current = (await custom.getNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: NS, plural: 'rollouts', name: APP })) as KubernetesObject & { spec: Record<string, unknown> };
    const next = rollout(image) as { spec: Record<string, unknown> };
    await api.replace({ ...current, spec: { ...current.spec, template: next.spec['template'] } } as KubernetesObject);
  }
}

function trafficView(custom: CustomObjectsApi, kc: KubeConfig): TrafficView {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const selectorHash = async (name: string): Promise<string> =>
    (await core.readNamespacedService({ name, namespace: NS })).spec?.selector?.['rollouts-pod-template-hash'] ?? '';
  return {
    async read() {
      const vs = (await custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: NS, plural: 'virtualservices', name: APP })) as {
        spec: { http: Array<{ route: Array<{ destination: { host: string }; weight?: number }> }> };
      };
      const route = vs.spec.http[0]?.route ?? [];
      const canaryWeight = route.find((r) => r.destination.host === `${APP}-canary`)?.weight ?? 0;
      const images = new Map<string, string>();
      for (const rs of (await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: `app=${APP}` })).items) {
        const h = rs.metadata?.labels?.['rollouts-pod-template-hash'];
        if (h) images.set(h, rs.spec?.template?.spec?.containers[0]?.image ?? '');
      }
      return { stableHash: await selectorHash(`${APP}-stable`), canaryHash: await selectorHash(`${APP}-canary`), canaryWeight, images };
    },
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
