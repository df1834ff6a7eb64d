/**
 * The one clock. Everything that reads the time or waits goes through a {@link Clock}, built
 * once at the root and passed down, so tests drive a 30-minute bake in milliseconds with
 * {@link FakeClock} and nothing sleeps.
 */

/** A handle returned by {@link Clock.setTimer}; pass it to {@link Clock.clearTimer}. */
export interface TimerHandle {
  readonly id: number;
}

/** The time source and timer service used by the whole controller. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds (clamped to >= 0). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for a fired or unknown handle. */
  clearTimer(handle: TimerHandle): void;
  /** Resolves after `ms`; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** RFC 3339 timestamp (seconds precision, as Kubernetes writes them) for a clock reading. */
export function toRfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * RFC 3339 with milliseconds, for the status times the controller schedules from (pause
 * start, bake end, abort, last progress): with --time-scale, whole seconds would cut short
 * waits of under a second. Kubernetes and Go parse the fraction.
 */
export function toRfc3339Millis(ms: number): string {
  return new Date(ms).toISOString();
}

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimer(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wall clock. */
export class RealClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

/**
 * A clock that moves only when told. `advance(ms)` fires every timer that falls due, in order,
 * each seeing `now()` equal to its due time.
 */
export class FakeClock implements Clock {
  private current: number;
  private next = 1;
  private readonly timers = new Map<number, { due: number; fn: () => void; seq: number }>();

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    this.timers.set(id, { due: this.current + Math.max(0, ms), fn, seq: id });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in due-time order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let best: [number, { due: number; fn: () => void; seq: number }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].due > target) continue;
        if (!best || entry[1].due < best[1].due || (entry[1].due === best[1].due && entry[1].seq < best[1].seq)) best = entry;
      }
      if (!best) break;
      this.timers.delete(best[0]);
      this.current = Math.max(this.current, best[1].due);
      best[1].fn();
    }
    this.current = target;
  }

  /** Moves time forward and lets promise continuations of fired timers run. */
  async advanceAsync(ms: number): Promise<void> {
    this.advance(ms);
    await new Promise((r) => setImmediate(r));
  }
}
