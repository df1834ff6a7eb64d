import assert from 'node:assert/strict';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { RealClock } from '../../src/clock/index.js';
import { ApiClients, LeaderElector, Manager, StopReasons, type Controller } from '../../src/controller/index.js';
import type { LocalCluster } from '../../src/local/index.js';
import { cluster, eventually } from './helpers.js';

describe('controller/leader (local cluster)', function () {
  this.timeout(30_000);
  let c: LocalCluster;
  let clients: ApiClients;
  let leases: CoordinationV1Api;
  const clock = new RealClock();
  const timing = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 };
  let n = 0;

  before(async () => {
    c = await cluster({ crds: true });
    clients = new ApiClients({ kubeConfig: c.kubeConfig, clock, qps: 0 });
    leases = clients.make(CoordinationV1Api);
  });
  after(async () => {
    await c?.stop();
  });

  function elector(identity: string, leaseName: string, events: string[] = []): LeaderElector {
    return new LeaderElector({
      api: leases,
      clients,
      clock,
      identity,
      leaseName,
      leaseNamespace: 'default',
      ...timing,
      onStartedLeading: () => events.push(`${identity} started`),
      onStoppedLeading: (why) => events.push(`${identity} stopped: ${why}`),
    });
  }

  it('one of two candidates leads; release hands over at once; fields are kept', async () => {
    const lease = `le-${++n}`;
    const events: string[] = [];
    const a = elector('a', lease, events);
    const b = elector('b', lease, events);
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    await eventually(() => a.isLeader(), 5000, 'a leads');
    const runB = b.run(stopB.signal);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(b.isLeader(), false, 'b stands by while a renews');
    const held = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    assert.equal(held.spec?.holderIdentity, 'a');
    assert.equal(held.spec?.leaseDurationSeconds, 2);
    assert.ok(held.spec?.acquireTime && held.spec.renewTime, 'acquireTime and renewTime set');
    assert.equal(held.spec?.leaseTransitions, 0);

    stopA.abort();
    await runA;
    const t0 = performance.now();
    await a.release();
    const released = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    assert.equal(released.spec?.holderIdentity ?? '', '', 'release clears the holder');
    await eventually(() => b.isLeader(), 5000, 'b takes over');
    const took = performance.now() - t0;
    assert.ok(took < timing.leaseDurationMs, `b took over in ${took.toFixed(0)} ms, without waiting out the lease`);
    const after = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    assert.equal(after.spec?.holderIdentity, 'b');
    stopB.abort();
    await runB;
    await b.release();
    assert.deepEqual(events, ['a started', 'a stopped: released', 'b started', 'b stopped: released']);
  });

  it('a leader whose lease is stolen stops at once, before its deadline', async () => {
    const lease = `le-${++n}`;
    const stop = new AbortController();
    let leading: AbortSignal | undefined;
    const a2 = new LeaderElector({
      api: leases, clients, clock, identity: 'a', leaseName: lease, leaseNamespace: 'default', ...timing,
      onStartedLeading: (s) => (leading = s),
    });
    const run = a2.run(stop.signal);
    await eventually(() => a2.isLeader(), 5000, 'a leads');
    const cur = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    const now = new V1MicroTime(clock.now());
    await leases.replaceNamespacedLease({
      name: lease,
      namespace: 'default',
      body: { ...cur, spec: { ...cur.spec, holderIdentity: 'thief', renewTime: now, acquireTime: now, leaseDurationSeconds: 60 } },
    });
    const t0 = performance.now();
    await eventually(() => leading?.aborted === true, 5000, 'leading signal aborted');
    const took = performance.now() - t0;
    assert.ok(took < timing.renewDeadlineMs, `stopped ${took.toFixed(0)} ms after the theft (one retry period, not the deadline)`);
    assert.equal(a2.isLeader(), false);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(a2.isLeader(), false, 'it does not take the unexpired lease back');
    stop.abort();
    await run;
  });

  it('a leader that cannot renew before its deadline stops at once (API failing)', async () => {
    const lease = `le-${++n}`;
    let leading: AbortSignal | undefined;
    const a = new LeaderElector({
      api: leases, clients, clock, identity: 'a', leaseName: lease, leaseNamespace: 'default', ...timing,
      onStartedLeading: (s) => (leading = s),
    });
    const stop = new AbortController();
    const run = a.run(stop.signal);
    try {
      await eventually(() => a.isLeader(), 5000, 'a leads');
      c.faults.scope = { resources: ['leases'] };
      c.faults.errorRate = 1;
      const t0 = performance.now();
      await eventually(() => leading?.aborted === true, 5000, 'stopped leading');
      const took = performance.now() - t0;
      assert.ok(took <= timing.renewDeadlineMs + 250, `stopped ${took.toFixed(0)} ms after renewals began failing`);
      assert.ok(took < timing.leaseDurationMs, 'before the lease could expire for others');
      assert.match(String((leading?.reason as Error).message), /failed to renew the lease before the deadline/);
    } finally {
      c.faults.reset();
      stop.abort();
      await run;
    }
  });

  it('two managers in-process: one runs the controllers; the standby takes over when the leader stops', async () => {
    const lease = `mgr-${++n}`;
    const reconciled: Record<string, string[]> = { m1: [], m2: [] };
    const build = (id: string): Manager =>
      new Manager({
        kubeConfig: c.kubeConfig,
        clock,
        metricsPort: 0,
        healthPort: 0,
        leaderElection: { identity: id, leaseName: lease, leaseNamespace: 'default', ...timing },
        setups: [
          (ctx): Controller => ({
            name: 'cm',
            watches: [{ informer: ctx.informer({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }) }],
            reconcile: async (key) => void reconciled[id]?.push(key),
          }),
        ],
      });
    const core = clients.make((await import('@kubernetes/client-node')).CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `seen-${n}` } } });
    const m1 = build('m1');
    const m2 = build('m2');
    const s1 = new AbortController();
    const s2 = new AbortController();
    const r1 = m1.start(s1.signal);
    await eventually(() => m1.isLeader(), 5000, 'm1 leads');
    const r2 = m2.start(s2.signal);
    await eventually(() => m2.notReadyReason() === undefined, 5000, 'm2 ready as a standby');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(m2.isLeader(), false);
    assert.ok((reconciled['m1'] ?? []).length > 0, 'the leader reconciles');
    assert.deepEqual(reconciled['m2'], [], 'the standby does not');

    s1.abort();
    assert.equal(await r1, StopReasons.shutdown);
    await eventually(() => m2.isLeader(), 3000, 'm2 takes over');
    await eventually(() => (reconciled['m2'] ?? []).length > 0, 5000, 'm2 reconciles');
    s2.abort();
    assert.equal(await r2, StopReasons.shutdown);
  });

  it('a manager whose lease is stolen stops acting at once and reports leadership-lost', async () => {
    const lease = `mgr-${++n}`;
    let aborted = false;
    const m = new Manager({
      kubeConfig: c.kubeConfig,
      clock,
      metricsPort: 0,
      healthPort: 0,
      leaderElection: { identity: 'victim', leaseName: lease, leaseNamespace: 'default', ...timing },
      setups: [
        (ctx): Controller => ({
          name: 'slow',
          watches: [{ informer: ctx.informer({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }) }],
          reconcile: (_key, signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        }),
      ],
    });
    await clients.make((await import('@kubernetes/client-node')).CoreV1Api).createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: `busy-${n}` } },
    });
    const run = m.start(new AbortController().signal);
    await eventually(() => m.isLeader(), 5000, 'leads');
    const cur = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    await leases.replaceNamespacedLease({ name: lease, namespace: 'default', body: { ...cur, spec: { ...cur.spec, holderIdentity: 'thief' } } });
    assert.equal(await run, StopReasons.leadershipLost);
    assert.ok(aborted, 'the in-flight reconcile was aborted');
    const after = await leases.readNamespacedLease({ name: lease, namespace: 'default' });
    assert.equal(after.spec?.holderIdentity, 'thief', 'a deposed leader does not release or overwrite the lease');
  });
});
