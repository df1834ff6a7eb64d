/**
 * Ephemeral metadata (`canaryMetadata`, `stableMetadata`, Argo Rollouts' names): labels and
 * annotations that mark a pod's current role, e.g. `role: canary` for Prometheus queries.
 * They are set on the ReplicaSet's pod template (for pods to come) and on its running pods, and
 * they follow the role: at promotion the canary's pods take the stable metadata. Pure.
 *
 * Example: canaryMetadata {labels: {role: canary}}, stableMetadata {labels: {role: stable}}:
 * - canary ReplicaSet and pods: role=canary; stable ones: role=stable;
 * - older ReplicaSets: the managed keys removed (null in a merge patch).
 */

/** Labels and annotations of one role. */
export interface RoleMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Labels and annotations as found on an object. */
export interface MetaView {
  name: string;
  /** Pod-template hash of the ReplicaSet it is (or belongs to). */
  hash: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A merge patch for labels and annotations (null removes a key). */
export interface MetaPatch {
  name: string;
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

/**
 * The patches that bring every ReplicaSet template and pod to its role's metadata. Empty when
 * neither metadata is set or everything already matches.
 */
export function planEphemeral(input: {
  canaryHash: string;
  stableHash: string;
  canary?: RoleMetadata;
  stable?: RoleMetadata;
  replicaSets: MetaView[];
  pods: MetaView[];
}): { replicaSets: MetaPatch[]; pods: MetaPatch[] } {
  const managed = {
    labels: new Set([...Object.keys(input.canary?.labels ?? {}), ...Object.keys(input.stable?.labels ?? {})]),
    annotations: new Set([...Object.keys(input.canary?.annotations ?? {}), ...Object.keys(input.stable?.annotations ?? {})]),
  };
  if (managed.labels.size === 0 && managed.annotations.size === 0) return { replicaSets: [], pods: [] };
  const roleOf = (hash: string): RoleMetadata | undefined =>
    hash === input.stableHash ? input.stable : hash === input.canaryHash ? input.canary : undefined;
  const patch = (obj: MetaView): MetaPatch | undefined => {
    const want = roleOf(obj.hash);
    const labels = diff(managed.labels, obj.labels, want?.labels ?? {});
    const annotations = diff(managed.annotations, obj.annotations, want?.annotations ?? {});
    return Object.keys(labels).length || Object.keys(annotations).length ? { name: obj.name, labels, annotations } : undefined;
  };
  return { replicaSets: input.replicaSets.flatMap((r) => patch(r) ?? []), pods: input.pods.flatMap((p) => patch(p) ?? []) };
}

function diff(keys: Set<string>, have: Record<string, string>, want: Record<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of keys) {
    const w = want[k];
    if (w === undefined) {
      if (k in have) out[k] = null;
    } else if (have[k] !== w) {
      out[k] = w;
    }
  }
  return out;
}
