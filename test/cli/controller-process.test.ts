/**
 * `sluice controller` as real child processes (bin/sluice.js) against the local cluster:
 * failover after SIGKILL, lease release on SIGTERM, and one-line startup failures.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { LocalCluster } from '../../src/local/index.js';
import { cluster, eventually } from '../controller/helpers.js';

const BIN = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function sluice(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, err: () => err, exited };
}

describe('cli/controller processes (local cluster)', function () {
  this.timeout(90_000);
  let c: LocalCluster;
  let dir: string;
  let kubeconfig: string;
  let leases: CoordinationV1Api;
  const procs: Proc[] = [];

  before(async () => {
    c = await cluster({ crds: true });
    dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    await c.writeKubeconfig(kubeconfig);
    leases = c.kubeConfig.makeApiClient(CoordinationV1Api);
  });
  after(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await c?.stop();
  });

  async function holder(name: string): Promise<string> {
    try {
      return (await leases.readNamespacedLease({ name, namespace: 'default' })).spec?.holderIdentity ?? '';
    } catch {
      return '';
    }
  }

  it('an unreachable API is one line on stderr and exit 1, no stack trace', async () => {
    const bad = join(dir, 'unreachable');
    writeFileSync(bad, c.kubeconfigYaml().replace(c.url, 'https://127.0.0.1:1'));
    const p = sluice(['controller', '--kubeconfig', bad, '--leader-elect=false', '--metrics-port', '0', '--health-port', '0']);
    procs.push(p);
    const { code } = await p.exited;
    assert.equal(code, 1);
    assert.match(p.err(), /^sluice controller: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check --kubeconfig and that the cluster is running\n$/);
  });

  it('a bad flag is one line and exit 2', async () => {
    const p = sluice(['controller', '--workers', 'lots']);
    procs.push(p);
    const { code } = await p.exited;
    assert.equal(code, 2);
    assert.equal(p.err(), "sluice controller: --workers must be an integer from 1 to 1000 (got 'lots')\n");
  });

  it('two controllers: the leader is SIGKILLed, the standby takes over within the lease; SIGTERM releases the lease', async () => {
    const lease = 'sluice-failover';
    const timing = { leaseMs: 2000, retryMs: 250 };
    const args = [
      'controller', '--kubeconfig', kubeconfig, '--lease-name', lease, '--lease-namespace', 'default',
      '--lease-duration', `${timing.leaseMs}ms`, '--renew-deadline', '1500ms', '--retry-period', `${timing.retryMs}ms`,
      '--metrics-port', '0', '--health-port', '0', '--log-level', 'info',
    ];
    const one = sluice(args, { SLUICE_IDENTITY: 'one' });
    const two = sluice(args, { SLUICE_IDENTITY: 'two' });
    procs.push(one, two);
    const byId: Record<string, Proc> = { one, two };
    await eventually(async () => ['one', 'two'].includes(await holder(lease)), 40_000, 'a leader');
    // Let both finish starting, so the standby is campaigning when the leader dies.
    await eventually(() => /became leader/.test(one.out() + two.out()) && /leader observed/.test(one.out()) && /leader observed/.test(two.out()), 40_000, 'both running');
    const first = await holder(lease);
    const second = first === 'one' ? 'two' : 'one';
    const leader = byId[first] as Proc;
    const standby = byId[second] as Proc;
    leader.child.kill('SIGKILL');
    const killedAt = performance.now();
    await leader.exited;
    await eventually(async () => (await holder(lease)) === second, 15_000, `${second} takes over`);
    const tookMs = performance.now() - killedAt;
    process.stdout.write(`      takeover after SIGKILL: ${tookMs.toFixed(0)} ms (lease ${timing.leaseMs} ms, retry ${timing.retryMs} ms)\n`);
    // client-go semantics: expiry is judged by the standby's own clock from its last observation,
    // so the bound is the lease duration plus up to two retry periods.
    assert.ok(tookMs <= timing.leaseMs + 2 * timing.retryMs + 500, `took ${tookMs.toFixed(0)} ms`);
    await eventually(() => /became leader/.test(standby.out()), 5000, 'standby logs leadership');

    standby.child.kill('SIGTERM');
    const { code } = await standby.exited;
    assert.equal(code, 0, `graceful exit; stderr: ${standby.err()}`);
    assert.equal(await holder(lease), '', 'SIGTERM released the lease');
    assert.equal(standby.err(), '', 'nothing on stderr');
    for (const line of standby.out().trim().split('\n')) {
      const rec = JSON.parse(line) as { level: number; msg: string };
      assert.ok(typeof rec.msg === 'string', 'JSON log lines');
    }
    assert.match(standby.out(), /lease released/);
  });
});
