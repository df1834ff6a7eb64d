/**
 * A tiny loopback HTTP server for provider unit tests: each test sets `handler`, and every request
 * is recorded (method, path, headers, decoded form or body).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Query-string and form parameters merged. */
  readonly params: Record<string, string>;
}

/** The response a handler gives: status, JSON-able body or raw text, optional delay. */
export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly delayMs?: number;
}

/** A fake server. */
export class FakeServer {
  readonly requests: Recorded[] = [];
  handler: (req: Recorded) => Reply = () => ({ status: 404, text: 'not found' });
  url = '';
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const params: Record<string, string> = Object.fromEntries(u.searchParams);
      if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
      const rec: Recorded = { method: req.method ?? '', path: u.pathname, headers: req.headers, body, params };
      this.requests.push(rec);
      const reply = this.handler(rec);
      const send = (): void => {
        if (res.destroyed) return;
        const text = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        res.writeHead(reply.status ?? 200, { 'Content-Type': reply.json !== undefined ? 'application/json' : 'text/plain' }).end(text);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A Prometheus success body. */
export function promOk(resultType: string, result: unknown, warnings?: string[]): unknown {
  return { status: 'success', data: { resultType, result }, ...(warnings ? { warnings } : {}) };
}

/** An instant vector of values (one series each). */
export function vector(...values: string[]): unknown {
  return promOk('vector', values.map((v, i) => ({ metric: { i: String(i) }, value: [1700000000, v] })));
}
