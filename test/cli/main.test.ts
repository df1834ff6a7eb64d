import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main, parseControllerFlags, UsageError, type CliIO } from '../../src/cli/index.js';

/** Runs `sluice <argv>` in-process with captured streams. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = { stdout, stderr, env, signal: new AbortController().signal };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('cli/main', function () {
  this.timeout(30_000);

  it('version prints the package version', async () => {
    const r = await run(['version']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^sluice \d+\.\d+\.\d+\n$/);
  });

  it('no command prints usage and exits 2; an unknown command is one line, exit 2', async () => {
    const none = await run([]);
    assert.equal(none.code, 2);
    assert.match(none.out, /controller/);
    const bad = await run(['frobnicate']);
    assert.equal(bad.code, 2);
    assert.equal(bad.err, "sluice: unknown command 'frobnicate'; commands: abort, controller, get, list, local, pause, promote, restart, resume, retry, set, status, terminate, undo, version\n");
  });

  const badFlags: Record<string, [string[], RegExp]> = {
    'unknown flag': [['--nope'], /^sluice controller: unknown flag --nope; allowed: --kubeconfig, /],
    'non-integer workers': [['--workers', 'many'], /^sluice controller: --workers must be an integer from 1 to 1000 \(got 'many'\)$/],
    'zero workers': [['--workers=0'], /--workers must be an integer from 1/],
    'port out of range': [['--metrics-port', '70000'], /--metrics-port must be an integer from 0 to 65535/],
    'negative qps': [['--qps=-1'], /--qps must be a number greater than 0 \(got '-1'\)/],
    'dash value': [['--qps', '-1'], /flag --qps needs a value; write --qps=<value>/],
    'zero time scale': [['--time-scale', '0'], /--time-scale must be a number greater than 0 \(got '0'\)/],
    'bad log level': [['--log-level', 'loud'], /--log-level must be one of trace, debug, info, warn, error, fatal, silent \(got 'loud'\)/],
    'bad leader-elect': [['--leader-elect=perhaps'], /--leader-elect must be true or false \(got 'perhaps'\)/],
    'missing value': [['--kubeconfig'], /flag --kubeconfig needs a value/],
    'bad duration': [['--lease-duration', 'soon'], /--lease-duration must be a positive duration/],
    'renew deadline not shorter than lease': [['--lease-duration', '5', '--renew-deadline', '5'], /--renew-deadline \(5000ms\) must be shorter than --lease-duration/],
    'stray argument': [['extra'], /unexpected argument 'extra'/],
  };
  for (const [name, [argv, re]] of Object.entries(badFlags)) {
    it(`controller: ${name} → one line naming the flag, exit 2`, async () => {
      const r = await run(['controller', ...argv]);
      assert.equal(r.code, 2);
      assert.match(r.err.trimEnd(), re);
      assert.equal(r.err.split('\n').length, 2, `one line: ${JSON.stringify(r.err)}`);
      assert.equal(r.out, '');
    });
  }

  it('controller flags: defaults and values', () => {
    const d = parseControllerFlags([], {});
    assert.equal(d.leaderElect, true);
    assert.equal(d.metricsPort, 8080);
    assert.equal(d.healthPort, 8081);
    assert.equal(d.leaseDurationMs, 15_000);
    assert.equal(d.renewDeadlineMs, 10_000);
    assert.equal(d.retryPeriodMs, 2_000);
    assert.equal(d.timeScale, 1);
    assert.equal(d.leaseNamespace, 'default');
    const f = parseControllerFlags(
      ['--leader-elect=false', '--namespace', 'team', '--instance-id', 'blue', '--time-scale', '60', '--qps', '5.5', '--burst', '10', '--workers', '8', '--lease-duration', '3s', '--renew-deadline', '2000ms', '--retry-period', '0.5'],
      {},
    );
    assert.equal(f.leaderElect, false);
    assert.equal(f.namespace, 'team');
    assert.equal(f.leaseNamespace, 'team');
    assert.equal(f.instanceId, 'blue');
    assert.equal(f.timeScale, 60);
    assert.equal(f.qps, 5.5);
    assert.equal(f.burst, 10);
    assert.equal(f.workers, 8);
    assert.deepEqual([f.leaseDurationMs, f.renewDeadlineMs, f.retryPeriodMs], [3000, 2000, 500]);
    assert.equal(parseControllerFlags(['--leader-elect'], {}).leaderElect, true);
    assert.equal(parseControllerFlags([], { POD_NAMESPACE: 'sluice-system' }).leaseNamespace, 'sluice-system');
    assert.throws(() => parseControllerFlags(['--burst', '0'], {}), UsageError);
  });

  it('local delegates to the local cluster command (bad flag → exit 2)', async () => {
    const r = await run(['local', '--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.out + r.err, /sluice local:/);
  });

  it('controller --help prints the flags', async () => {
    const r = await run(['controller', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--time-scale/);
  });

  it('controller with a missing kubeconfig: one line, exit 1', async () => {
    const r = await run(['controller', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'sluice controller: kubeconfig /nonexistent/kubeconfig does not exist: pass --kubeconfig with the path of a valid kubeconfig file\n');
  });
});
