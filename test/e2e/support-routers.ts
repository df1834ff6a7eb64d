/**
 * End-to-end support for the per-router canary tests: a watch that records every weight
 * written on a route object, a Prometheus-API metric source the analysis queries, and reads of
 * Events, AnalysisRuns, ReplicaSets and Services. The router cases are in support-cases.ts, the
 * scenarios in support-scenarios.ts; everything goes through the real client.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubernetesObjectApi, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { eventually, getRollout, type Env, type Obj } from './support.js';

export const NS = 'default';
export const HASH = 'rollouts-pod-template-hash';

/** Canary and stable weight on a router object; undefined when the object does not exist. */
export interface Weights {
  canary: number;
  stable: number;
}

/** One router as the scenarios drive it. */
export interface RouterCase {
  /** Label for the describe block. */
  label: string;
  /** `spec.strategy.canary.trafficRouting` for a rollout named `app`; undefined: no mesh. */
  trafficRouting?: (app: string) => Obj;
  /** The objects the user writes before the Rollout (route objects, not the Services). */
  objects?: (app: string) => Obj[];
  /** Where the route object lives: list/watch path and the object's name. */
  watchPath?: string;
  routeName?: (app: string) => string;
  /** Reads the weights from a route object. */
  weights?: (obj: Obj, app: string) => Weights | undefined;
  /** Names of managed (header) routes present on the route object. */
  managedRoutes?: (obj: Obj) => string[];
  /** A managed header route to add before the bake (only routers that support one). */
  headerRoute?: boolean;
  /** The route object is removed when the rollout finishes (NGINX canary Ingress). */
  removedAfterPromotion?: boolean;
  /** Extra checks while the canary holds traffic (hashes) and once it is promoted or aborted. */
  check?: (env: Env, app: string, hashes: { canary: string; stable: string }) => Promise<void>;
}

// ---------------------------------------------------------------- objects

/** Stable and canary Services for `app` (selector app only; Sluice adds the hash). */
export function services(app: string, extra: string[] = []): Obj[] {
  return [`${app}-stable`, `${app}-canary`, ...extra].map((name) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }));
}

