/**
 * Act: applies a plan in the safe order, each write idempotent.
 *
 * 1. create the canary ReplicaSet and scale up (pods before traffic);
 * 2. when traffic moves toward the canary, and on promotion (the stable Service takes the new
 *    revision): Service selectors first, then weights; when it moves away from the canary
 *    (abort, new template): weights first — stable gets everything — then Service selectors;
 * 3. scale down what no longer takes traffic, prune old ReplicaSets;
 * 4. start and stop AnalysisRuns;
 * 5. record Events (named after their transition: once each, even across crashes), then
 *    write status last (with resourceVersion: a 409 re-plans from fresh state).
 */
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import { NotFoundError, ConflictError, recordEvent, type ApiClients } from '../controller/index.js';
import { PatchType, objectPath, sendJson } from '../controller/rest.js';
import { canonicalJson, type AntiAffinityPatch, type CanaryStepView, type MetaPatch, type Plan, type ScaleAction } from '../strategies/index.js';
import type { TrafficRouter } from '../traffic/index.js';
import { POD_TEMPLATE_HASH, SCALE_DOWN_DEADLINE } from './labels.js';
import type { Observation, RawRollout } from './observe.js';
import { buildReplicaSet } from './replicasets.js';
import { buildAnalysisRun } from './runs.js';

/** Actions outside the canary plan: restartAt and workloadRef (decided in src/strategies/workload.ts). */
export interface ExtraActions {
  deletePods: string[];
  /** canaryMetadata / stableMetadata: ReplicaSet templates and pods to re-label. */
  metadata?: { replicaSets: MetaPatch[]; pods: MetaPatch[] };
  /** antiAffinity: ReplicaSets (now stable) whose pod template loses the injected rule. */
  antiAffinity?: Array<{ name: string; podAntiAffinity: AntiAffinityPatch }>;
  workload?: { name: string; replicas: number };
  requeueAfter?: number;
}

export interface ActContext {
  clients: ApiClients;
  clock: Clock;
  services: { get(namespace: string, name: string): V1Service | undefined };
  /**
   * The selector hash this controller last wrote per Service (`ns/name`). The cache may not
   * have seen that write yet: a cached value equal to the desired one is trusted only when it
   * agrees with our last write, else the (idempotent) patch is sent again.
   */
  written?: Map<string, string>;
}

/**
 * Applies `plan` for the observed rollout. Throws on the first failed write (the queue retries).
 * Resolves to the Rollout as the status write left it (undefined: nothing written, the status
 * was already as planned).
 */
