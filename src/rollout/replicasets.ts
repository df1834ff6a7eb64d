/** ReplicaSets of a Rollout: built from its template, read back for the planner. */
import type { V1Affinity, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../api/index.js';
import { injectAntiAffinity, replicaSetName, type AntiAffinityRule, type ObservedReplicaSet } from '../strategies/index.js';
import { POD_TEMPLATE_HASH, REVISION, ROLLOUT_NAME, SCALE_DOWN_DEADLINE } from './labels.js';

/** What identifies the owning Rollout in ownerReferences. */
export interface OwnerInfo {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/** The pod template a Rollout deploys (its own, or from workloadRef, resolved by the caller). */
export type PodTemplate = Rollout['spec']['template'];

/** A new ReplicaSet for `template` at `hash`; with `antiAffinity`, its pods avoid the stable pods' nodes. */
export function buildReplicaSet(
  owner: OwnerInfo,
  namespace: string,
  selector: Record<string, string>,
  template: PodTemplate,
  hash: string,
  revision: number,
  replicas: number,
  minReadySeconds: number,
  antiAffinity?: { rule: AntiAffinityRule; stableHash: string },
): V1ReplicaSet {
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const podSpec = (template as { spec?: { affinity?: V1Affinity } }).spec;
  const affinity = antiAffinity && antiAffinity.stableHash !== hash ? injectAntiAffinity(podSpec?.affinity, antiAffinity.rule, antiAffinity.stableHash) : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(owner.name, hash),
      namespace,
      labels: { ...labels, [ROLLOUT_NAME]: owner.name },
      annotations: { [REVISION]: String(revision) },
      ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { ...selector, [POD_TEMPLATE_HASH]: hash } },
      template: {
        ...(template as object),
        metadata: { ...(template.metadata ?? {}), labels },
        ...(affinity ? { spec: { ...podSpec, affinity } } : {}),
      } as V1PodTemplateSpec,
    },
  };
}

/** A ReplicaSet as the planner sees it. Status counts are trusted only once observed. */
export function observeReplicaSet(rs: V1ReplicaSet): ObservedReplicaSet | undefined {
  const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH];
  if (!hash || !rs.metadata?.name) return undefined;
  const spec = rs.spec?.replicas ?? 1;
  const fresh = (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
  const ready = rs.status?.readyReplicas ?? 0;
  const available = rs.status?.availableReplicas ?? 0;
  const deadline = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE];
  const at = deadline ? Date.parse(deadline) : NaN;
  return {
    name: rs.metadata.name,
    hash,
    revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0,
    spec,
    // A status written for an older spec may count pods that are going away.
    ready: fresh ? ready : Math.min(ready, spec),
    available: fresh ? available : Math.min(available, spec),
    ...(Number.isFinite(at) ? { scaleDownAt: at } : {}),
  };
}
