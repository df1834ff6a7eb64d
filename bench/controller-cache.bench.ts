/**
 * The controller's memory with 10,000 Rollouts cached: the local cluster runs as its own
 * process; this process builds the same informer the Rollout controller uses and reports the
 * RSS and heap before and after it has listed and is watching every Rollout.
 *
 *   node --expose-gc --import ./scripts/register.mjs bench/controller-cache.bench.ts [N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { RealClock } from '../src/clock/index.js';
import { ApiClients, Informer, Resources, reuseConnections } from '../src/controller/index.js';
import { sendJson } from '../src/controller/rest.js';
import { installCrdsFromDir } from '../src/local/index.js';

const N = Number(process.argv[2] ?? 10_000);
const say = (s: string): boolean => process.stdout.write(`${s}\n`);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cache-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const local = spawn(process.execPath, ['bin/sluice.js', 'local', '--port', '0', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    local.stdout.on('data', (b: Buffer) => (b.toString().includes('serving at') ? resolve() : undefined));
    local.once('exit', (code) => reject(new Error(`sluice local exited ${code}`)));
  });
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  reuseConnections(kc);
  await installCrdsFromDir(kc, 'crds');
  const clock = new RealClock();
  const clients = new ApiClients({ kubeConfig: kc, clock, qps: 0 });

  const t0 = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < N) {
      const i = next++;
      await sendJson(clients, 'POST', '/apis/sluice.dev/v1alpha1/namespaces/default/rollouts', { body: rollout(`app${i}`) });
    }
  }));
  say(`created ${N} Rollouts in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  gc();
  const before = process.memoryUsage();
  const informer = new Informer({ clients, clock, resource: Resources.rollouts });
  const t1 = Date.now();
  informer.start();
  await informer.waitForSync();
  const synced = Date.now() - t1;
  gc();
  const after = process.memoryUsage();
  say(`informer listed and cached ${informer.list().length} Rollouts in ${(synced / 1000).toFixed(2)}s`);
  say(`controller RSS ${mib(after.rss)} with ${N} Rollouts cached (was ${mib(before.rss)} before; heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)}, ~${((after.heapUsed - before.heapUsed) / N / 1024).toFixed(1)} KiB per Rollout)`);
  await informer.stop();
  local.kill('SIGTERM');
}

function rollout(name: string): object {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, labels: { app: name, team: 'bench' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:v1', ports: [{ containerPort: 8080 }] }] } },
      strategy: { canary: { canaryService: `${name}-canary`, stableService: `${name}-stable`, steps: [{ setWeight: 5 }, { bake: { duration: '30m' } }, { setWeight: 50 }] } },
    },
  };
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`cache bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