export async function act(ctx: ActContext, obs: Observation, plan: Plan, routers: TrafficRouter[], signal: AbortSignal, extra?: ExtraActions): Promise<RawRollout | undefined> {
  const ns = obs.observed.namespace;
  const { clients } = ctx;
  if (plan.createReplicaSet && obs.template) {
    const c = plan.createReplicaSet;
    const rule = obs.parsed?.spec.strategy.canary?.antiAffinity;
    const stableHash = obs.observed.status.stableRS;
    const anti = rule && stableHash ? { rule, stableHash } : undefined;
    const rs = buildReplicaSet(obs.owner, ns, obs.selector, obs.template, c.hash, c.revision, c.replicas, obs.observed.spec.minReadySeconds, anti);
    await ignore(ConflictError, sendJson(clients, 'POST', `/apis/apps/v1/namespaces/${ns}/replicasets`, { body: rs, signal }));
  }
  for (const a of plan.scaleUp) await scale(clients, ns, a, signal);
  for (const m of extra?.metadata?.replicaSets ?? []) {
    const body = { spec: { template: { metadata: { labels: m.labels, annotations: m.annotations } } } };
    await ignore(NotFoundError, sendJson(clients, 'PATCH', `/apis/apps/v1/namespaces/${ns}/replicasets/${m.name}`, { body, contentType: PatchType.Merge, signal }));
  }
  for (const a of extra?.antiAffinity ?? []) {
    const body = { spec: { template: { spec: { affinity: { podAntiAffinity: a.podAntiAffinity } } } } };
    await ignore(NotFoundError, sendJson(clients, 'PATCH', `/apis/apps/v1/namespaces/${ns}/replicasets/${a.name}`, { body, contentType: PatchType.Merge, signal }));
  }
  for (const m of extra?.metadata?.pods ?? []) {
    const body = { metadata: { labels: m.labels, annotations: m.annotations } };
    await ignore(NotFoundError, sendJson(clients, 'PATCH', `/api/v1/namespaces/${ns}/pods/${m.name}`, { body, contentType: PatchType.Merge, signal }));
  }

  // Promotion points the stable Service at the new revision before the weights go back to
  // stable; an abort takes the weight off the canary before its Service is pointed back.
  const prevWeight = obs.observed.status.canary?.weights?.canary.weight ?? 0;
  const promoting = plan.services !== undefined && obs.observed.status.stableRS !== undefined && plan.services.stableHash !== obs.observed.status.stableRS;
  const trafficFirst = plan.traffic !== undefined && plan.traffic.weight < prevWeight && !promoting;
  if (plan.traffic && trafficFirst) await traffic(obs, plan, routers, signal);
  const canary = obs.parsed?.spec.strategy.canary;
  if (plan.services && canary) await syncSelectors(ctx, ns, canary, plan.services, signal);
  if (plan.traffic && !trafficFirst) await traffic(obs, plan, routers, signal);

  for (const a of plan.scaleDown) await scale(clients, ns, a, signal);
  for (const name of plan.deleteReplicaSets) {
    await ignore(NotFoundError, sendJson(clients, 'DELETE', `/apis/apps/v1/namespaces/${ns}/replicasets/${name}`, { signal }));
  }
  for (const req of plan.createRuns) {
    const stable = plan.status.stableRS ?? obs.observed.currentHash;
    const built = buildAnalysisRun(obs.owner, ns, obs.raw, req, stable, obs.lookup);
    if ('error' in built) throw new Error(`cannot start analysis run ${req.name}: ${built.error}`);
    await ignore(ConflictError, sendJson(clients, 'POST', `/apis/sluice.dev/v1alpha1/namespaces/${ns}/analysisruns`, { body: built.run, signal }));
  }
  for (const name of plan.terminateRuns) {
    const path = objectPath('sluice.dev/v1alpha1', 'analysisruns', ns, name);
    await ignore(NotFoundError, sendJson(clients, 'PATCH', path, { body: { spec: { terminate: true } }, contentType: PatchType.Merge, signal }));
  }
  for (const pod of extra?.deletePods ?? []) {
    await ignore(NotFoundError, sendJson(clients, 'DELETE', `/api/v1/namespaces/${ns}/pods/${pod}`, { signal }));
  }
  if (extra?.workload) {
    const body = { spec: { replicas: extra.workload.replicas } };
    await sendJson(clients, 'PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${extra.workload.name}`, { body, contentType: PatchType.Merge, signal });
  }
  await recordEvents(ctx, obs, plan, signal);
  return writeStatus(clients, obs, plan, signal);
}

async function scale(clients: ApiClients, ns: string, a: ScaleAction, signal: AbortSignal): Promise<void> {
  const annotations = a.scaleDownAt === undefined ? undefined : { [SCALE_DOWN_DEADLINE]: a.scaleDownAt === null ? null : new Date(a.scaleDownAt).toISOString() };
  const body = { spec: { replicas: a.replicas }, ...(annotations ? { metadata: { annotations } } : {}) };
  await sendJson(clients, 'PATCH', `/apis/apps/v1/namespaces/${ns}/replicasets/${a.name}`, { body, contentType: PatchType.Merge, signal });
}

/**
 * Points the canary and stable Services at their revisions' pods (the pod-template-hash in the
 * selector). Writes only what differs, judged by the cache and by this process's own last write.
 */
export async function syncSelectors(
  ctx: Pick<ActContext, 'clients' | 'services' | 'written'>,
  ns: string,
  names: { canaryService?: string | undefined; stableService?: string | undefined },
  hashes: { canaryHash: string; stableHash: string },
  signal: AbortSignal,
): Promise<void> {
  for (const [svc, hash] of [[names.canaryService, hashes.canaryHash], [names.stableService, hashes.stableHash]] as const) {
    if (!svc) continue;
    const key = `${ns}/${svc}`;
    const cached = ctx.services.get(ns, svc)?.spec?.selector?.[POD_TEMPLATE_HASH];
    const last = ctx.written?.get(key);
    if (cached === hash && (last === undefined || last === hash)) continue;
    const body = { spec: { selector: { [POD_TEMPLATE_HASH]: hash } } };
    await sendJson(ctx.clients, 'PATCH', `/api/v1/namespaces/${ns}/services/${svc}`, { body, contentType: PatchType.Merge, signal });
    ctx.written?.set(key, hash);
  }
}

async function traffic(obs: Observation, plan: Plan, routers: TrafficRouter[], signal: AbortSignal): Promise<void> {
  const t = plan.traffic;
  if (!t || routers.length === 0) return;
  const steps = obs.observed.spec.strategy.canary?.steps ?? [];
  let verified = true;
  // Taking weight off the canary is the urgent write: it goes first. Otherwise the subsets
  // must point at the right pods before any weight is given to them.
  const urgent = t.weight < (obs.observed.status.canary?.weights?.canary.weight ?? 0);
  for (const r of routers) {
    if (urgent) await r.setWeight(t.weight, signal);
    await r.updateHash(t.canaryHash, t.stableHash, signal);
    if (t.removeManagedRoutes) await r.removeManagedRoutes(signal);
    if (!urgent) await r.setWeight(t.weight, signal);
    for (const name of t.headerRoutes) {
      const route = lastRoute(steps, name, 'setHeaderRoute');
      if (route) await r.setHeaderRoute(route as Parameters<TrafficRouter['setHeaderRoute']>[0], signal);
    }
    for (const name of t.mirrorRoutes) {
      const route = lastRoute(steps, name, 'setMirrorRoute');
      if (route) await r.setMirrorRoute(route as Parameters<TrafficRouter['setMirrorRoute']>[0], signal);
    }
    if (t.finalize) await r.finalize(signal);
    verified = (await r.verifyWeight(t.weight, signal)) && verified;
  }
  const weights = plan.status.canary?.weights;
  if (weights) weights.verified = verified;
}

function lastRoute(steps: CanaryStepView[], name: string, kind: 'setHeaderRoute' | 'setMirrorRoute'): unknown {
  let found: unknown;
  for (const s of steps) if (s[kind]?.name === name) found = s[kind];
  return found;
}

async function writeStatus(clients: ApiClients, obs: Observation, plan: Plan, signal: AbortSignal): Promise<RawRollout | undefined> {
  const status = JSON.parse(JSON.stringify(plan.status)) as Record<string, unknown>;
  if (obs.parsed?.spec.selector) status['selector'] = selectorString(obs.selector, obs.parsed.spec.selector.matchExpressions ?? []);
  if (canonicalJson(status) === canonicalJson(obs.raw.status ?? {})) return undefined;
  const body = { ...obs.raw, status };
  const path = objectPath(obs.raw.apiVersion ?? 'sluice.dev/v1alpha1', 'rollouts', obs.observed.namespace, obs.observed.name, 'status');
  return sendJson<RawRollout>(clients, 'PUT', path, { body, signal });
}

function selectorString(labels: Record<string, string>, exprs: Array<{ key: string; operator: string; values?: string[] }>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  for (const e of exprs) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/**
 * Events before status: each is named after its transition (revision, attempt, reason,
 * message), so a retried or resumed reconcile records it once, and a crash after it loses
 * nothing.
 */
async function recordEvents(ctx: ActContext, obs: Observation, plan: Plan, signal: AbortSignal): Promise<void> {
  const o = obs.observed;
  const involved = { apiVersion: obs.owner.apiVersion, kind: 'Rollout', name: obs.owner.name, namespace: o.namespace, uid: obs.owner.uid };
  for (const e of plan.events) {
    await recordEvent(ctx.clients, ctx.clock, involved, e, [o.currentHash, plan.status.attempt ?? 0, e.reason, e.key ?? e.message], signal);
  }
}

async function ignore<T>(cls: abstract new (...args: never[]) => Error, p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof cls) return undefined;
    throw err;
  }
}

export type { KubernetesObject };
