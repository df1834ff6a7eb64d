// Local cluster API figures, through the real client over HTTPS:
//   node --import ./scripts/register.mjs bench/local-api.bench.ts
// Prints: time to create 10,000 ConfigMaps, to list them (unpaged and in pages of 500), and
// the latency from a write to its arrival at each of 10 watchers (p50/p99). No assertions.
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { startLocalCluster } from '../src/local/index.js';

const OBJECTS = 10_000;
const CONCURRENCY = 32;
const WATCHERS = 10;
const WRITES = 300;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const cluster = await startLocalCluster({ simulate: false });
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'bench' } } });
  const out = (s: string): void => void process.stdout.write(`${s}\n`);

  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < OBJECTS; i = next++) {
        await core.createNamespacedConfigMap({ namespace: 'bench', body: { metadata: { name: `cm-${i}`, labels: { n: String(i % 10) } }, data: { value: 'x'.repeat(64) } } });
      }
    }),
  );
  const created = performance.now() - t0;
  out(`create ${OBJECTS} ConfigMaps (${CONCURRENCY} concurrent): ${created.toFixed(0)} ms (${((OBJECTS / created) * 1000).toFixed(0)}/s)`);

  let t = performance.now();
  const all = await core.listNamespacedConfigMap({ namespace: 'bench' });
  out(`list ${all.items.length} unpaged: ${(performance.now() - t).toFixed(0)} ms`);

  t = performance.now();
  let pages = 0;
  let count = 0;
  let cont: string | undefined;
  do {
    const page = await core.listNamespacedConfigMap({ namespace: 'bench', limit: 500, _continue: cont });
    pages++;
    count += page.items.length;
    cont = page.metadata?._continue;
  } while (cont);
  out(`list ${count} in ${pages} pages of 500: ${(performance.now() - t).toFixed(0)} ms`);

  t = performance.now();
  const sel = await core.listNamespacedConfigMap({ namespace: 'bench', labelSelector: 'n=3' });
  out(`list with labelSelector (${sel.items.length} of ${OBJECTS}): ${(performance.now() - t).toFixed(0)} ms`);

  const latencies: number[] = [];
  const fanout: number[] = [];
  const sent = new Map<string, number>();
  const committed = new Map<string, number>();
  cluster.store.subscribe((ev) => {
    if (ev.object.metadata.name === 'probe') committed.set(ev.object.metadata.resourceVersion ?? '', performance.now());
  });
  let received = 0;
  const ctls = await Promise.all(
    Array.from({ length: WATCHERS }, () =>
      new Watch(cluster.kubeConfig).watch(
        '/api/v1/namespaces/bench/configmaps',
        { resourceVersion: all.metadata?.resourceVersion, fieldSelector: 'metadata.name=probe' },
        (_type, obj: { metadata?: { resourceVersion?: string } }) => {
          const now = performance.now();
          const at = sent.get(obj.metadata?.resourceVersion ?? '');
          if (at !== undefined) latencies.push(now - at);
          const c = committed.get(obj.metadata?.resourceVersion ?? '');
          if (c !== undefined) fanout.push(now - c);
          received++;
        },
        () => undefined,
      ),
    ),
  );
  await new Promise((r) => setTimeout(r, 200));
  const probe = await core.createNamespacedConfigMap({ namespace: 'bench', body: { metadata: { name: 'probe' }, data: { i: '0' } } });
  let rv = probe.metadata?.resourceVersion;
  for (let i = 1; i <= WRITES; i++) {
    const before = performance.now();
    const res = await core.replaceNamespacedConfigMap({ name: 'probe', namespace: 'bench', body: { metadata: { name: 'probe', resourceVersion: rv }, data: { i: String(i) } } });
    rv = res.metadata?.resourceVersion;
    sent.set(rv ?? '', before);
  }
  for (let i = 0; i < 200 && received < WATCHERS * (WRITES + 1); i++) await new Promise((r) => setTimeout(r, 10));
  for (const c of ctls) c.abort();
  latencies.sort((a, b) => a - b);
  fanout.sort((a, b) => a - b);
  out(`watch, ${WRITES} writes x ${WATCHERS} watchers, write request start -> event at client: p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms (${latencies.length} samples)`);
  out(`watch fan-out, commit in store -> event at client: p50 ${pct(fanout, 50).toFixed(2)} ms, p99 ${pct(fanout, 99).toFixed(2)} ms, max ${pct(fanout, 100).toFixed(2)} ms (${fanout.length} samples)`);
  // The figures above are dominated by client-node, which opens a new TLS connection (and
  // builds a new SecureContext) for every request. For the server's own cost, 8 keep-alive
  // connections with plain node:https:
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  const opts: https.RequestOptions = { method: 'GET' };
  await cluster.kubeConfig.applyToHTTPSOptions(opts);
  opts.agent = agent;
  const getOnce = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = https.request(new URL(`/api/v1/namespaces/bench/configmaps/cm-${i}`, cluster.url), opts, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
  t = performance.now();
  let nextGet = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = nextGet++; i < 5000; i = nextGet++) await getOnce(i);
  }));
  const gets = performance.now() - t;
  out(`5000 GETs over 8 keep-alive connections (node:https, not client-node): ${gets.toFixed(0)} ms (${((5000 / gets) * 1000).toFixed(0)}/s)`);
  agent.destroy();
  const mem = process.memoryUsage();
  out(`heap used after ${OBJECTS + 1} objects: ${(mem.heapUsed / 1024 / 1024).toFixed(0)} MiB`);
  await cluster.stop();
}

await main();
