/** Running kubectl against a local cluster, and skipping loudly where kubectl is absent. */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../support/requires.js';
import type { LocalCluster } from '../../../src/local/index.js';

/**
 * Call in a `before` hook: returns kubectl's path or skips the suite with a loud notice —
 * also under CI=true, since kubectl is not a Debian package CI installs.
 */
export function requireKubectl(ctx: Mocha.Context): string {
  const path = which('kubectl');
  if (path) return path;
  process.stderr.write('\n!!!!!!!! SKIPPING kubectl conformance tests: kubectl not found on PATH (install it from https://kubernetes.io/docs/tasks/tools/) !!!!!!!!\n\n');
  ctx.skip();
}

/** kubectl bound to one cluster (its own kubeconfig and discovery cache). */
export interface Kubectl {
  run(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs and fails on a non-zero exit; returns stdout. */
  ok(args: string[], stdin?: string): Promise<string>;
  spawn(args: string[]): ChildProcessWithoutNullStreams;
}

/** Writes the cluster's kubeconfig to a temp dir and returns a runner. */
export async function kubectlFor(cluster: LocalCluster): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfigYaml());
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const run = (args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = execFile('kubectl', args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  return {
    run,
    ok: async (args, stdin) => {
      const r = await run(args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    spawn: (args) => spawn('kubectl', args, { env }),
  };
}
