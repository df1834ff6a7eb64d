/**
 * Real dependencies for tests (Prometheus, Lua, kubectl, Chromium). On a developer's laptop a
 * missing one skips its tests with a loud notice; under CI=true it is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';

/** Absolute path of `cmd` on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Call in a `before` hook: returns the tool's path, or skips the suite (laptop) / throws (CI)
 * when it is missing.
 */
export function requireTool(ctx: Mocha.Context, cmd: string, debianPackage: string): string {
  const path = which(cmd);
  if (path) return path;
  const msg = `${cmd} not found on PATH: install it with 'apt-get install -y ${debianPackage}'`;
  if (process.env['CI'] === 'true') throw new Error(`${msg} (CI=true: a missing dependency fails the run)`);
  process.stderr.write(`\n!!!!!!!! SKIPPING: ${msg} !!!!!!!!\n\n`);
  ctx.skip();
}
