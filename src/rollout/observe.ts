/**
 * Observe: everything the planner needs about one Rollout, read from informer caches (no LIST
 * per reconcile): the parsed spec, its ReplicaSets and AnalysisRuns, and what is wrong with it.
 */
import type { KubernetesObject, V1Deployment, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { formatFieldError, parseRollout, type Rollout } from '../api/index.js';
import type { Informer } from '../controller/index.js';
import { hashObject, type ObservedRollout, type RestartPod, type RolloutSpecView, type RolloutStatusView, type ScaleDownPolicy } from '../strategies/index.js';
import { observeReplicaSet, type OwnerInfo, type PodTemplate } from './replicasets.js';
import { observeRun, type RawTemplate, type TemplateLookup } from './runs.js';

/** A Rollout as stored. */
export interface RawRollout extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: RolloutStatusView;
}

/** The caches the Rollout controller reads. */
export interface RolloutCaches {
  rollouts: Informer<RawRollout>;
  replicaSets: Informer<V1ReplicaSet>;
  runs: Informer<KubernetesObject>;
  templates: Informer<RawTemplate>;
  clusterTemplates: Informer<RawTemplate>;
  services: Informer<V1Service>;
  deployments: Informer<V1Deployment>;
  /** Indexed by controlling owner uid ('owner'). */
  pods: Informer<V1Pod>;
}

/** What one observation yields. */
export interface Observation {
  raw: RawRollout;
  owner: OwnerInfo;
  /** undefined when the spec does not parse. */
  parsed?: Rollout;
  observed: ObservedRollout;
  template?: PodTemplate;
  selector: Record<string, string>;
  lookup: TemplateLookup;
  /** The rollout's pods (for restartAt). */
  pods: RestartPod[];
  /** The Deployment named by workloadRef, when set and found. */
  workload?: { name: string; replicas: number; policy: ScaleDownPolicy };
}

/**
 * Reads one Rollout and what it owns; undefined when the Rollout is gone. `rollout` replaces
 * the cached Rollout when the caller knows a newer one (its own write the cache has not seen).
 */
export function observe(caches: RolloutCaches, namespace: string, name: string, timeScale: number, rollout?: RawRollout): Observation | undefined {
  const raw = rollout ?? caches.rollouts.get(namespace, name);
  if (!raw?.metadata?.uid) return undefined;
  const owner: OwnerInfo = { apiVersion: raw.apiVersion ?? 'sluice.dev/v1alpha1', kind: 'Rollout', name, uid: raw.metadata.uid };
  const uid = raw.metadata.uid;
  const replicaSets = caches.replicaSets.byIndex('owner', uid).flatMap((rs) => observeReplicaSet(rs) ?? []);
  const runs = caches.runs.byIndex('owner', uid).flatMap((r) => observeRun(r as Parameters<typeof observeRun>[0]) ?? []);
  const rsUids = caches.replicaSets.byIndex('owner', uid).flatMap((rs) => rs.metadata?.uid ?? []);
  const pods: RestartPod[] = rsUids.flatMap((u) => caches.pods.byIndex('owner', u)).map((p) => ({
    name: p.metadata?.name ?? '',
    created: Date.parse(String(p.metadata?.creationTimestamp ?? '')) || 0,
    ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    deleting: !!p.metadata?.deletionTimestamp,
  }));
  const lookup: TemplateLookup = (t, cluster) => (cluster ? caches.clusterTemplates.get(undefined, t) : caches.templates.get(namespace, t));
  const status: RolloutStatusView = structuredClone(raw.status ?? {});
  const invalid: string[] = [];
  const result = parseRollout(raw);
  const base = { name, namespace, generation: raw.metadata.generation ?? 1, status, replicaSets, runs, timeScale, invalid };
  if (!result.ok) {
    invalid.push(...result.errors.map(formatFieldError));
    return { raw, owner, observed: { ...base, spec: fallbackSpec(), currentHash: status.currentPodHash ?? '' }, selector: {}, lookup, pods };
  }
  const parsed = result.value;
  const spec = parsed.spec;
  const canary = spec.strategy.canary;
  if (!canary) invalid.push('spec.strategy.blueGreen: blue-green is not supported by this version of Sluice yet; use spec.strategy.canary');
  let template = spec.template;
  let selector = spec.selector?.matchLabels ?? {};
  let workload: Observation['workload'];
  const ref = spec.workloadRef;
  if (ref) {
    const deployment = ref.kind === 'Deployment' ? caches.deployments.get(namespace, ref.name) : undefined;
    if (ref.kind !== 'Deployment' || !ref.apiVersion.startsWith('apps/')) {
      invalid.push(`spec.workloadRef.kind: only apps/v1 Deployment is supported, got ${ref.apiVersion} ${ref.kind}`);
    } else if (!deployment?.spec?.template) {
      invalid.push(`spec.workloadRef.name: Deployment "${ref.name}" not found in namespace ${namespace}; create it or fix the name`);
    } else {
      template = deployment.spec.template as typeof template;
      selector = deployment.spec.selector.matchLabels ?? {};
      workload = { name: ref.name, replicas: deployment.spec.replicas ?? 1, policy: ref.scaleDown };
    }
  }
  if (canary) {
    for (const [field, svc] of [['canaryService', canary.canaryService], ['stableService', canary.stableService]] as const) {
      if (svc && !caches.services.get(namespace, svc)) invalid.push(`spec.strategy.canary.${field}: Service "${svc}" not found in namespace ${namespace}; create it or fix the name`);
    }
    type Ref = { templates: Array<{ templateName: string; clusterScope: boolean }> } | undefined;
    const refs: Array<[string, Ref]> = [['spec.strategy.canary.analysis', canary.analysis]];
    canary.steps.forEach((s, i) => {
      refs.push([`spec.strategy.canary.steps[${i}].analysis`, s.analysis]);
      refs.push([`spec.strategy.canary.steps[${i}].bake.analysis`, s.bake?.analysis]);
    });
    for (const [field, ref] of refs) {
      for (const [j, t] of (ref?.templates ?? []).entries()) {
        if (!lookup(t.templateName, t.clusterScope)) {
          invalid.push(`${field}.templates[${j}].templateName: ${t.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${t.templateName}" not found; create it or fix the name`);
        }
      }
    }
  }
  const view: RolloutSpecView = { ...spec, strategy: canary ? { canary } : {} };
  const currentHash = hashObject(template);
  return { raw, owner, parsed, observed: { ...base, spec: view, currentHash }, template, selector, lookup, pods, ...(workload ? { workload } : {}) };
}

function fallbackSpec(): RolloutSpecView {
  return {
    replicas: 0,
    paused: false,
    minReadySeconds: 0,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    progressDeadlineAbort: false,
    strategy: {
      canary: { steps: [], maxSurge: '25%', maxUnavailable: '25%', dynamicStableScale: false, scaleDownDelaySeconds: 30, abortScaleDownDelaySeconds: 30 },
    },
  };
}
