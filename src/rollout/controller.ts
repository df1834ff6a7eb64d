/**
 * The Rollout controller: observe -> plan -> act for one `namespace/name` key at a time.
 * Registered with the {@link Manager} through {@link rolloutController}.
 */
import type { KubernetesObject, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { Indexers, Resources, ownerKeys, splitKey, type Controller, type ControllerContext } from '../controller/index.js';
import { planCanary, type Plan } from '../strategies/index.js';
import { createRouters, type TrafficRouter } from '../traffic/index.js';
import { act } from './act.js';
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
  };
  caches.replicaSets.addIndex('owner', Indexers.byControllerUid);
  caches.runs.addIndex('owner', Indexers.byControllerUid);
  const rolloutKeys = (): string[] => caches.rollouts.keys();
  return {
    name: 'rollout',
    watches: [
      { informer: caches.rollouts },
      { informer: caches.replicaSets, keys: ownerKeys('Rollout') },
      { informer: caches.runs, keys: ownerKeys('Rollout') },
      // A template or Service appearing can make an invalid Rollout valid: look at all of them.
      { informer: caches.templates, keys: rolloutKeys },
      { informer: caches.clusterTemplates, keys: rolloutKeys },
      { informer: caches.services, keys: (svc: V1Service) => rolloutsInNamespace(caches, svc.metadata?.namespace) },
    ],
    async reconcile(key, signal) {
      const { namespace, name } = splitKey(key);
      if (!namespace) return {};
      const obs = observe(caches, namespace, name, ctx.timeScale);
      if (!obs) return {};
      const log = ctx.logger.child({ namespace, name });
      const routers = routersFor(ctx, obs);
      if (obs.observed.invalid.length === 0) {
        for (const r of routers) {
          for (const p of await r.validate(signal)) obs.observed.invalid.push(`${p.field}: ${p.message}`);
        }
      }
      const plan = planCanary(obs.observed, ctx.clock.now());
      await act({ clients: ctx.clients, clock: ctx.clock, services: caches.services }, obs, plan, obs.observed.invalid.length ? [] : routers, signal);
      for (const e of plan.events) log.info({ reason: e.reason, type: e.type }, e.message);
      onPlan?.(obs, plan);
      return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
    },
  };
}

function rolloutsInNamespace(caches: RolloutCaches, namespace: string | undefined): string[] {
  return caches.rollouts.list(namespace).map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
}

function routersFor(ctx: ControllerContext, obs: Observation): TrafficRouter[] {
  const canary = obs.parsed?.spec.strategy.canary;
  if (!canary?.trafficRouting || !obs.raw.metadata?.uid) return [];
  return createRouters(canary.trafficRouting, {
    kubeConfig: ctx.clients.kubeConfig,
    namespace: obs.observed.namespace,
    rolloutName: obs.observed.name,
    rolloutUid: obs.raw.metadata.uid,
    canaryService: canary.canaryService,
    stableService: canary.stableService,
    maxWeight: canary.trafficRouting.maxTrafficWeight ?? 100,
    fieldManager: 'sluice-controller',
  });
}
