/**
 * The generic work queue: de-duplicated keys, never the same key twice at once, delayed adds
 * through the {@link Clock}, rate-limited retries with capped exponential backoff, N workers.
 * Domain logic lives in the reconcile function; this file knows nothing about Kubernetes
 * except that a {@link ConflictError} means "look again soon".
 */
import { setMaxListeners } from 'node:events';
import type { Clock, TimerHandle } from '../clock/index.js';
import { ConflictError } from './errors.js';
import { LogKeys, keyLogger, silentLogger, type Logger } from './logger.js';
import { Fifo } from './fifo.js';
import { ExponentialBackoff } from './ratelimit.js';

/** What a reconcile returns: when to look at the key again, if no event comes first. */
export interface ReconcileResult {
  /** Milliseconds until the key is reconciled again; absent or <= 0 for "only on events". */
  readonly requeueAfter?: number;
}

/** The work a queue runs for each key. Throwing retries the key with backoff. */
export type ReconcileFn = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

/** How one reconcile ended, as reported to {@link QueueHooks}. */
export const Outcomes = { success: 'success', requeue: 'requeue', error: 'error', conflict: 'conflict' } as const;
/** One of {@link Outcomes}. */
export type Outcome = (typeof Outcomes)[keyof typeof Outcomes];

/** Observability hooks (metrics); every one optional. */
export interface QueueHooks {
  /** Called whenever the number of ready keys changes. */
  depth?(depth: number): void;
  /** Called after each reconcile with its outcome and duration in seconds. */
  reconciled?(outcome: Outcome, seconds: number): void;
  /** Called when a key is scheduled for retry. */
  retried?(key: string, delayMs: number): void;
}

/** Options for {@link WorkQueue}. */
export interface WorkQueueOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly reconcile: ReconcileFn;
  /** Concurrent reconciles (distinct keys). Default 1. */
  readonly workers?: number;
  /** Retry backoff base, default 5 ms. */
  readonly backoffBaseMs?: number;
  /** Retry backoff cap, default 10 s (never more). */
  readonly backoffCapMs?: number;
  readonly logger?: Logger;
  readonly hooks?: QueueHooks;
}

/**
 * A work queue in the style of client-go's rate-limited delaying queue.
 *
 * - `add(k)` while `k` waits: no-op. While `k` runs: it runs once more after.
 * - `addAfter(k, ms)`: the earliest pending time wins.
 * - A failed reconcile retries after `min(cap, base * 2^failures)`; success forgets the count.
 */
export class WorkQueue {
  private readonly ready = new Fifo();
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, { due: number; timer: TimerHandle }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly backoff: ExponentialBackoff;
  private readonly workers: number;
  private readonly log: Logger;
  /** Aborted at shutdown; every in-flight reconcile's own signal listens to it. */
  private readonly abort = unlimitedListeners(new AbortController());
  private started = false;
  private shuttingDown = false;

  constructor(private readonly opts: WorkQueueOptions) {
    this.workers = Math.max(1, opts.workers ?? 1);
    this.backoff = new ExponentialBackoff(opts.backoffBaseMs ?? 5, Math.min(opts.backoffCapMs ?? 10_000, 10_000));
    this.log = (opts.logger ?? silentLogger()).child({ [LogKeys.controller]: opts.name });
  }

  /** The queue's name (the controller's). */
  get name(): string {
    return this.opts.name;
  }

  /** Keys ready to run (not counting running or delayed ones). */
  len(): number {
    return this.ready.length;
  }

  /** Keys scheduled for later. */
  delayedLen(): number {
    return this.delayed.size;
  }

  /** Keys being reconciled now. */
  active(): number {
    return this.processing.size;
  }

