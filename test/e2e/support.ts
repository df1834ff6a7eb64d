/**
 * End-to-end support: the local cluster with Sluice's CRDs, a Manager running the Rollout and
 * AnalysisRun controllers in-process, and small helpers to drive rollouts the way a user would.
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { analysisRunController } from '../../src/analysis/reconciler/index.js';
import { RealClock } from '../../src/clock/index.js';
import { Manager, silentLogger } from '../../src/controller/index.js';
import { installCrdsFromDir, startLocalCluster, type LocalCluster } from '../../src/local/index.js';
import { rolloutController } from '../../src/rollout/index.js';

export interface Env {
  cluster: LocalCluster;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  manager?: Manager;
  stopManager?: () => Promise<void>;
}

export async function startEnv(opts: { podReadyDelayMs?: number; badImagePattern?: RegExp; extraCrdDirs?: string[]; watchLagMs?: number } = {}): Promise<Env> {
  const cluster = await startLocalCluster({ port: 0, podReadyDelayMs: opts.podReadyDelayMs ?? 20, ...(opts.badImagePattern ? { badImagePattern: opts.badImagePattern } : {}) });
  await installCrdsFromDir(cluster.kubeConfig, 'crds');
  for (const d of opts.extraCrdDirs ?? []) await installCrdsFromDir(cluster.kubeConfig, d);
  // Every watch event late (a busy API server's watch cache); set after the CRDs are in.
  if (opts.watchLagMs) cluster.faults.watchLagMs = opts.watchLagMs;
  const kc = cluster.kubeConfig;
  return { cluster, kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

/** Starts the controller (in-process) with a time scale. */
export async function startController(env: Env, timeScale = 100): Promise<void> {
  const manager = new Manager({
    kubeConfig: env.kc,
    clock: new RealClock(),
    logger: silentLogger(),
    metricsPort: -1,
    healthPort: -1,
    timeScale,
    qps: 0,
    leaderElection: { enabled: false },
    setups: [(ctx) => rolloutController(ctx), (ctx) => analysisRunController(ctx)],
  });
  const ac = new AbortController();
  const done = manager.start(ac.signal);
  env.manager = manager;
  env.stopManager = async () => {
    ac.abort();
    await done;
  };
}

export async function stopEnv(env: Env): Promise<void> {
  await env.stopManager?.();
  await env.cluster.stop();
}

/** Polls `fn` until it returns a truthy value (bounded), returning it. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function getRollout(env: Env, name: string, namespace = 'default'): Promise<Obj> {
  return (await env.custom.getNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace, plural: 'rollouts', name })) as Obj;
}

export async function createRollout(env: Env, body: Obj, namespace = 'default'): Promise<void> {
  await env.custom.createNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace, plural: 'rollouts', body });
}

export async function patchRollout(env: Env, name: string, patch: Obj, opts: { status?: boolean; namespace?: string } = {}): Promise<void> {
  const { sendJson } = await import('../../src/controller/rest.js');
  const { ApiClients } = await import('../../src/controller/index.js');
  const clients = new ApiClients({ kubeConfig: env.kc, clock: new RealClock(), qps: 0 });
  const ns = opts.namespace ?? 'default';
  await sendJson(clients, 'PATCH', `/apis/sluice.dev/v1alpha1/namespaces/${ns}/rollouts/${name}${opts.status ? '/status' : ''}`, {
    body: patch,
    contentType: 'application/merge-patch+json',
  });
}

export function canaryRollout(name: string, steps: Obj[], extra: Obj = {}): Obj {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
      strategy: { canary: { steps, ...extra } },
    },
  };
}

export async function setImage(env: Env, name: string, image: string): Promise<void> {
  await patchRollout(env, name, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
}
