/**
 * A loopback server that answers Prometheus' query API (`/api/v1/query`, POST form or GET) from
 * a table the test sets: query text -> what to answer on the n-th call. Unknown queries get an
 * empty vector. Used by the AnalysisRun e2e tests and the benchmark.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake answers: a number or sample text (`NaN`, `+Inf`, `-Inf`) as a one-series
 * vector, `empty` (an empty vector), a PromQL error (HTTP 400 bad_data), or a bare HTTP status.
 */
export type FakeAnswer = number | string | { error: string } | { status: number };

/** The fake Prometheus. */
export class FakePrometheus {
  url = '';
  /** Calls per query text. */
  readonly calls = new Map<string, number>();
  private readonly table = new Map<string, (n: number) => FakeAnswer>();
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const params = new URLSearchParams(u.search);
      for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
      const q = params.get('query') ?? '';
      const n = this.calls.get(q) ?? 0;
      this.calls.set(q, n + 1);
      const a = this.table.get(q)?.(n) ?? 'empty';
      const time = Number(params.get('time') ?? '0');
      if (typeof a === 'object' && 'status' in a) {
        res.writeHead(a.status, { 'Content-Type': 'text/plain' }).end('upstream trouble');
        return;
      }
      const out =
        typeof a === 'object'
          ? { status: 'error', errorType: 'bad_data', error: a.error }
          : { status: 'success', data: { resultType: 'vector', result: a === 'empty' ? [] : [{ metric: {}, value: [time, String(a)] }] } };
      res.writeHead(typeof a === 'object' ? 400 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify(out));
    });
  });

  /** Answers `query` with `fn(n)` on its n-th call (0-based). */
  on(query: string, fn: FakeAnswer | ((n: number) => FakeAnswer)): this {
    this.table.set(query, typeof fn === 'function' ? fn : () => fn);
    return this;
  }

  /** Listens on a free loopback port; sets {@link url}. */
  async start(): Promise<this> {
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Drops open connections and stops listening. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
