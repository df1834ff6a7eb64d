/**
 * A small HTTP app for analysis tests. Each version (`stable`, `canary`, ...) listens on its own
 * loopback port and answers 200 or 500 with optional extra latency, as the test sets at runtime.
 * It exports, with prom-client on its own registry at `/metrics` (a separate port):
 *
 * - `http_requests_total{version,code}` — a counter, with code 200 and 500 pre-created at 0 so a
 *   version without traffic has series (a ratio over it is 0/0 = NaN, as in production);
 * - `http_request_duration_seconds{version}` — a histogram of the server-side duration.
 *
 * Errors are spread exactly, not randomly: with `errorRatio: 0.2` every fifth request fails, so
 * tests are deterministic. Each version has a {@link TrafficGenerator} that sends it requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { TrafficGenerator, type TrafficLimits } from './traffic.js';

export { TrafficGenerator, type TrafficLimits } from './traffic.js';

/** How a version answers. */
export interface VersionBehavior {
  /** Share of requests answered 500, 0..1. */
  readonly errorRatio: number;
  /** Added to every response, ms. */
  readonly extraLatencyMs: number;
}

interface VersionState {
  behavior: VersionBehavior;
  served: number;
  readonly server: http.Server;
  readonly url: string;
  readonly traffic: TrafficGenerator;
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** The running app. Create with {@link TestApp.start}; always {@link TestApp.close}. */
export class TestApp {
  readonly registry = new Registry();
  private readonly requests: Counter<'version' | 'code'>;
  private readonly duration: Histogram<'version'>;
  private readonly versions = new Map<string, VersionState>();
  private metricsServer: http.Server | undefined;
  /** `host:port` of the metrics endpoint, for a scrape config. */
  metricsTarget = '';

  private constructor() {
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by version and status code.',
      labelNames: ['version', 'code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Server-side request duration, by version.',
      labelNames: ['version'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Starts one listener per version and the metrics endpoint. */
  static async start(versions: readonly string[], limits: TrafficLimits = {}): Promise<TestApp> {
    const app = new TestApp();
    const metrics = http.createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      app.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': app.registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    app.metricsServer = metrics;
    app.metricsTarget = `127.0.0.1:${await listen(metrics)}`;
    for (const v of versions) await app.addVersion(v, limits);
    return app;
  }

  private async addVersion(version: string, limits: TrafficLimits): Promise<void> {
    this.requests.inc({ version, code: '200' }, 0);
    this.requests.inc({ version, code: '500' }, 0);
    const server = http.createServer((req, res) => this.handle(version, req, res));
    server.keepAliveTimeout = 5000;
    const port = await listen(server);
    const url = `http://127.0.0.1:${port}/`;
    this.versions.set(version, {
      behavior: { errorRatio: 0, extraLatencyMs: 0 },
      served: 0,
      server,
      url,
      traffic: new TrafficGenerator(url, limits),
    });
  }

  private state(version: string): VersionState {
    const s = this.versions.get(version);
    if (!s) throw new Error(`unknown version ${version}`);
    return s;
  }

  private handle(version: string, _req: http.IncomingMessage, res: http.ServerResponse): void {
    const s = this.state(version);
    const started = process.hrtime.bigint();
    const n = s.served++;
    const ratio = Math.min(1, Math.max(0, s.behavior.errorRatio));
    const fail = Math.floor((n + 1) * ratio) > Math.floor(n * ratio);
    const code = fail ? 500 : 200;
    res.on('finish', () => {
      this.requests.inc({ version, code: String(code) });
      this.duration.observe({ version }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    const answer = (): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain' }).end(fail ? 'boom\n' : 'ok\n');
    };
    if (s.behavior.extraLatencyMs > 0) setTimeout(answer, s.behavior.extraLatencyMs);
    else answer();
  }

  /** The URL a version serves on. */
  url(version: string): string {
    return this.state(version).url;
  }

  /** Changes how a version answers, from the next request on. */
  setBehavior(version: string, behavior: Partial<VersionBehavior>): void {
    const s = this.state(version);
    s.behavior = { ...s.behavior, ...behavior };
  }

  /** Sets a version's generated traffic, requests per second (0 pauses). */
  setRate(version: string, rps: number): void {
    this.state(version).traffic.setRate(rps);
  }

  /** The generator of a version, for its counters. */
  traffic(version: string): TrafficGenerator {
    return this.state(version).traffic;
  }

  /** Stops all traffic and closes every listener. */
  async close(): Promise<void> {
    const servers: http.Server[] = [];
    for (const s of this.versions.values()) {
      s.traffic.close();
      servers.push(s.server);
    }
    if (this.metricsServer) servers.push(this.metricsServer);
    await Promise.all(
      servers.map(
        (srv) =>
          new Promise<void>((resolve) => {
            srv.close(() => resolve());
            srv.closeAllConnections();
          }),
      ),
    );
  }
}
