/**
 * Abort latency with many rollouts in flight (issue budget: p99 < 1 s with 500).
 *
 * The local cluster runs as its own process (`sluice local`), the controller in this process
 * with time scale 1. N Istio canaries are taken to their bake step, each with an AnalysisRun
 * measuring every 10 s (or as given) against a Prometheus-API stand-in that answers "healthy". Then the stand-in
 * turns every canary bad, and for each rollout we measure from the failed measurement's
 * `finishedAt` (in AnalysisRun status) to the moment a watch on its VirtualService sees stable
 * at 100. Also printed: API writes the controller made per rollout (whole rollout, and abort only).
 *
 *   node --import ./scripts/register.mjs bench/abort.bench.ts [N] [interval seconds]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CustomObjectsApi, KubeConfig, KubernetesObjectApi, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { analysisRunController } from '../src/analysis/reconciler/index.js';
import { RealClock } from '../src/clock/index.js';
import { Manager, silentLogger } from '../src/controller/index.js';
import { installCrdsFromDir } from '../src/local/index.js';
import { rolloutController } from '../src/rollout/index.js';

const N = Number(process.argv[2] ?? 500);
/** Analysis interval in seconds (every run measures this often while it bakes). */
const INTERVAL = Number(process.argv[3] ?? 10);
const say = (s: string): boolean => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-abort-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const local = spawn(process.execPath, ['bin/sluice.js', 'local', '--port', '0', '--kubeconfig', kubeconfig, '--pod-ready-delay', '50ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    local.stdout.on('data', (b: Buffer) => (b.toString().includes('serving at') ? resolve() : undefined));
    local.once('exit', (code) => reject(new Error(`sluice local exited ${code}`)));
  });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  await installCrdsFromDir(kc, 'crds');
  await installCrdsFromDir(kc, 'test/fixtures/crds');
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const custom = kc.makeApiClient(CustomObjectsApi);

  let bad = false;
  const prom = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, bad ? '0.5' : '0'] }] } }));
  });
  await new Promise<void>((r) => prom.listen(0, '127.0.0.1', r));
  const promUrl = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;

  await objects.create({
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'error-rate', namespace: 'default' },
    spec: { metrics: [{ name: 'error-rate', interval: `${INTERVAL}s`, successCondition: 'result[0] < 0.05', provider: { prometheus: { address: promUrl, query: 'errors' } } }] },
  } as KubernetesObject);
  say(`creating ${N} rollouts (Services, VirtualService, Rollout each)...`);
  await pool(N, 16, async (i) => {
    for (const o of objectsFor(`app${i}`)) await objects.create(o);
  });

  const clock = new RealClock();
  const manager = new Manager({
    kubeConfig: kc, clock, logger: silentLogger(), metricsPort: -1, healthPort: -1, qps: 0, workers: 16,
    leaderElection: { enabled: false },
    setups: [(ctx) => rolloutController(ctx), (ctx) => analysisRunController(ctx)],
  });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  const t0 = Date.now();
  await waitFor(async () => (await countRollouts(custom, (r) => r.status?.phase === 'Healthy')) === N, 'all Healthy', 300_000);
  say(`all ${N} Healthy on their first revision in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const t1 = Date.now();
  await pool(N, 16, async (i) => {
    await custom.patchNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'rollouts', name: `app${i}`, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'app:v2' }] });
  });
  await waitFor(async () => (await countRuns(custom, (r) => (r.status?.metricResults?.[0]?.successful ?? 0) >= 1)) >= N, 'every bake measuring', 300_000);
  say(`all ${N} canaries at 10% and baking, each with a successful measurement, after ${((Date.now() - t1) / 1000).toFixed(1)}s`);
  const writesBefore = await writes(manager);

  // Watch every VirtualService; record when each shows stable 100 again.
  const seenStable = new Map<string, number>();
  const watch = new Watch(kc);
  const req = await watch.watch('/apis/networking.istio.io/v1beta1/namespaces/default/virtualservices', {}, (_type, vs: { metadata: { name: string }; spec: { http: Array<{ route: Array<{ weight?: number; destination: { host: string } }> }> } }) => {
    const route = vs.spec.http[0]?.route ?? [];
    const stable = route.find((r) => r.destination.host.endsWith('-stable'))?.weight ?? 0;
    if (stable === 100 && !seenStable.has(vs.metadata.name)) seenStable.set(vs.metadata.name, Date.now());
  }, () => undefined);
  await new Promise((r) => setTimeout(r, 500));
  seenStable.clear();
  bad = true;
  const tBad = Date.now();
  await waitFor(async () => seenStable.size >= N, 'every VirtualService back on stable', 120_000).catch((e: unknown) => say(String(e)));
  say(`all aborted within ${((Date.now() - tBad) / 1000).toFixed(1)}s of the metric source turning bad`);
  await new Promise((r) => setTimeout(r, 1000));
  const writesAfter = await writes(manager);

  const latencies: number[] = [];
  const runs = (await custom.listNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' })) as { items: Array<{ metadata: { labels: Record<string, string> }; status?: { metricResults?: Array<{ measurements?: Array<{ phase: string; finishedAt?: string }> }> } }> };
  for (const run of runs.items) {
    const failed = run.status?.metricResults?.[0]?.measurements?.find((m) => m.phase === 'Failed');
    const name = run.metadata.labels['rollout.sluice.dev/name'] ?? '';
    const at = seenStable.get(name);
    if (failed?.finishedAt && at) latencies.push(at - Date.parse(failed.finishedAt));
  }
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  say('');
  say(`abort latency, failed measurement -> VirtualService stable 100 (${latencies.length} of ${N} rollouts, analysis every ${INTERVAL}s):`);
  say(`  p50 ${q(0.5).toFixed(0)} ms   p99 ${q(0.99).toFixed(0)} ms   max ${(latencies[latencies.length - 1] ?? NaN).toFixed(0)} ms   (budget: p99 < 1000 ms)`);
  say(`API writes by the controller per rollout: ${(writesAfter / N).toFixed(1)} over the whole canary, ${((writesAfter - writesBefore) / N).toFixed(1)} for the abort`);
  say(`controller process: RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, CPU ${(process.cpuUsage().user / 1e6).toFixed(1)} s user`);

  req.abort();
  stop.abort();
  await running.catch(() => undefined);
  prom.close();
  local.kill('SIGTERM');
}

function objectsFor(name: string): KubernetesObject[] {
  const ns = 'default';
  return [
    ...['stable', 'canary'].map((role) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-${role}`, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80 }] } })),
    {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name, namespace: ns },
      spec: { hosts: [name], http: [{ name: 'primary', route: [{ destination: { host: `${name}-stable` }, weight: 100 }, { destination: { host: `${name}-canary` }, weight: 0 }] }] },
    },
    {
      apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', metadata: { name, namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
        strategy: { canary: {
          canaryService: `${name}-canary`, stableService: `${name}-stable`,
          trafficRouting: { istio: { virtualService: { name, routes: ['primary'] } } },
          steps: [{ setWeight: 10 }, { bake: { duration: '30m', analysis: { templates: [{ templateName: 'error-rate' }] } } }],
        } },
      },
    },
  ] as KubernetesObject[];
}

type Obj = { status?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function countRollouts(custom: CustomObjectsApi, pred: (o: Obj) => boolean): Promise<number> {
  const list = (await custom.listNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'rollouts' })) as { items: Obj[] };
  return list.items.filter(pred).length;
}

async function countRuns(custom: CustomObjectsApi, pred: (o: Obj) => boolean): Promise<number> {
  const list = (await custom.listNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' })) as { items: Obj[] };
  return list.items.filter(pred).length;
}

async function writes(manager: Manager): Promise<number> {
  const m = await manager.metrics.registry.getSingleMetric('sluice_api_requests_total')?.get();
  return (m?.values ?? []).filter((v) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(String(v.labels['verb']))).reduce((s, v) => s + v.value, 0);
}

async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function waitFor(fn: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`abort bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
