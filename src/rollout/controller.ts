/**
 * The Rollout controller: observe -> plan -> act for one `namespace/name` key at a time.
 * Registered with the {@link Manager} through {@link rolloutController}.
 */
import { CustomObjectsApi, type KubernetesObject, type V1Deployment, type V1Pod, type V1ReplicaSet, type V1Service } from '@kubernetes/client-node';
import { Indexers, Resources, objectKey, ownerKeys, splitKey, type Controller, type ControllerContext } from '../controller/index.js';
import { canonicalJson, planCanary, planEphemeral, planRestart, resolveSurgeAndUnavailable, withoutInjectedAntiAffinity, workloadReplicas, type Plan } from '../strategies/index.js';
import { POD_TEMPLATE_HASH } from './labels.js';
import { createRouters, type TrafficRouter } from '../traffic/index.js';
import { act, type ExtraActions } from './act.js';
import { RolloutMetrics } from './metrics.js';
import { observe, type Observation, type RawRollout, type RolloutCaches } from './observe.js';
import type { RawTemplate } from './runs.js';

/** Called after each plan is applied (for the demo, the CLI's watch and tests). */
export type PlanListener = (obs: Observation, plan: Plan) => void;

/** Builds the Rollout controller. */
export function rolloutController(ctx: ControllerContext, onPlan?: PlanListener): Controller {
  const caches: RolloutCaches = {
    rollouts: ctx.informer<RawRollout>(Resources.rollouts),
    replicaSets: ctx.informer<V1ReplicaSet>(Resources.replicaSets),
    runs: ctx.informer<KubernetesObject>(Resources.analysisRuns),
    templates: ctx.informer<RawTemplate>(Resources.analysisTemplates),
    clusterTemplates: ctx.informer<RawTemplate>(Resources.clusterAnalysisTemplates),
    services: ctx.informer<V1Service>(Resources.services),
    deployments: ctx.informer<V1Deployment>(Resources.deployments),
    pods: ctx.informer<V1Pod>(Resources.pods),
  };
  caches.pods.addIndex('owner', Indexers.byControllerUid);
  caches.replicaSets.addIndex('owner', Indexers.byControllerUid);
  caches.runs.addIndex('owner', Indexers.byControllerUid);
  const rolloutKeys = (): string[] => caches.rollouts.keys();
  /** Rollout uid -> the generation whose router references last validated clean. */
  const validated = new Map<string, number>();
  // Service selector hashes this process wrote (see ActContext.written); one entry per Service.
  const written = new Map<string, string>();
  /**
   * Rollout key -> our last status write: the Rollout it left, and the resourceVersions our
   * writes replaced since the cache last caught up (several writes can come before the watch
   * shows the first). While the cache still shows one of those it has not seen the write, and
   * a plan from it would undo what the write recorded (an abort planned again as a canary, its
   * Service pointed back at the canary pods): the reconcile works from the written Rollout.
   */
  const ownWrites = new Map<string, { replaced: Set<string>; rollout: RawRollout }>();
  const metrics = new RolloutMetrics(ctx.metricsRegistry);
  caches.rollouts.on('delete', (r) => {
    validated.delete(r.metadata?.uid ?? '');
    ownWrites.delete(objectKey(r));
    metrics.forget(r.metadata?.namespace ?? '', r.metadata?.name ?? '');
  });
  caches.services.on('delete', (svc) => written.delete(objectKey(svc)));
  return {
    name: 'rollout',
    watches: [
      { informer: caches.rollouts },
      { informer: caches.replicaSets, keys: ownerKeys('Rollout') },
      // A run matters to its Rollout when its verdict or its terminate flag changes, not at
      // every measurement.
      { informer: caches.runs, keys: ownerKeys('Rollout'), changed: (run: KubernetesObject, old: KubernetesObject) => runState(run) !== runState(old) },
      // A template or Service appearing can make an invalid Rollout valid: look at all of them.
      { informer: caches.templates, keys: rolloutKeys },
      { informer: caches.clusterTemplates, keys: rolloutKeys },
      // A Service or Deployment appearing or going matters to the Rollouts that name it; so does
      // a selector hash that changed (our own write seen late, or someone else's to be undone).
      {
        informer: caches.services,
        keys: (svc: V1Service) => rolloutsNaming(caches, svc, serviceNames),
        changed: (svc: V1Service, old: V1Service) => svc.spec?.selector?.[POD_TEMPLATE_HASH] !== old.spec?.selector?.[POD_TEMPLATE_HASH],
      },
      {
        informer: caches.deployments,
        keys: (d: V1Deployment) => rolloutsNaming(caches, d, workloadNames),
        changed: (d: V1Deployment, old: V1Deployment) => canonicalJson(d.spec?.template) !== canonicalJson(old.spec?.template),
      },
    ],
    async reconcile(key, signal) {
      const { namespace, name } = splitKey(key);
      if (!namespace) return {};
      const cached = caches.rollouts.get(namespace, name);
      const mine = ownWrites.get(key);
      const behind = mine !== undefined && mine.replaced.has(cached?.metadata?.resourceVersion ?? '');
      if (!behind) ownWrites.delete(key);
      const obs = observe(caches, namespace, name, ctx.timeScale, behind ? mine.rollout : undefined);
      if (!obs) return {};
      const log = ctx.logger.child({ namespace, name });
      const routers = routersFor(ctx, obs);
      // Router references are checked once per generation; a failed write checks them again.
      const uid = obs.owner.uid;
      if (obs.observed.invalid.length === 0 && validated.get(uid) !== obs.observed.generation) {
        for (const r of routers) {
          for (const p of await r.validate(signal)) obs.observed.invalid.push(`${p.field}: ${p.message}`);
        }
        if (obs.observed.invalid.length === 0) validated.set(uid, obs.observed.generation);
      }
      const now = ctx.clock.now();
      const plan = planCanary(obs.observed, now);
      const extra = sideEffects(obs, plan, now);
      const metadata = ephemeral(caches, obs, plan);
      if (metadata) extra.metadata = metadata;
      const anti = injectedOnStable(caches, obs, plan);
      if (anti.length) extra.antiAffinity = anti;
      try {
        const wrote = await act({ clients: ctx.clients, clock: ctx.clock, services: caches.services, written }, obs, plan, obs.observed.invalid.length ? [] : routers, signal, extra);
        const from = obs.raw.metadata?.resourceVersion;
        // A write the server found unchanged keeps the version: nothing for the cache to catch up on.
        if (wrote && from && wrote.metadata?.resourceVersion !== from) {
          const replaced = new Set(behind ? mine.replaced : []).add(from);
          ownWrites.set(key, { replaced, rollout: wrote });
        }
      } catch (err) {
        validated.delete(uid);
        throw err;
      }
      for (const e of plan.events) log.info({ reason: e.reason, type: e.type }, e.message);
      metrics.observe(namespace, name, plan.status.phase, plan.status.canary?.weights?.canary.weight, plan.events.map((e) => e.reason));
      onPlan?.(obs, plan);
      const after = [plan.requeueAfter, extra.requeueAfter].filter((x): x is number => x !== undefined);
      return after.length ? { requeueAfter: Math.min(...after) } : {};
    },
  };
}