/** Creates objects of any kind as plain JSON. */
export async function createObjects(env: Env, objs: Obj[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(env.kc);
  for (const o of objs) await api.create(o as KubernetesObject);
}

/** Reads any object as plain JSON (undefined on 404). */
export async function readObject(env: Env, path: string, name: string): Promise<Obj | undefined> {
  const { sendJson } = await import('../../src/controller/rest.js');
  const { ApiClients, NotFoundError } = await import('../../src/controller/index.js');
  const { RealClock } = await import('../../src/clock/index.js');
  const clients = new ApiClients({ kubeConfig: env.kc, clock: new RealClock(), qps: 0 });
  try {
    return (await sendJson(clients, 'GET', `${path}/${name}`, {})) as Obj;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- the route watch

/** A snapshot of the route object's weights, or `deleted`/`absent`. */
export type Seen = Weights | 'deleted';

/** Records every version of one named object seen through a watch. */
export class RouteWatch {
  readonly seen: Seen[] = [];
  readonly objects: Obj[] = [];
  private ac: AbortController | undefined;
  private ended: unknown = undefined;
  /** Called with every snapshot as it arrives (tests use it to act at the moment of a write). */
  onSeen: ((s: Seen) => void) | undefined;

  constructor(
    private readonly env: Env,
    private readonly path: string,
    private readonly name: string,
    private readonly read: (obj: Obj) => Weights | undefined,
  ) {}

  async start(): Promise<void> {
    this.ac = await new Watch(this.env.kc).watch(
      this.path,
      {},
      (phase, obj: Obj) => {
        if (obj?.metadata?.name !== this.name) return;
        if (phase === 'DELETED') {
          this.seen.push('deleted');
          this.onSeen?.('deleted');
          return;
        }
        if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
        this.objects.push(obj);
        const w = this.read(obj);
        if (w) {
          this.seen.push(w);
          this.onSeen?.(w);
        }
      },
      (err) => {
        this.ended = err ?? 'closed';
      },
    );
  }

  stop(): void {
    this.ac?.abort();
  }

  /**
   * Waits until the watch has delivered the object as the server has it now (a watch may lag
   * a read, as a busy API server's watch cache does), so the record is complete up to here.
   */
  async caughtUp(timeoutMs = 10_000): Promise<void> {
    const now = await readObject(this.env, this.path, this.name);
    const want = Number(now?.metadata?.resourceVersion ?? 0);
    const end = Date.now() + timeoutMs;
    for (;;) {
      const last = this.objects.at(-1);
      if (now === undefined ? this.seen.at(-1) === 'deleted' || this.objects.length === 0 : Number(last?.metadata?.resourceVersion ?? 0) >= want) return;
      if (Date.now() > end) throw new Error(`route watch of ${this.name} did not catch up with resourceVersion ${want} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Fails when the watch ended by itself (the record would be incomplete). */
  assertAlive(): void {
    assert.equal(this.ended, undefined, `route watch ended early: ${String(this.ended)}`);
  }

  /** The canary weights seen, consecutive repeats folded; `deleted` as -1. */
  canarySequence(): number[] {
    const out: number[] = [];
    for (const s of this.seen) {
      const v = s === 'deleted' ? -1 : s.canary;
      if (out[out.length - 1] !== v) out.push(v);
    }
    return out;
  }

  /** Every snapshot's weights sum to `total`. */
  assertSums(total = 100): void {
    for (const s of this.seen) if (s !== 'deleted') assert.equal(s.canary + s.stable, total, `weights ${JSON.stringify(s)} sum to ${total}`);
  }

  last(): Seen | undefined {
    return this.seen[this.seen.length - 1];
  }
}

// ---------------------------------------------------------------- the metric source

/**
 * Serves the Prometheus HTTP API (`/api/v1/query`) for queries shaped
 * `error_ratio{rollout="<name>",hash="<pod-template-hash>"}`: a healthy rollout answers 0.001,
 * one marked bad 0.5. It records every query, so tests see what was asked about which hash.
 */
export class MetricSource {
  readonly queries: Array<{ rollout: string; hash: string }> = [];
  private readonly bad = new Set<string>();
  private server: http.Server | undefined;
  url = '';

  markBad(rollout: string): void {
    this.bad.add(rollout);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const q = u.searchParams.get('query') ?? new URLSearchParams(body).get('query') ?? '';
        if (!u.pathname.endsWith('/api/v1/query')) return void res.writeHead(404).end();
        const rollout = /rollout="([^"]*)"/.exec(q)?.[1] ?? '';
        const hash = /hash="([^"]*)"/.exec(q)?.[1] ?? '';
        this.queries.push({ rollout, hash });
        const value = this.bad.has(rollout) ? '0.5' : '0.001';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, value] }] } }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** An AnalysisTemplate `<app>-errors`: the canary's error ratio under 5%, every `interval`. */
export function errorRateTemplate(app: string, address: string, interval = '10s', count?: number): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: count ? `${app}-errors-${count}` : `${app}-errors`, namespace: NS },
    spec: {
      args: [{ name: 'canary-hash' }],
      metrics: [
        {
          name: 'error-ratio',
          interval,
          ...(count ? { count } : {}),
          successCondition: 'result[0] < 0.05',
          failureLimit: 0,
          provider: { prometheus: { address, query: `error_ratio{rollout="${app}",hash="{{args.canary-hash}}"}` } },
        },
      ],
    },
  };
}

/** The bake-with-analysis step for `app`. */
export function bakeStep(app: string, duration: string): Obj {
  return {
    bake: {
      duration,
      analysis: { templates: [{ templateName: `${app}-errors` }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] },
    },
  };
}

// ---------------------------------------------------------------- reads

export async function reasons(env: Env, name: string): Promise<Array<{ reason: string; message: string }>> {
  const items = (await env.core.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.involvedObject.kind === 'Rollout' && e.involvedObject.name === name);
  return items.map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

export async function analysisRuns(env: Env, app: string): Promise<Obj[]> {
  const list = (await env.custom.listNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: NS, plural: 'analysisruns' })) as { items: Obj[] };
  return list.items.filter((r) => (r.metadata.ownerReferences ?? []).some((o: Obj) => o.kind === 'Rollout' && o.name === app));
}

export async function replicaSets(env: Env, app: string): Promise<Map<string, { spec: number; ready: number }>> {
  const rss = (await env.apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: `app=${app}` })).items;
  return new Map(rss.map((rs) => [rs.metadata?.labels?.[HASH] ?? '', { spec: rs.spec?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0 }]));
}

export async function serviceHash(env: Env, name: string): Promise<string | undefined> {
  return (await env.core.readNamespacedService({ name, namespace: NS })).spec?.selector?.[HASH];
}

export async function waitFor(env: Env, app: string, what: string, ok: (ro: Obj) => boolean, timeoutMs = 20_000): Promise<Obj> {
  let last: Obj | undefined;
  try {
    return await eventually(async () => {
      const ro = await getRollout(env, app);
      last = ro;
      return ok(ro) && ro;
    }, `${app}: ${what}`, timeoutMs);
  } catch (err) {
    const st = last?.status ?? {};
    const runs = (await analysisRuns(env, app)).map((r) => `${r.metadata.name}: ${r.status?.phase} ${r.status?.message ?? ''}`);
    throw new Error(`${(err as Error).message}; last status: phase ${st.phase}, step ${st.currentStepIndex}, message ${st.message}; runs: ${runs.join('; ')}`, { cause: err });
  }
}
