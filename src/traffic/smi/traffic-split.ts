/**
 * The SMI TrafficSplit for a rollout. Pure: weights in, TrafficSplit out.
 *
 * `spec.service` is the root Service (default the stable Service) and `spec.backends` carries
 * the canary at `w` and the stable at `maxWeight - w`. In `v1alpha1` a weight is a Kubernetes
 * quantity (written as the string `"50"`); in `v1alpha2` and `v1alpha3` it is an integer.
 */
import type { SmiRoutingConfig } from '../config.js';
import { asArray, asObject, asString, clone, readWeight, type JsonObject } from '../json.js';
import { rolloutOwnerReference } from '../meta.js';
import type { KubeObject, RouterProblem, TrafficContext } from '../types.js';

/** The TrafficSplit's name: `trafficSplitName`, default the Rollout's name. */
export function trafficSplitName(cfg: SmiRoutingConfig, ctx: TrafficContext): string {
  return cfg.trafficSplitName || ctx.rolloutName;
}

function weightValue(apiVersion: string, w: number): number | string {
  return apiVersion.endsWith('/v1alpha1') ? String(w) : w;
}

/** A new TrafficSplit at `canaryWeight`, owned by the Rollout. */
export function desiredTrafficSplit(apiVersion: string, cfg: SmiRoutingConfig, ctx: TrafficContext, canaryWeight: number): KubeObject {
  return {
    apiVersion,
    kind: 'TrafficSplit',
    metadata: { name: trafficSplitName(cfg, ctx), namespace: ctx.namespace, ownerReferences: [rolloutOwnerReference(ctx)] },
    spec: {
      service: cfg.rootService || ctx.stableService,
      backends: [
        { service: ctx.canaryService, weight: weightValue(apiVersion, canaryWeight) },
        { service: ctx.stableService, weight: weightValue(apiVersion, ctx.maxWeight - canaryWeight) },
      ],
    },
  };
}

/**
 * `ts` with the root service and the canary/stable backend weights set (backends added when
 * missing); other backends and fields stay as written.
 */
export function withSplitWeights(ts: KubeObject, cfg: SmiRoutingConfig, ctx: TrafficContext, canaryWeight: number): KubeObject {
  const next = clone(ts);
  const spec = asObject(next['spec']) ?? {};
  next['spec'] = spec;
  spec['service'] = cfg.rootService || ctx.stableService;
  const backends = asArray(spec['backends']).map((b) => b);
  const set = (service: string, w: number): void => {
    const found = backends.map(asObject).find((b) => asString(b?.['service']) === service);
    if (found) found['weight'] = weightValue(ts.apiVersion, w);
    else backends.push({ service, weight: weightValue(ts.apiVersion, w) } satisfies JsonObject);
  };
  set(ctx.canaryService, canaryWeight);
  set(ctx.stableService, ctx.maxWeight - canaryWeight);
  spec['backends'] = backends;
  return next;
}

/** The canary and stable weights of a TrafficSplit (0 when a backend is missing). */
export function readSplitWeights(ts: KubeObject, ctx: TrafficContext): { canary: number; stable: number } {
  const backends = asArray(asObject(ts['spec'])?.['backends']).map(asObject);
  const weightOf = (svc: string): number => readWeight(backends.find((b) => asString(b?.['service']) === svc)?.['weight']);
  return { canary: weightOf(ctx.canaryService), stable: weightOf(ctx.stableService) };
}

/** Problems with an existing TrafficSplit: other backends (weights would not add up). */
export function trafficSplitProblems(ts: KubeObject, ctx: TrafficContext, field: string): RouterProblem[] {
  const others = asArray(asObject(ts['spec'])?.['backends'])
    .map((b) => asString(asObject(b)?.['service']) ?? '?')
    .filter((s) => s !== ctx.canaryService && s !== ctx.stableService);
  if (others.length === 0) return [];
  return [{ field, message: `TrafficSplit "${ts.metadata.name ?? ''}" also has backends ${others.join(', ')}; weights would not add up. Remove them` }];
}
