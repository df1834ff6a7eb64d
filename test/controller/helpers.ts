/** Shared helpers for the controller tests that run against the local cluster. */
import { fileURLToPath } from 'node:url';
import { startLocalCluster, installCrdsFromDir, type LocalCluster } from '../../src/local/index.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a local cluster (no simulated workloads), optionally with Sluice's CRDs. */
export async function cluster(options: { crds?: boolean } = {}): Promise<LocalCluster> {
  const c = await startLocalCluster({ port: 0, simulate: false });
  if (options.crds) await installCrdsFromDir(c.kubeConfig, `${ROOT}crds`);
  return c;
}

/** Polls `check` every 20 ms until it returns true, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
