/**
 * Argo Rollouts' `antiAffinity`: a new ReplicaSet's pods avoid the nodes of the stable
 * ReplicaSet's pods, so that when the old version scales down its nodes empty and the cluster
 * autoscaler removes them, instead of evicting new pods that landed beside old ones.
 *
 * The rule is a pod anti-affinity term on the `rollouts-pod-template-hash` of the stable
 * ReplicaSet, per node (`kubernetes.io/hostname`), required or preferred with a weight. It is
 * added to the new ReplicaSet's pod template (after the user's own terms) and taken off again
 * once that ReplicaSet is the stable one. Pure.
 */
import type { V1Affinity, V1PodAffinityTerm, V1WeightedPodAffinityTerm } from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL as HASH_LABEL } from '../api/group.js';

const TOPOLOGY = 'kubernetes.io/hostname';

/** `spec.strategy.canary.antiAffinity`: exactly one of the two. */
export interface AntiAffinityRule {
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number } | undefined;
  requiredDuringSchedulingIgnoredDuringExecution?: Record<string, never> | object | undefined;
}

function term(stableHash: string): V1PodAffinityTerm {
  return { labelSelector: { matchExpressions: [{ key: HASH_LABEL, operator: 'In', values: [stableHash] }] }, topologyKey: TOPOLOGY };
}

/** True for a term of the shape this module adds (a user writing the same term gets the same treatment). */
function injected(t: V1PodAffinityTerm | undefined): boolean {
  const e = t?.labelSelector?.matchExpressions;
  return !!t && t.topologyKey === TOPOLOGY && !t.labelSelector?.matchLabels && e?.length === 1 && e[0]!.key === HASH_LABEL && e[0]!.operator === 'In';
}

/** The affinity of a new ReplicaSet's pods: the user's, plus the rule against `stableHash`. */
export function injectAntiAffinity(affinity: V1Affinity | undefined, rule: AntiAffinityRule, stableHash: string): V1Affinity {
  const out: V1Affinity = structuredClone(affinity ?? {});
  const anti = (out.podAntiAffinity ??= {});
  const preferred = rule.preferredDuringSchedulingIgnoredDuringExecution;
  if (preferred) {
    const w: V1WeightedPodAffinityTerm = { weight: preferred.weight, podAffinityTerm: term(stableHash) };
    anti.preferredDuringSchedulingIgnoredDuringExecution = [...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []), w];
  } else if (rule.requiredDuringSchedulingIgnoredDuringExecution) {
    anti.requiredDuringSchedulingIgnoredDuringExecution = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), term(stableHash)];
  }
  return out;
}

/** The two podAntiAffinity lists as a merge patch writes them (null: the list goes). */
export interface AntiAffinityPatch {
  requiredDuringSchedulingIgnoredDuringExecution: V1PodAffinityTerm[] | null;
  preferredDuringSchedulingIgnoredDuringExecution: V1WeightedPodAffinityTerm[] | null;
}

/**
 * The podAntiAffinity lists without the injected terms, or undefined when there is none to
 * take off. The user's own terms stay as written.
 */
export function withoutInjectedAntiAffinity(affinity: V1Affinity | undefined): AntiAffinityPatch | undefined {
  const anti = affinity?.podAntiAffinity;
  const required = anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const preferred = anti?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const keepRequired = required.filter((t) => !injected(t));
  const keepPreferred = preferred.filter((t) => !injected(t.podAffinityTerm));
  if (keepRequired.length === required.length && keepPreferred.length === preferred.length) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: keepRequired.length ? keepRequired : null,
    preferredDuringSchedulingIgnoredDuringExecution: keepPreferred.length ? keepPreferred : null,
  };
}
