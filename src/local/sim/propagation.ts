/**
 * Deletion with a propagation policy. The API server records the policy as a finalizer on the
 * object being deleted (`orphan` or `foregroundDeletion`, as Kubernetes does); Background is no
 * finalizer. The {@link ObjectStore} interface has no options argument, so the policy and a uid
 * precondition are passed as the optional fourth argument that MemoryStore accepts (a store
 * without it ignores the extra argument and deletes in the background).
 */
import type { KubeObject, ObjectStore, ResourceKey } from '../types.js';
import { isCode } from './resources.js';

/** Finalizers the API server adds for non-background deletes. */
export const Finalizer = {
  orphan: 'orphan',
  foreground: 'foregroundDeletion',
} as const;

/** How dependents are treated when an owner is deleted. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

interface DeleteWithOptions {
  delete(
    res: ResourceKey,
    namespace: string | undefined,
    name: string,
    opts?: { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string } },
  ): KubeObject | undefined;
}

/** Deletes `name` with `policy`, only if its uid is still `uid`; 404 and uid conflicts are "done". */
export function deleteWithPolicy(
  store: ObjectStore,
  res: ResourceKey,
  namespace: string | undefined,
  name: string,
  policy: PropagationPolicy,
  uid: string,
): void {
  try {
    (store as unknown as DeleteWithOptions).delete(res, namespace, name, { propagationPolicy: policy, preconditions: { uid } });
  } catch (err) {
    if (isCode(err, 404)) return;
    if (isCode(err, 409) && store.get(res, namespace, name)?.metadata.uid !== uid) return;
    throw err;
  }
}