/** restartAt and workloadRef: pods to recreate, the Deployment's replicas, status.restartedAt. */
function sideEffects(obs: Observation, plan: Plan, now: number): ExtraActions {
  const o = obs.observed;
  const canary = o.spec.strategy.canary;
  const steady = !o.invalid.length && plan.status.stableRS === o.currentHash && !plan.status.abort;
  const { maxUnavailable } = resolveSurgeAndUnavailable(canary?.maxSurge ?? '25%', canary?.maxUnavailable ?? '25%', o.spec.replicas);
  const restart = planRestart({ restartAt: o.spec.restartAt, restartedAt: plan.status.restartedAt, steady, now, pods: obs.pods, maxUnavailable });
  if (restart.restartedAt) {
    plan.status.restartedAt = restart.restartedAt;
    plan.events.push({ type: 'Normal', reason: 'RolloutRestarted', message: `every pod is newer than spec.restartAt ${restart.restartedAt}` });
  }
  const extra: ExtraActions = { deletePods: restart.deletePods };
  if (restart.requeueAfter !== undefined) extra.requeueAfter = restart.requeueAfter;
  if (obs.workload) {
    const healthy = plan.status.phase === 'Healthy';
    const replicas = workloadReplicas(obs.workload.policy, obs.workload.replicas, { replicas: o.spec.replicas, available: plan.status.availableReplicas ?? 0, healthy });
    if (replicas !== undefined) extra.workload = { name: obs.workload.name, replicas };
  }
  return extra;
}

function runState(run: KubernetesObject): string {
  const r = run as KubernetesObject & { spec?: { terminate?: boolean }; status?: { phase?: string; message?: string } };
  return `${r.status?.phase ?? ''}|${r.spec?.terminate === true}|${r.metadata?.deletionTimestamp ?? ''}`;
}