  /** True once {@link shutDown} was called. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Marks `key` for reconcile. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.opts.hooks?.depth?.(this.ready.length);
    this.pump();
  }

  /** Marks `key` for reconcile after `ms`; an earlier pending time for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.opts.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.due <= due) return;
    if (existing) this.opts.clock.clearTimer(existing.timer);
    const timer = this.opts.clock.setTimer(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { due, timer });
  }

  /** Re-adds `key` after its backoff delay, counting one more failure. Returns the delay. */
  addRateLimited(key: string): number {
    const delay = this.backoff.next(key);
    this.opts.hooks?.retried?.(key, delay);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the failure count of `key`. */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Failures of `key` since it last succeeded. */
  retries(key: string): number {
    return this.backoff.retries(key);
  }

  /** Starts the workers; keys added before start wait until now. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /**
   * Stops taking work: no new keys, delayed keys dropped, waiting keys discarded. Resolves when
   * the reconciles in flight have finished. Pass `abortInFlight` (or call {@link abortInFlight})
   * to abort their signals.
   */
  async shutDown(options: { abortInFlight?: boolean } = {}): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.opts.clock.clearTimer(timer);
    this.delayed.clear();
    this.ready.clear();
    this.dirty.clear();
    this.opts.hooks?.depth?.(0);
    if (options.abortInFlight) this.abortInFlight();
    await this.drained();
  }

  /** Aborts the signal passed to every running reconcile. */
  abortInFlight(reason: unknown = new Error('work queue shutting down')): void {
    this.abort.abort(reason);
  }

  /** Resolves when no reconcile is running. */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    if (!this.started || this.shuttingDown) return;
    while (this.processing.size < this.workers && this.ready.length > 0) {
      const key = this.ready.shift();
      if (key === undefined) break;
      this.dirty.delete(key);
      this.processing.add(key);
      this.opts.hooks?.depth?.(this.ready.length);
      const p = this.runOne(key).finally(() => {
        this.inFlight.delete(p);
        this.processing.delete(key);
        if (this.dirty.has(key) && !this.shuttingDown) {
          this.ready.push(key);
          this.opts.hooks?.depth?.(this.ready.length);
        }
        this.pump();
      });
      this.inFlight.add(p);
    }
  }

  private async runOne(key: string): Promise<void> {
    const clock = this.opts.clock;
    const started = clock.now();
    let outcome: Outcome;
    try {
      // A synchronous throw (a "panic") is caught here too.
      // Each reconcile gets its own signal, aborted with the queue's: listeners do not pile up
      // on one shared signal.
      const own = new AbortController();
      const onAbort = (): void => own.abort(this.abort.signal.reason);
      if (this.abort.signal.aborted) onAbort();
      else this.abort.signal.addEventListener('abort', onAbort, { once: true });
      let result: ReconcileResult | void;
      try {
        result = await Promise.resolve().then(() => this.opts.reconcile(key, own.signal));
      } finally {
        this.abort.signal.removeEventListener('abort', onAbort);
      }
      this.forget(key);
      // `{ requeueAfter: 0 }` means "again, right away"; no requeueAfter means "only on change".
      const after = result?.requeueAfter;
      if (after !== undefined) this.addAfter(key, Math.max(1, after));
      outcome = after !== undefined ? Outcomes.requeue : Outcomes.success;
    } catch (err) {
      if (this.shuttingDown) {
        outcome = Outcomes.error;
      } else if (err instanceof ConflictError) {
        outcome = Outcomes.conflict;
        const delay = this.addRateLimited(key);
        keyLogger(this.log, key).debug({ [LogKeys.delayMs]: delay }, 'conflict; requeued');
      } else {
        outcome = Outcomes.error;
        const retries = this.retries(key);
        const delay = this.addRateLimited(key);
        keyLogger(this.log, key).error(
          { [LogKeys.err]: err, [LogKeys.retries]: retries, [LogKeys.delayMs]: delay },
          'reconcile failed; retrying',
        );
      }
    }
    this.opts.hooks?.reconciled?.(outcome, (clock.now() - started) / 1000);
  }
}

/** One listener per in-flight reconcile is expected: lift Node's leak warning threshold. */
function unlimitedListeners(ac: AbortController): AbortController {
  setMaxListeners(0, ac.signal);
  return ac;
}
