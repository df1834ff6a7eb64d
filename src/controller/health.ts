/**
 * The HTTP endpoints: `/healthz` (the process answers), `/readyz` (caches synced, and either
 * leading or standing by), `/metrics` (Prometheus text). Metrics and health may share a port
 * or use two; port 0 picks a free port (tests), a negative port disables the endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { StartupError } from './errors.js';
import { LogKeys, silentLogger, type Logger } from './logger.js';

/** A readiness check: returns undefined when ready, or why not. */
export type ReadinessCheck = () => string | undefined;

/** Options for {@link startHttpEndpoints}. */
export interface HttpEndpointsOptions {
  readonly metricsPort: number;
  readonly healthPort: number;
  /** Bind address; default all interfaces. */
  readonly host?: string;
  readonly registry: Registry;
  readonly ready: ReadinessCheck;
  readonly logger?: Logger;
}

/** Running endpoints: the bound ports and a close function. */
export interface HttpEndpoints {
  /** Bound metrics port (undefined when disabled). */
  readonly metricsPort: number | undefined;
  /** Bound health port (undefined when disabled). */
  readonly healthPort: number | undefined;
  close(): Promise<void>;
}

type Route = 'healthz' | 'readyz' | 'metrics';

function listen(server: Server, port: number, host: string | undefined, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void =>
      reject(new StartupError(`cannot listen on port ${port} (${err.code ?? err.message}): choose another with ${flag}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts the servers. Rejects with a StartupError when a port cannot be bound. */
export async function startHttpEndpoints(opts: HttpEndpointsOptions): Promise<HttpEndpoints> {
  const log = (opts.logger ?? silentLogger()).child({ [LogKeys.component]: 'http' });
  const serve = (routes: readonly Route[]): Server =>
    createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const route = routes.find((r) => path === `/${r}`);
      const reply = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
        res.writeHead(code, { 'content-type': type });
        res.end(body);
      };
      if (!route) return reply(404, 'not found\n');
      if (route === 'healthz') return reply(200, 'ok\n');
      if (route === 'readyz') {
        const why = opts.ready();
        return why === undefined ? reply(200, 'ok\n') : reply(503, `not ready: ${why}\n`);
      }
      opts.registry.metrics().then(
        (text) => reply(200, text, opts.registry.contentType),
        (err: unknown) => {
          log.error({ [LogKeys.err]: err }, 'metrics collection failed');
          reply(500, 'metrics collection failed\n');
        },
      );
    });

  const servers: Server[] = [];
  let metricsPort: number | undefined;
  let healthPort: number | undefined;
  try {
    if (opts.metricsPort >= 0 && opts.metricsPort === opts.healthPort && opts.metricsPort !== 0) {
      const s = serve(['healthz', 'readyz', 'metrics']);
      servers.push(s);
      metricsPort = healthPort = await listen(s, opts.metricsPort, opts.host, '--metrics-port and --health-port');
    } else {
      if (opts.metricsPort >= 0) {
        const s = serve(['metrics']);
        servers.push(s);
        metricsPort = await listen(s, opts.metricsPort, opts.host, '--metrics-port');
      }
      if (opts.healthPort >= 0) {
        const s = serve(['healthz', 'readyz']);
        servers.push(s);
        healthPort = await listen(s, opts.healthPort, opts.host, '--health-port');
      }
    }
  } catch (err) {
    await Promise.all(servers.map(close));
    throw err;
  }
  log.debug({ metricsPort, healthPort }, 'http endpoints listening');
  return { metricsPort, healthPort, close: () => Promise.all(servers.map(close)).then(() => undefined) };
}
