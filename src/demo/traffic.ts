/**
 * The demo's simulated app traffic and its metric source. Requests are split between the
 * stable and canary versions by the weights actually written on the VirtualService, and a
 * version whose image ends in `:bad` answers 25% of them with 5xx. The metric source answers
 * the Prometheus HTTP API (`/api/v1/query`) from these counters; it understands the demo's two
 * query shapes (an error ratio and a request count for one `version` label), not all PromQL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../clock/index.js';

/** Requests and 5xx answers of one version in one tick. */
interface Tick {
  at: number;
  version: string;
  requests: number;
  errors: number;
}

export interface TrafficView {
  /** Pod-template hash -> image, and the current split. */
  read(): Promise<{ stableHash: string; canaryHash: string; canaryWeight: number; images: Map<string, string> }>;
}

/** Generates traffic every `tickMs` and serves the Prometheus query API over it. */
export class SimulatedTraffic {
  private ticks: Tick[] = [];
  private readonly served = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private server: http.Server | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly view: TrafficView,
    private readonly opts: { requestsPerTick: number; tickMs: number; windowMs: number },
  ) {}

  /** Starts the generator and the query API on 127.0.0.1; returns its URL. */
  async start(): Promise<string> {
    this.timer = setInterval(() => void this.tick().catch(() => undefined), this.opts.tickMs);
    this.server = http.createServer((req, res) => this.answer(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async tick(): Promise<void> {
    const v = await this.view.read();
    const now = this.clock.now();
    const n = this.opts.requestsPerTick;
    const toCanary = v.canaryHash === v.stableHash ? 0 : Math.round((n * v.canaryWeight) / 100);
    for (const [hash, requests] of [[v.stableHash, n - toCanary], [v.canaryHash, toCanary]] as const) {
      if (!hash || requests === 0) continue;
      const bad = /:bad$/.test(v.images.get(hash) ?? '');
      // A healthy version fails one request in 400; a bad one, one in four.
      const before = this.served.get(hash) ?? 0;
      this.served.set(hash, before + requests);
      const rate = bad ? 0.25 : 1 / 400;
      const errors = Math.floor((before + requests) * rate) - Math.floor(before * rate);
      this.ticks.push({ at: now, version: hash, requests, errors: Math.min(errors, requests) });
    }
    this.ticks = this.ticks.filter((t) => t.at > now - 10 * this.opts.windowMs);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const query = url.searchParams.get('query') ?? new URLSearchParams(body).get('query') ?? '';
      if (!url.pathname.endsWith('/api/v1/query')) {
        res.writeHead(404).end();
        return;
      }
      const version = /version="([^"]*)"/.exec(query)?.[1];
      const now = this.clock.now();
      const window = this.ticks.filter((t) => t.at > now - this.opts.windowMs && t.version === version);
      const requests = window.reduce((s, t) => s + t.requests, 0);
      const errors = window.reduce((s, t) => s + t.errors, 0);
      const isRatio = query.includes('/');
      const result = requests === 0 && isRatio ? [] : [{ metric: {}, value: [now / 1000, String(isRatio ? errors / requests : requests)] }];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  }
}
