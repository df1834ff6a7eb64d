/**
 * AnalysisRun controller under load: N concurrent AnalysisRuns (default 1,000), each measuring
 * every 10 s (real seconds, time scale 1) against a local server that answers Prometheus' query
 * API. The local cluster and the fake Prometheus run here; the controller runs as its own
 * process (`sluice controller`), so its CPU and memory are its own (read from /proc).
 *
 *   node --import ./scripts/register.mjs bench/analysis.bench.ts [--runs 1000] [--count 7]
 *        [--interval 10] [--qps 200] [--burst 400] [--workers 4]   (the controller's defaults)
 *
 * Prints: lateness of measurements (startedAt minus the due time anchor + k*interval, which
 * the controller records on each measurement as `sluice.dev/due-at`), p50/p99/max; the delay
 * from creation to the first measurement; the controller's CPU seconds and RSS over the
 * measuring window. Asserts nothing about time.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { ANCHOR_KEY, DUE_KEY } from '../src/analysis/reconciler/index.js';
import { installCrdsFromDir, startLocalCluster } from '../src/local/index.js';
import { FakePrometheus } from '../test/analysis/fake-prometheus.js';

const out = (s: string): void => void process.stdout.write(`${s}\n`);
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}
const RUNS = flag('runs', 1000);
const COUNT = flag('count', 7);
const INTERVAL_S = flag('interval', 10);
const QPS = flag('qps', 200);
const BURST = flag('burst', 400);
const WORKERS = flag('workers', 4);
const gvr = { group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' };
const DONE = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The controller's own counters: reconciles by result, API requests by verb and code. */
async function controllerMetrics(port: number): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => /^sluice_\w*(reconcile_duration_seconds_(count|sum)\{controller="analysisrun"|api_requests_total|queue_retries_total\{controller="analysisrun")/.test(l));
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** utime+stime in seconds, and RSS / peak RSS in MiB, of a process (Linux /proc). */
async function procStats(pid: number): Promise<{ cpu: number; rss: number; hwm: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11]) + Number(stat[12]);
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { cpu: ticks / 100, rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

type Run = { metadata: { name: string; creationTimestamp?: string }; status?: { phase?: string; metricResults?: Array<{ metadata?: Record<string, string>; count?: number; measurements?: Array<{ startedAt?: string; metadata?: Record<string, string> }> }> } };

async function main(): Promise<void> {
  const cluster = await startLocalCluster({ port: 0, simulate: false });
  await installCrdsFromDir(cluster.kubeConfig, 'crds');
  const prom = await new FakePrometheus().on('bench_error_ratio', 0.01).start();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sluice-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeConfig.exportConfig());
  const metricsPort = await freePort();
  const args = ['bin/sluice.js', 'controller', '--kubeconfig', kubeconfig, '--leader-elect=false', '--metrics-port', String(metricsPort), '--health-port', String(metricsPort)];
  args.push('--qps', String(QPS), '--burst', String(BURST), '--workers', String(WORKERS), '--log-level', 'warn');
  const ctl = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const pid = ctl.pid ?? 0;
  const custom = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
  out(`analysis bench: ${RUNS} AnalysisRuns, interval ${INTERVAL_S}s, count ${COUNT}, controller --qps ${QPS} --burst ${BURST} --workers ${WORKERS}`);
  try {
    // Let the controller start (ts-node compile, cache sync): one run measured means it is up.
    const warm = { name: 'm', successCondition: 'result[0] < 0.05', provider: { prometheus: { address: prom.url, query: 'bench_error_ratio' } } };
    await custom.createNamespacedCustomObject({ ...gvr, body: { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'warm-up' }, spec: { metrics: [warm] } } });
    for (let i = 0; i < 600; i++) {
      const w = (await custom.getNamespacedCustomObject({ ...gvr, name: 'warm-up' })) as Run;
      if (DONE.has(w.status?.phase ?? '')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await custom.deleteNamespacedCustomObject({ ...gvr, name: 'warm-up' });
    prom.calls.clear();
    const before = await procStats(pid);
    const hereBefore = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < RUNS; i = next++) {
          const metric = { name: 'error-rate', interval: `${INTERVAL_S}s`, count: COUNT, successCondition: 'result[0] < 0.05', provider: { prometheus: { address: prom.url, query: 'bench_error_ratio' } } };
          await custom.createNamespacedCustomObject({ ...gvr, body: { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: `run-${i}` }, spec: { metrics: [metric] } } });
        }
      }),
    );
    const createdAt = Date.now();
    out(`created ${RUNS} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const deadline = performance.now() + (COUNT * INTERVAL_S + 60) * 1000;
    let runs: Run[] = [];
    let peakRss = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      peakRss = Math.max(peakRss, (await procStats(pid)).rss);
      runs = ((await custom.listNamespacedCustomObject({ ...gvr })) as { items: Run[] }).items;
      if (runs.every((r) => DONE.has(r.status?.phase ?? '')) || performance.now() > deadline) break;
    }
    const after = await procStats(pid);
    const here = process.cpuUsage(hereBefore);
    const wall = (performance.now() - t0) / 1000;
    const lateness: number[] = [];
    const steady: number[] = [];
    const byK = new Map<number, number[]>();
    const firstDelay: number[] = [];
    const phases = new Map<string, number>();
    for (const r of runs) {
      phases.set(r.status?.phase ?? 'none', (phases.get(r.status?.phase ?? 'none') ?? 0) + 1);
      const res = r.status?.metricResults?.[0];
      const anchor = Number(res?.metadata?.[ANCHOR_KEY]);
      const ms = res?.measurements ?? [];
      const first = (res?.count ?? 0) - ms.length;
      ms.forEach((m, i) => {
        const started = Date.parse(m.startedAt ?? '');
        // The slot the controller measured for; after a re-anchor the stored anchor has moved.
        const due = Date.parse(m.metadata?.[DUE_KEY] ?? '') || anchor + (first + i) * INTERVAL_S * 1000;
        const late = started - due;
        lateness.push(late);
        if (started > createdAt) steady.push(late);
        byK.set(first + i, [...(byK.get(first + i) ?? []), late]);
      });
      const created = Date.parse(r.metadata.creationTimestamp ?? '');
      if (ms[0] && first === 0) firstDelay.push(Date.parse(ms[0].startedAt ?? '') - created);
    }
    lateness.sort((a, b) => a - b);
    firstDelay.sort((a, b) => a - b);
    steady.sort((a, b) => a - b);
    const n = (x: number): string => x.toFixed(0).padStart(6);
    out(`phases             : ${[...phases].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    out(`measurements       : ${lateness.length} (${(lateness.length / wall).toFixed(0)}/s over ${wall.toFixed(0)} s); queries served ${prom.calls.get('bench_error_ratio') ?? 0}`);
    out(`lateness ms        : p50 ${n(pct(lateness, 50))}  p99 ${n(pct(lateness, 99))}  max ${n(lateness[lateness.length - 1] ?? NaN)}  (startedAt - due slot anchor + k*interval)`);
    out(`  after creation   : p50 ${n(pct(steady, 50))}  p99 ${n(pct(steady, 99))}  (${steady.length} measurements started once every run existed)`);
    const perK = [...byK].sort(([a], [b]) => a - b).map(([k, v]) => `k=${k} ${pct(v.sort((a, b) => a - b), 99).toFixed(0)}`);
    out(`  p99 by k         : ${perK.join('  ')}`);
    out(`first measurement  : p50 ${n(pct(firstDelay, 50))}  p99 ${n(pct(firstDelay, 99))} ms after creationTimestamp (1 s resolution)`);
    out(`controller CPU     : ${(after.cpu - before.cpu).toFixed(1)} s over ${wall.toFixed(0)} s (${(((after.cpu - before.cpu) / wall) * 100).toFixed(0)}% of one core)`);
    out(`API server + fake  : ${((here.user + here.system) / 1e6).toFixed(1)} s CPU in this process (local cluster, fake Prometheus, this bench)`);
    out(`load average       : ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    for (const l of await controllerMetrics(metricsPort).catch(() => [])) out(`  ${l}`);
    out(`controller RSS     : ${after.rss.toFixed(0)} MiB at the end, ${peakRss.toFixed(0)} MiB peak sampled, ${after.hwm.toFixed(0)} MiB high-water (includes ts-node)`);
  } finally {
    ctl.kill('SIGTERM');
    await new Promise((r) => ctl.once('exit', r));
    await prom.close();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
