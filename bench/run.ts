/**
 * Runs every `bench/*.bench.ts` in sequence, each in its own Node process (so one bench's heap
 * and timers do not colour the next), and prints their figures. `npm run bench`; pass names to
 * run a subset: `npm run bench -- analysis queue`. Asserts nothing; exits non-zero if a bench
 * crashed.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n=== ${f} ===\n`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', './scripts/register.mjs', path.join('bench', f)], { stdio: 'inherit', cwd: path.dirname(dir) });
    child.once('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    failed++;
    process.stdout.write(`${f} exited with ${code}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
