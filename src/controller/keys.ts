/** Work-queue keys: `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
import type { KubernetesObject } from '@kubernetes/client-node';

/** Splits `namespace/name` (or a cluster-scoped `name`). */
export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Joins a namespace and name into a queue key. */
export function joinKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The queue key of an object (empty string when it has no name). */
export function objectKey(obj: KubernetesObject): string {
  return joinKey(obj.metadata?.namespace, obj.metadata?.name ?? '');
}

/**
 * Keys of the controlling owners of `obj` with the given kind: maps a ReplicaSet event to its
 * Rollout's key, for example.
 */
export function ownerKeys(kind: string): (obj: KubernetesObject) => string[] {
  return (obj) =>
    (obj.metadata?.ownerReferences ?? [])
      .filter((o) => o.kind === kind && o.controller === true)
      .map((o) => joinKey(obj.metadata?.namespace, o.name));
}
