/** Starting and stopping the local cluster: store, HTTPS API server, simulation. */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { RealClock, type Clock } from '../clock/index.js';
import { Faults } from './faults.js';
import type { RequestListener } from './server/audit.js';
import { kubeconfigYaml, makeKubeConfig } from './kubeconfig.js';
import { WatchStreams, type ServerContext } from './server/context.js';
import { createApiServer } from './server/http.js';
import { makeClusterCerts } from './server/tls.js';
import { startSimulation } from './sim/index.js';
import { MemoryStore } from './store.js';
import type { ObjectStore } from './types.js';

/** Options of {@link startLocalCluster}. */
export interface LocalClusterOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  clock?: Clock;
  /** Milliseconds from a Pod's creation to Ready in the simulation (default 200). */
  podReadyDelayMs?: number;
  /** Pods whose image matches never become Ready. */
  badImagePattern?: RegExp;
  /** Retained watch events before the oldest are compacted (then 410). Default 200000. */
  historyLimit?: number;
  /** Start the simulated controllers and kubelet (default true). */
  simulate?: boolean;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms). */
  bookmarkIntervalMs?: number;
  logger?: pino.Logger;
  /**
   * More users, each with its own bearer token (see {@link LocalCluster.kubeConfigFor}), so a
   * test can tell clients apart in the audit. Every user may do everything (no RBAC).
   */
  users?: readonly string[];
  /** Called with the audit record of every request (who, verb, group, resource, ...). */
  onRequest?: RequestListener;
}

/** A running local cluster. */
export interface LocalCluster {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** A client-node KubeConfig for this cluster (HTTPS with the cluster CA, token user). */
  kubeConfig: KubeConfig;
  /** The kubeconfig file text. */
  kubeconfigYaml(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** A KubeConfig for one of {@link LocalClusterOptions.users}; throws for an unknown user. */
  kubeConfigFor(user: string): KubeConfig;
  /** The kubeconfig file text for one of {@link LocalClusterOptions.users}. */
  kubeconfigYamlFor(user: string): string;
  store: ObjectStore & MemoryStore;
  faults: Faults;
  stop(): Promise<void>;
}

/** Starts a local cluster: a Kubernetes API emulator over HTTPS, with simulated workloads. */
export async function startLocalCluster(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
  const clock = opts.clock ?? new RealClock();
  const log = opts.logger ?? pino({ level: process.env['SLUICE_LOG_LEVEL'] ?? 'silent' });
  const host = opts.host ?? '127.0.0.1';
  const store = new MemoryStore({ clock, historyLimit: opts.historyLimit, logger: log });
  store.registerBuiltins();
  const certs = makeClusterCerts(clock, host === '127.0.0.1' || host === 'localhost' ? [] : [host]);
  const token = randomBytes(24).toString('hex');
  const userTokens = new Map((opts.users ?? []).map((u) => [u, randomBytes(24).toString('hex')] as const));
  const watches = new WatchStreams();
  const ctx: ServerContext = { store, clock, log, watches, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000, watchLag: (r) => faults.watchLag(r) };
  const faults = new Faults({ cutWatches: () => watches.cutAll(), compact: () => store.compact() });
  let address = '';
  const users = new Map([...userTokens].map(([u, t]) => [t, u] as const));
  const server = createApiServer({ ctx, faults, token, cert: certs.cert, key: certs.key, address: () => address, users, ...(opts.onRequest ? { onRequest: opts.onRequest } : {}) });
  // Every TCP connection, so stop() can end those closeAllConnections() does not know yet
  // (mid-handshake, or watch streams a client reopened a moment ago).
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  address = `${urlHost}:${port}`;
  const url = `https://${address}`;
  const sim = opts.simulate === false ? undefined : startSimulation(store, { clock, podReadyDelayMs: opts.podReadyDelayMs ?? 200, badImagePattern: opts.badImagePattern });
  const params = { server: url, caCert: certs.caCert, token };
  const paramsFor = (user: string): typeof params & { userName: string } => {
    const t = userTokens.get(user);
    if (t === undefined) throw new Error(`no user ${JSON.stringify(user)} in this local cluster: pass it in the users option`);
    return { ...params, token: t, userName: user };
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    kubeConfig: makeKubeConfig(params),
    kubeconfigYaml: () => kubeconfigYaml(params),
    writeKubeconfig: (path) => writeFile(path, kubeconfigYaml(params), { mode: 0o600 }),
    kubeConfigFor: (user) => makeKubeConfig(paramsFor(user)),
    kubeconfigYamlFor: (user) => kubeconfigYaml(paramsFor(user)),
    store,
    faults,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        sim?.stop();
        watches.cutAll();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
