/**
 * A small de-duplicating work queue, as client-go's workqueue: a key added many times before it
 * is processed is processed once, so a burst of N events costs N cheap adds and one sync per key.
 * Work runs on a later turn of the event loop (never inside a store subscriber); delayed and
 * retried keys wait on the injected Clock, so a FakeClock drives them.
 */
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../clock/index.js';

/** Outcome of one sync: `undefined` when done, or milliseconds after which to look again. */
export type SyncResult = number | undefined | void;

/** Keys processed per event-loop turn, so one queue cannot starve the API server. */
const BATCH = 200;
/** Retry backoff after a failed sync: base, doubling per failure, capped. */
const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 5_000;

/** A keyed work queue feeding one sync function. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  /** Key -> due time of its delayed add; the heap may hold stale entries, skipped when popped. */
  private readonly delayed = new Map<string, number>();
  private readonly heap = new MinHeap();
  /** The one clock timer, set for the earliest due time. */
  private timer: { due: number; handle: TimerHandle } | undefined;
  private readonly failures = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    private readonly sync: (key: string) => SyncResult,
    private readonly log: Logger,
  ) {}

  /** Queues `key` for processing soon. */
  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.schedule();
  }

  /** Queues `key` after `ms` on the clock; an earlier pending delay for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing !== undefined && existing <= due) return;
    this.delayed.set(key, due);
    this.heap.push(due, key);
    this.arm();
  }

  /** Keeps one clock timer for the earliest delayed key. */
  private arm(): void {
    const next = this.heap.peek();
    if (!next) {
      if (this.timer) this.clock.clearTimer(this.timer.handle);
      this.timer = undefined;
      return;
    }
    if (this.timer && this.timer.due <= next.due) return;
    if (this.timer) this.clock.clearTimer(this.timer.handle);
    const due = next.due;
    const handle = this.clock.setTimer(() => this.fire(), due - this.clock.now());
    this.timer = { due, handle };
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (let e = this.heap.peek(); e && e.due <= now; e = this.heap.peek()) {
      this.heap.pop();
      if (this.delayed.get(e.key) !== e.due) continue; // superseded
      this.delayed.delete(e.key);
      this.add(e.key);
    }
    if (!this.stopped) this.arm();
  }

  /** Number of keys waiting (now or later). */
  size(): number {
    return this.pending.size + this.delayed.size;
  }

  /** Drops all work and cancels timers. */
  stop(): void {
    this.stopped = true;
    this.pending.clear();
    if (this.timer) this.clock.clearTimer(this.timer.handle);
    this.timer = undefined;
    this.delayed.clear();
    this.heap.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    let n = 0;
    for (const key of this.pending) {
      if (this.stopped || n++ >= BATCH) break;
      this.pending.delete(key);
      this.run(key);
    }
    if (this.pending.size > 0) this.schedule();
  }

  private run(key: string): void {
    try {
      const again = this.sync(key);
      this.failures.delete(key);
      if (typeof again === 'number') this.addAfter(key, again);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(n - 1, 20));
      this.log.debug({ err, queue: this.name, key, failures: n, retryInMs: delay }, 'sync failed; will retry');
      this.addAfter(key, delay);
    }
  }
}

/** A binary min-heap of (due, key). */
class MinHeap {
  private items: Array<{ due: number; key: string }> = [];

  push(due: number, key: string): void {
    const a = this.items;
    a.push({ due, key });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ai = a[i];
      const ap = a[p];
      if (!ai || !ap || ap.due <= ai.due) break;
      a[i] = ap;
      a[p] = ai;
      i = p;
    }
  }

  peek(): { due: number; key: string } | undefined {
    return this.items[0];
  }

  pop(): void {
    const a = this.items;
    const last = a.pop();
    if (!last || a.length === 0) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if ((a[l]?.due ?? Infinity) < (a[m]?.due ?? Infinity)) m = l;
      if ((a[r]?.due ?? Infinity) < (a[m]?.due ?? Infinity)) m = r;
      if (m === i) break;
      const t = a[i];
      const u = a[m];
      if (!t || !u) break;
      a[i] = u;
      a[m] = t;
      i = m;
    }
  }

  clear(): void {
    this.items = [];
  }
}
