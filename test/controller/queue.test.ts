import assert from 'node:assert/strict';
import { FakeClock } from '../../src/clock/index.js';
import { ConflictError, ExponentialBackoff, WorkQueue, type Outcome, type ReconcileFn } from '../../src/controller/index.js';

/** Lets queued promise continuations run. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** A reconcile whose calls wait until released. */
function gated(): { fn: ReconcileFn; calls: string[]; release(key?: string): void; running: () => number } {
  const calls: string[] = [];
  const waiting: Array<{ key: string; resolve: () => void }> = [];
  return {
    calls,
    fn: (key) =>
      new Promise<void>((resolve) => {
        calls.push(key);
        waiting.push({ key, resolve });
      }),
    release(key?: string) {
      const i = key === undefined ? 0 : waiting.findIndex((w) => w.key === key);
      const [w] = waiting.splice(i, 1);
      w?.resolve();
    },
    running: () => waiting.length,
  };
}

describe('controller/queue', () => {
  it('de-duplicates keys that wait', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const q = new WorkQueue({ name: 't', clock, reconcile: async (k) => void calls.push(k) });
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    assert.equal(q.len(), 2);
    q.start();
    await flush();
    assert.deepEqual(calls, ['ns/a', 'ns/b']);
  });

  it('never runs one key twice at once; a key added while running runs once more after', async () => {
    const clock = new FakeClock();
    const g = gated();
    const q = new WorkQueue({ name: 't', clock, workers: 4, reconcile: g.fn });
    q.start();
    q.add('ns/a');
    await flush();
    assert.equal(g.running(), 1);
    q.add('ns/a');
    q.add('ns/a');
    await flush();
    assert.equal(g.running(), 1, 'second run must wait for the first');
    assert.equal(q.active(), 1);
    g.release('ns/a');
    await flush();
    assert.deepEqual(g.calls, ['ns/a', 'ns/a']);
    g.release('ns/a');
    await flush();
    assert.deepEqual(g.calls, ['ns/a', 'ns/a'], 'no third run');
  });

  it('runs up to N distinct keys at once', async () => {
    const clock = new FakeClock();
    const g = gated();
    const q = new WorkQueue({ name: 't', clock, workers: 3, reconcile: g.fn });
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(`ns/${k}`);
    q.start();
    await flush();
    assert.equal(g.running(), 3);
    assert.equal(q.len(), 2);
    g.release();
    await flush();
    assert.equal(g.running(), 3);
    assert.equal(q.len(), 1);
  });

  it('addAfter: the earliest pending time wins', async () => {
    const clock = new FakeClock();
    const calls: Array<[string, number]> = [];
    const q = new WorkQueue({ name: 't', clock, reconcile: async (k) => void calls.push([k, clock.now() - start]) });
    const start = clock.now();
    q.start();
    q.addAfter('ns/a', 5000);
    q.addAfter('ns/a', 1000);
    q.addAfter('ns/a', 3000);
    assert.equal(q.delayedLen(), 1);
    await clock.advanceAsync(999);
    assert.deepEqual(calls, []);
    await clock.advanceAsync(1);
    await flush();
    assert.deepEqual(calls, [['ns/a', 1000]]);
    await clock.advanceAsync(10_000);
    await flush();
    assert.equal(calls.length, 1, 'the later times were dropped');
  });

  it('requeueAfter from a reconcile schedules the next run', async () => {
    const clock = new FakeClock();
    let n = 0;
    const q = new WorkQueue({ name: 't', clock, reconcile: async () => ({ requeueAfter: ++n < 3 ? 30_000 : undefined }) });
    q.start();
    q.add('ns/a');
    await flush();
    await clock.advanceAsync(30_000);
    await flush();
    await clock.advanceAsync(30_000);
    await flush();
    await clock.advanceAsync(30_000);
    await flush();
    assert.equal(n, 3);
  });

  it('retries failures with exponential backoff capped at 10 s, and forgets on success', async () => {
    const clock = new FakeClock();
    const times: number[] = [];
    const delays: number[] = [];
    const start = clock.now();
    const q = new WorkQueue({
      name: 't',
      clock,
      hooks: { retried: (_k, ms) => delays.push(ms) },
      reconcile: async () => {
        times.push(clock.now() - start);
        if (times.length <= 14) throw new Error('boom');
      },
    });
    q.start();
    q.add('ns/a');
    await flush();
    while (times.length < 15) {
      await clock.advanceAsync(delays[delays.length - 1] ?? 0);
      await flush();
    }
    assert.deepEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10_000, 10_000, 10_000]);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    assert.deepEqual(gaps, delays, 'each retry ran exactly its delay after the failure');
    assert.equal(q.retries('ns/a'), 0, 'success forgot the failures');
  });

  it('ExponentialBackoff: 5 ms doubling, capped at 10 s, per key', () => {
    const b = new ExponentialBackoff();
    const seq = Array.from({ length: 15 }, () => b.next('a'));
    assert.deepEqual(seq.slice(0, 5), [5, 10, 20, 40, 80]);
    assert.equal(Math.max(...seq), 10_000);
    assert.equal(seq[seq.length - 1], 10_000);
    assert.equal(b.next('b'), 5, 'keys are independent');
    for (let i = 0; i < 2000; i++) b.next('a');
    assert.equal(b.next('a'), 10_000, 'no overflow after many failures');
    b.forget('a');
    assert.equal(b.next('a'), 5);
  });

  it('catches panics (synchronous throws, non-Error throws) and retries', async () => {
    const clock = new FakeClock();
    let n = 0;
    const outcomes: Outcome[] = [];
    const q = new WorkQueue({
      name: 't',
      clock,
      hooks: { reconciled: (o) => outcomes.push(o) },
      reconcile: ((): Promise<void> => {
        n++;
        if (n === 1) throw new TypeError('sync panic');
        if (n === 2) return Promise.reject('a string');
        return Promise.resolve();
      }) as ReconcileFn,
    });
    q.start();
    q.add('ns/a');
    await flush();
    await clock.advanceAsync(5);
    await flush();
    await clock.advanceAsync(10);
    await flush();
    assert.equal(n, 3);
    assert.deepEqual(outcomes, ['error', 'error', 'success']);
  });

  it('a ConflictError requeues promptly (5 ms), reported as a conflict', async () => {
    const clock = new FakeClock();
    let n = 0;
    const outcomes: Outcome[] = [];
    const q = new WorkQueue({
      name: 't',
      clock,
      hooks: { reconciled: (o) => outcomes.push(o) },
      reconcile: async () => {
        if (++n === 1) throw new ConflictError('stale', 409, 'Conflict');
      },
    });
    q.start();
    q.add('ns/a');
    await flush();
    await clock.advanceAsync(5);
    await flush();
    assert.equal(n, 2);
    assert.deepEqual(outcomes, ['conflict', 'success']);
  });

  it('shutDown stops taking work, drops delayed keys, aborts and waits for in-flight reconciles', async () => {
    const clock = new FakeClock();
    let aborted = false;
    let finished = false;
    const calls: string[] = [];
    const q = new WorkQueue({
      name: 't',
      clock,
      workers: 1,
      reconcile: (key, signal) =>
        new Promise<void>((resolve) => {
          calls.push(key);
          signal.addEventListener('abort', () => {
            aborted = true;
            setImmediate(() => {
              finished = true;
              resolve();
            });
          });
        }),
    });
    q.start();
    q.add('ns/a');
    q.add('ns/b');
    q.addAfter('ns/c', 1000);
    await flush();
    const done = q.shutDown({ abortInFlight: true });
    q.add('ns/d');
    assert.equal(q.len(), 0);
    await done;
    assert.ok(aborted && finished);
    await clock.advanceAsync(5000);
    await flush();
    assert.deepEqual(calls, ['ns/a'], 'nothing ran after shutdown');
    assert.equal(clock.pending(), 0, 'delayed timers cleared');
  });

  it('reports depth through hooks', async () => {
    const clock = new FakeClock();
    const depths: number[] = [];
    const q = new WorkQueue({ name: 't', clock, hooks: { depth: (d) => depths.push(d) }, reconcile: async () => undefined });
    q.add('a');
    q.add('b');
    q.start();
    await flush();
    assert.deepEqual(depths.slice(0, 2), [1, 2]);
    assert.equal(depths[depths.length - 1], 0);
  });
});
