/**
 * The `kubectl sluice` plugin entry as real processes: `sluice local` serves the API in one
 * process, `bin/kubectl-sluice.js` runs commands against it in others (as kubectl would run
 * the plugin found on PATH).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, CustomObjectsApi } from '@kubernetes/client-node';
import { installCrdsFromDir } from '../../src/local/index.js';
import { canaryRollout } from '../e2e/support.js';

const PLUGIN = new URL('../../bin/kubectl-sluice.js', import.meta.url).pathname;
const SLUICE = new URL('../../bin/sluice.js', import.meta.url).pathname;

function plugin(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PLUGIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: stdout, err: stderr.split('\n').filter((l) => l && !l.startsWith('npm warn')).join('\n') });
    });
  });
}

describe('cli: kubectl-sluice as a process against a `sluice local` process', function () {
  this.timeout(120_000);
  let local: ChildProcess;
  let kubeconfig: string;

  before(async () => {
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'sluice-plugin-')), 'kubeconfig');
    local = spawn(process.execPath, [SLUICE, 'local', '--port', '0', '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      local.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('local cluster serving at')) resolve();
      });
      local.once('exit', (code) => reject(new Error(`sluice local exited ${code}: ${out}`)));
    });
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    await installCrdsFromDir(kc, 'crds');
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'rollouts', body: canaryRollout('web', [{ setWeight: 50 }]) });
  });

  after(async () => {
    if (local.exitCode === null) {
      const exited = new Promise((r) => local.once('exit', r));
      local.kill('SIGTERM');
      await exited;
    }
  });

  it('list rollouts prints the table (exit 0)', async () => {
    const r = await plugin(['list', 'rollouts', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.err);
    const [header, row] = r.out.trimEnd().split('\n');
    assert.deepEqual(header?.split(/\s+/), ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE']);
    assert.deepEqual(row?.split(/\s+/).slice(0, 3), ['web', 'Canary', 'Progressing'], 'no controller runs here: status not written yet');
  });

  it('errors keep their exit codes through the plugin entry: not found 1, unknown command 2', async () => {
    const nf = await plugin(['promote', 'nope', '--kubeconfig', kubeconfig]);
    assert.deepEqual(nf, { code: 1, out: '', err: 'error: rollout "nope" not found in namespace "default"' });
    const bad = await plugin(['frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^sluice: unknown command 'frobnicate'; commands: abort, /);
  });
});
