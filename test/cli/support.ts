/** Helpers for the CLI tests: run `sluice <argv>` in-process with captured streams. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main, type CliIO } from '../../src/cli/index.js';
import type { LocalCluster } from '../../src/local/index.js';

/** What a run printed and returned. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Captured streams; `out()` reads what was written so far (for watches). */
export function captured(): { stdout: PassThrough; stderr: PassThrough; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout, stderr, out: () => out, err: () => err };
}

/** Runs `sluice <argv>` in-process; `signal` stops watches. */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<CliRun> {
  const c = captured();
  const io: CliIO = { stdout: c.stdout, stderr: c.stderr, env: opts.env ?? {}, signal: opts.signal ?? new AbortController().signal };
  const code = await main(argv, io);
  await new Promise((r) => setImmediate(r));
  return { code, out: c.out(), err: c.err() };
}

/** Writes the cluster's kubeconfig to a temporary file and returns its path. */
export function kubeconfigFile(cluster: LocalCluster): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, cluster.kubeconfigYaml());
  return path;
}

/** A kubeconfig whose server does not answer (nothing listens on port 1). */
export function unreachableKubeconfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: gone, context: {cluster: gone, user: u, namespace: team}}]',
      'current-context: gone',
    ].join('\n'),
  );
  return path;
}
