/**
 * What an update (PUT, or PATCH after applying the patch) turns the stored object into:
 * resourceVersion precondition, immutable metadata, the status subresource split, generation,
 * finalizer rules, and no-op detection (an unchanged object keeps its resourceVersion).
 */
import { conflict, invalid } from '../errors.js';
import { groupVersion, type ServedResource } from '../registry.js';
import type { KubeObject } from '../types.js';
import { applyDefaults } from './defaults.js';
import { clone, deepEqual, without } from './json.js';

/** The outcome of {@link planUpdate}: `next === old` means nothing changes. */
export interface UpdatePlan {
  next: KubeObject;
  /** The object loses its last finalizer while being deleted: it goes away. */
  finalize: boolean;
}

function comparable(o: KubeObject): Record<string, unknown> {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
  return { ...o, metadata: meta };
}

/** Plans the update of `old` into `obj` (`obj` is owned by the caller and may be reused). */
export function planUpdate(r: ServedResource, old: KubeObject, obj: KubeObject, statusOnly: boolean): UpdatePlan {
  const name = old.metadata.name ?? '';
  obj.metadata = obj.metadata ?? {};
  const rv = obj.metadata.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw conflict(r, name);
  if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
    throw conflict(r, name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
  }
  const hasStatus = r.subresources.includes('status');
  let next: KubeObject;
  if (statusOnly) {
    next = clone(old);
    if (obj['status'] === undefined) delete next['status'];
    else next['status'] = obj['status'];
  } else {
    next = obj;
    next.apiVersion = groupVersion(r);
    next.kind = r.kind;
    if (hasStatus) {
      if (old['status'] === undefined) delete next['status'];
      else next['status'] = clone(old['status']);
    }
    const m = next.metadata;
    const om = old.metadata;
    m.name = om.name;
    if (om.namespace !== undefined) m.namespace = om.namespace;
    else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp !== undefined) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    applyDefaults(r, next);
    if (om.deletionTimestamp) {
      const added = (m.finalizers ?? []).filter((f) => !(om.finalizers ?? []).includes(f));
      if (added.length) {
        throw invalid(r, name, [
          {
            reason: 'FieldValueForbidden',
            field: 'metadata.finalizers',
            message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
          },
        ]);
      }
    }
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion;
  if (r.hasGeneration) {
    const skip = hasStatus ? ['metadata', 'status'] : ['metadata'];
    const changed = !deepEqual(without(old, skip), without(next, skip));
    next.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
  } else delete next.metadata.generation;
  if (!next.metadata.finalizers?.length) delete next.metadata.finalizers;
  if (deepEqual(comparable(old), comparable(next))) return { next: old, finalize: false };
  const finalize = Boolean(next.metadata.deletionTimestamp) && !(next.metadata.finalizers ?? []).length;
  return { next, finalize };
}
