// `sluice local`: flags, kubeconfig file, one line with the URL, clean exit on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { runLocalCommand } from '../../src/local/index.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let buf = '';
  out.on('data', (c: Buffer) => (buf += c.toString()));
  return { out, text: () => buf };
}

describe('sluice local (CLI)', () => {
  const cases: Record<string, string[]> = {
    'unknown flag': ['--kubeconfig', '/tmp/x', '--frobnicate', '1'],
    'missing kubeconfig': ['--port', '0'],
    'bad port': ['--port', 'http', '--kubeconfig', '/tmp/x'],
    'bad duration': ['--kubeconfig', '/tmp/x', '--latency', 'soon'],
    'bad rate': ['--kubeconfig', '/tmp/x', '--error-rate', '2'],
    'bad regex': ['--kubeconfig', '/tmp/x', '--bad-image', '('],
  };
  for (const [name, argv] of Object.entries(cases)) {
    it(`rejects ${name} with exit code 2 and one readable line`, async () => {
      const c = capture();
      assert.equal(await runLocalCommand(argv, c.out), 2);
      assert.match(c.text().split('\n')[0] ?? '', /^sluice local: /);
    });
  }

  it('writes a working kubeconfig, prints the URL, applies fault flags, stops on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-local-'));
    const file = join(dir, 'kubeconfig');
    const c = capture();
    const ac = new AbortController();
    const run = runLocalCommand(['--port', '0', '--kubeconfig', file, '--no-simulate', '--error-rate=1'], c.out, ac.signal);
    for (let i = 0; i < 200 && !c.text().includes('\n'); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(c.text(), /^local cluster serving at https:\/\/127\.0\.0\.1:\d+ /);
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(file, 'utf8'));
    await assert.rejects(kc.makeApiClient(CoreV1Api).listNamespace(), /HTTP-Code: 500/);
    ac.abort();
    assert.equal(await run, 0);
  });

  it('exits 0 on SIGTERM when run as a process', async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-local-'));
    const child = spawn(process.execPath, ['--import', './scripts/register.mjs', '--no-warnings', 'test/local/support/serve.ts', '--kubeconfig', join(dir, 'kc'), '--no-simulate'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const firstLine = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('\n') && resolve())));
    await firstLine;
    assert.match(out, /serving at https:\/\//);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
