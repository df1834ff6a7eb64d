/**
 * Rate limits: a per-key exponential backoff for retries, and a token bucket (qps/burst) for
 * API calls. Both read time from the injected {@link Clock}.
 */
import type { Clock } from '../clock/index.js';

/** Per-key capped exponential backoff: `base * 2^failures`, at most `cap`. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();

  /**
   * @param baseMs first delay (default 5 ms)
   * @param capMs largest delay (default 10 s)
   */
  constructor(
    readonly baseMs = 5,
    readonly capMs = 10_000,
  ) {}

  /** The delay before the next retry of `key`, and counts the failure. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity past ~1023; Math.min keeps it at the cap.
    return Math.min(this.capMs, this.baseMs * 2 ** n);
  }

  /** Failures recorded for `key` since the last {@link forget}. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets `key` after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * A token bucket: `burst` tokens, refilled at `qps` per second. `take()` resolves when a token
 * is available. `qps <= 0` disables limiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    readonly qps: number,
    readonly burst: number,
  ) {
    this.tokens = Math.max(1, burst);
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  /** Waits for a token (callers are served in order); rejects when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    const turn = this.tail.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.qps) * 1000), signal);
        this.refill();
      }
      this.tokens -= 1;
    });
    // The chain must not break when one waiter aborts.
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}
