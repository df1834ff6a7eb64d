/**
 * An in-process traffic generator: sends real HTTP GETs over loopback to one URL at a rate tests
 * set at runtime. Bounded three ways, so a forgotten generator cannot run away: total requests,
 * total wall time, and requests in flight. It stops by itself at either limit.
 */
import http from 'node:http';

/** Limits of one generator. */
export interface TrafficLimits {
  /** Requests sent in total before it stops; default 20 000. */
  readonly maxRequests?: number;
  /** Wall time before it stops, ms; default 120 000. */
  readonly maxDurationMs?: number;
  /** Requests in flight at most; further ticks skip; default 64. */
  readonly maxInFlight?: number;
}

const TICK_MS = 50;

/** Sends GETs to `url` at `rate` requests per second. */
export class TrafficGenerator {
  private rate = 0;
  private budget = 0;
  private inFlight = 0;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  /** Requests sent so far. */
  sent = 0;
  /** Responses received so far, by status code. */
  readonly responses = new Map<number, number>();
  /** Transport failures so far. */
  failures = 0;

  constructor(
    private readonly url: string,
    private readonly limits: TrafficLimits = {},
  ) {}

  /** Sets the rate (req/s); 0 pauses. Starts the ticker on first use. */
  setRate(rps: number): void {
    this.rate = Math.max(0, rps);
    if (!this.timer && this.rate > 0 && !this.exhausted()) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** True once a limit is reached; the generator is then stopped for good. */
  exhausted(): boolean {
    const maxReq = this.limits.maxRequests ?? 20_000;
    const maxTicks = (this.limits.maxDurationMs ?? 120_000) / TICK_MS;
    return this.sent >= maxReq || this.ticks >= maxTicks;
  }

  /** Stops sending; requests in flight finish on their own. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.rate = 0;
  }

  /** Stops and closes idle connections. */
  close(): void {
    this.stop();
    this.agent.destroy();
  }

  private tick(): void {
    this.ticks++;
    if (this.exhausted()) {
      this.stop();
      return;
    }
    this.budget += (this.rate * TICK_MS) / 1000;
    const maxInFlight = this.limits.maxInFlight ?? 64;
    while (this.budget >= 1 && this.inFlight < maxInFlight && !this.exhausted()) {
      this.budget -= 1;
      this.send();
    }
    if (this.budget > 1) this.budget = 1;
  }

  private send(): void {
    this.sent++;
    this.inFlight++;
    const req = http.get(this.url, { agent: this.agent }, (res) => {
      res.resume();
      res.on('end', () => {
        this.inFlight--;
        const code = res.statusCode ?? 0;
        this.responses.set(code, (this.responses.get(code) ?? 0) + 1);
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      this.inFlight--;
      this.failures++;
    });
  }
}