/** canaryMetadata / stableMetadata: what to re-label on the rollout's ReplicaSets and pods. */
function ephemeral(caches: RolloutCaches, obs: Observation, plan: Plan): ReturnType<typeof planEphemeral> | undefined {
  const canary = obs.parsed?.spec.strategy.canary;
  if (!canary || obs.observed.invalid.length || (!canary.canaryMetadata && !canary.stableMetadata)) return undefined;
  const sets = caches.replicaSets.byIndex('owner', obs.owner.uid);
  const view = (o: V1ReplicaSet | V1Pod, hash: string, meta: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined) => ({
    name: o.metadata?.name ?? '',
    hash,
    labels: meta?.labels ?? {},
    annotations: meta?.annotations ?? {},
  });
  const replicaSets = sets.map((rs) => view(rs, rs.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '', rs.spec?.template?.metadata));
  const pods = sets.flatMap((rs) =>
    caches.pods.byIndex('owner', rs.metadata?.uid ?? '').filter((p) => !p.metadata?.deletionTimestamp).map((p) => view(p, rs.metadata?.labels?.[POD_TEMPLATE_HASH] ?? '', p.metadata)),
  );
  const out = planEphemeral({
    canaryHash: plan.status.currentPodHash ?? obs.observed.currentHash,
    stableHash: plan.status.stableRS ?? '',
    ...(canary.canaryMetadata ? { canary: canary.canaryMetadata } : {}),
    ...(canary.stableMetadata ? { stable: canary.stableMetadata } : {}),
    replicaSets,
    pods,
  });
  return out.replicaSets.length || out.pods.length ? out : undefined;
}

/** antiAffinity: the stable ReplicaSet keeps no rule against an older revision's nodes. */
function injectedOnStable(caches: RolloutCaches, obs: Observation, plan: Plan): NonNullable<ExtraActions['antiAffinity']> {
  const stable = plan.status.stableRS;
  if (!stable || obs.observed.invalid.length) return [];
  const rs = caches.replicaSets.byIndex('owner', obs.owner.uid).find((r) => r.metadata?.labels?.[POD_TEMPLATE_HASH] === stable);
  const patch = withoutInjectedAntiAffinity(rs?.spec?.template?.spec?.affinity);
  return rs?.metadata?.name && patch ? [{ name: rs.metadata.name, podAntiAffinity: patch }] : [];
}

type Named = { metadata?: { name?: string; namespace?: string } };

/** Keys of the Rollouts in `obj`'s namespace that name it (by `names(rollout)`). */
function rolloutsNaming(caches: RolloutCaches, obj: Named, names: (r: RawRollout) => unknown[]): string[] {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return caches.rollouts
    .list(ns)
    .filter((r) => names(r).includes(name))
    .map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
}

function serviceNames(r: RawRollout): unknown[] {
  const canary = (r.spec?.['strategy'] as { canary?: { canaryService?: unknown; stableService?: unknown } } | undefined)?.canary;
  return [canary?.canaryService, canary?.stableService];
}

function workloadNames(r: RawRollout): unknown[] {
  return [(r.spec?.['workloadRef'] as { name?: unknown } | undefined)?.name];
}

const customObjectsApis = new WeakMap<ControllerContext, CustomObjectsApi>();

/** One CustomObjectsApi per manager, over the shared clients (limiter, metrics, keep-alive). */
function customObjectsFor(ctx: ControllerContext): CustomObjectsApi {
  let api = customObjectsApis.get(ctx);
  if (!api) {
    api = ctx.clients.make(CustomObjectsApi);
    customObjectsApis.set(ctx, api);
  }
  return api;
}

function routersFor(ctx: ControllerContext, obs: Observation): TrafficRouter[] {
  const canary = obs.parsed?.spec.strategy.canary;
  if (!canary?.trafficRouting || !obs.raw.metadata?.uid) return [];
  return createRouters(canary.trafficRouting, {
    kubeConfig: ctx.clients.kubeConfig,
    customObjects: customObjectsFor(ctx),
    namespace: obs.observed.namespace,
    rolloutName: obs.observed.name,
    rolloutUid: obs.raw.metadata.uid,
    canaryService: canary.canaryService,
    stableService: canary.stableService,
    maxWeight: canary.trafficRouting.maxTrafficWeight ?? 100,
    fieldManager: 'sluice-controller',
  });
}
