/**
 * A Deployment's status from its ReplicaSets, pure: counts, observedGeneration, and the
 * Available and Progressing conditions with Kubernetes' reasons and messages.
 */
import { toRfc3339 } from '../../clock/index.js';
import type { KubeObject } from '../types.js';
import { int, rec } from './resources.js';

/** Condition reasons used by the Deployment controller. */
export const DeploymentReason = {
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
} as const;

interface Cond {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** Status to write, and when to look again (the progress deadline). */
export function deploymentStatus(
  d: KubeObject,
  newRs: KubeObject | undefined,
  old: readonly KubeObject[],
  o: { replicas: number; unavailable: number; created: boolean; now: number },
): { status: Record<string, unknown>; recheckInMs: number | undefined } {
  const st = (rs: KubeObject, f: string): number => int(rec(rs['status'])[f], 0);
  const all = newRs ? [newRs, ...old] : [...old];
  const sum = (f: string): number => all.reduce((s, rs) => s + st(rs, f), 0);
  const prev = rec(d['status']);
  const spec = rec(d['spec']);
  const status: Record<string, unknown> = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum('replicas'),
    updatedReplicas: newRs ? st(newRs, 'replicas') : 0,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: sum('availableReplicas'),
    unavailableReplicas: Math.max(0, o.replicas - sum('availableReplicas')),
  };
  if (typeof prev['collisionCount'] === 'number') status['collisionCount'] = prev['collisionCount'];
  const prevConds = Array.isArray(prev['conditions']) ? (prev['conditions'] as unknown[]).map(rec) : [];
  const ts = toRfc3339(o.now);
  const cond = (type: string, ok: string, reason: string, message: string, touch: boolean): Cond => {
    const p = prevConds.find((c) => c['type'] === type);
    const same = p !== undefined && p['status'] === ok;
    const keep = same && p['reason'] === reason && !touch;
    return {
      type,
      status: ok,
      lastUpdateTime: keep && typeof p['lastUpdateTime'] === 'string' ? p['lastUpdateTime'] : ts,
      lastTransitionTime: same && typeof p['lastTransitionTime'] === 'string' ? p['lastTransitionTime'] : ts,
      reason,
      message,
    };
  };
  const available = int(status['availableReplicas'], 0) >= o.replicas - o.unavailable;
  const conds: Cond[] = [
    available
      ? cond('Available', 'True', DeploymentReason.MinimumReplicasAvailable, 'Deployment has minimum availability.', false)
      : cond('Available', 'False', DeploymentReason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', false),
  ];
  const rsName = newRs?.metadata.name ?? '';
  const complete = newRs !== undefined
    && status['updatedReplicas'] === o.replicas
    && status['replicas'] === o.replicas
    && status['availableReplicas'] === o.replicas;
  const deadlineS = spec['progressDeadlineSeconds'] === undefined ? 600 : int(spec['progressDeadlineSeconds'], 600);
  let recheckInMs: number | undefined;
  if (spec['paused'] === true) {
    conds.push(cond('Progressing', 'Unknown', DeploymentReason.DeploymentPaused, 'Deployment is paused', false));
  } else if (complete) {
    conds.push(cond('Progressing', 'True', DeploymentReason.NewReplicaSetAvailable, `ReplicaSet "${rsName}" has successfully progressed.`, false));
  } else if (o.created) {
    conds.push(cond('Progressing', 'True', DeploymentReason.NewReplicaSetCreated, `Created new replica set "${rsName}"`, true));
    recheckInMs = deadlineS * 1000;
  } else {
    const counts = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'];
    const moved = counts.some((f) => prev[f] !== status[f]) || prev['observedGeneration'] !== status['observedGeneration'];
    const p = prevConds.find((c) => c['type'] === 'Progressing');
    const lastUpdate = Date.parse(String(p?.['lastUpdateTime'] ?? ''));
    const sinceUpdate = Number.isFinite(lastUpdate) ? o.now - lastUpdate : 0;
    if (p?.['reason'] === DeploymentReason.ProgressDeadlineExceeded && !moved) {
      conds.push(cond('Progressing', 'False', DeploymentReason.ProgressDeadlineExceeded, `ReplicaSet "${rsName}" has timed out progressing.`, false));
    } else if (!moved && p?.['status'] === 'True' && p['reason'] !== DeploymentReason.NewReplicaSetAvailable && sinceUpdate >= deadlineS * 1000) {
      conds.push(cond('Progressing', 'False', DeploymentReason.ProgressDeadlineExceeded, `ReplicaSet "${rsName}" has timed out progressing.`, false));
    } else {
      conds.push(cond('Progressing', 'True', DeploymentReason.ReplicaSetUpdated, `ReplicaSet "${rsName}" is progressing.`, moved || p?.['reason'] !== DeploymentReason.ReplicaSetUpdated));
      recheckInMs = moved ? deadlineS * 1000 : Math.max(1, deadlineS * 1000 - sinceUpdate);
    }
  }
  status['conditions'] = conds;
  return { status, recheckInMs };
}
