/**
 * The garbage collector. Dependents are objects whose ownerReferences name an owner's uid (any
 * kind, custom resources included), found through the cache's owner index.
 *
 * - Background (default): once an owner is gone, a dependent whose owners are all gone is
 *   deleted; one that still has a live owner just loses the dangling reference. Objects created
 *   with an owner uid that does not exist are treated the same way.
 * - Orphan: an owner being deleted with the `orphan` finalizer has its references removed from
 *   every dependent, then the finalizer removed.
 * - Foreground: an owner being deleted with the `foregroundDeletion` finalizer has its dependents
 *   deleted (foreground too); the finalizer is removed once no dependent with
 *   `blockOwnerDeletion: true` remains.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock/index.js';
import type { KubeObject, ObjectStore, OwnerReference, ResourceKey } from '../types.js';
import type { DependentRef, SimCache } from './cache.js';
import { WorkQueue } from './queue.js';
import { deleteWithPolicy, Finalizer, type PropagationPolicy } from './propagation.js';
import { isCode, jsonEqual, mutate, stableStringify } from './resources.js';

type OwnerState = 'present' | 'absent' | 'waiting';

/** Starts the garbage collector; returns its stop function. */
export function startGarbageCollector(store: ObjectStore, cache: SimCache, clock: Clock, log: Logger): () => void {
  const depRefs = new Map<string, DependentRef>();
  const ownerRefs = new Map<string, DependentRef>();
  const queue = new WorkQueue('gc', clock, (key) => (key.startsWith('o:') ? syncOwner(key.slice(2)) : syncDependent(key.slice(2))), log);

  const checkDependent = (ref: DependentRef): void => {
    depRefs.set(ref.uid, ref);
    queue.add(`d:${ref.uid}`);
  };

  cache.onEvent((ev) => {
    const o = ev.object;
    const uid = o.metadata.uid ?? '';
    const ref: DependentRef = { res: ev.res, namespace: o.metadata.namespace, name: o.metadata.name ?? '', uid };
    const refs = o.metadata.ownerReferences ?? [];
    if (ev.type === 'DELETED') {
      for (const d of cache.dependents(uid)) checkDependent(d);
      for (const r of refs) if (ownerRefs.has(r.uid)) queue.add(`o:${r.uid}`);
      ownerRefs.delete(uid);
      return;
    }
    const fins = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp !== undefined && (fins.includes(Finalizer.orphan) || fins.includes(Finalizer.foreground))) {
      ownerRefs.set(uid, ref);
      queue.add(`o:${uid}`);
    }
    const oldRefs = ev.old?.metadata.ownerReferences ?? [];
    if (refs.length > 0 && (ev.type === 'ADDED' || !ev.old || !jsonEqual(refs, oldRefs))) checkDependent(ref);
    if (ev.old) for (const r of oldRefs) if (ownerRefs.has(r.uid)) queue.add(`o:${r.uid}`);
  });

  function liveOf(ref: DependentRef): KubeObject | undefined {
    const o = store.get(ref.res, ref.namespace, ref.name);
    return o && o.metadata.uid === ref.uid ? o : undefined;
  }

  function ownerState(r: OwnerReference, namespace: string | undefined): OwnerState {
    const info = store.resourceFor(r.apiVersion, r.kind);
    if (!info) return 'present'; // a type the server does not serve: cannot tell, so keep
    if (info.namespaced && namespace === undefined) return 'present'; // invalid for a cluster-scoped dependent: unresolvable, kept (as Kubernetes does)
    const owner = store.get(info, info.namespaced ? namespace : undefined, r.name);
    if (!owner || owner.metadata.uid !== r.uid) return 'absent';
    if (owner.metadata.deletionTimestamp !== undefined && (owner.metadata.finalizers ?? []).includes(Finalizer.foreground)) return 'waiting';
    return 'present';
  }

  function syncDependent(uid: string): undefined {
    const ref = depRefs.get(uid);
    depRefs.delete(uid);
    if (!ref) return undefined;
    const dep = liveOf(ref);
    if (!dep || dep.metadata.deletionTimestamp !== undefined) return undefined;
    const refs = dep.metadata.ownerReferences ?? [];
    const states = refs.map((r) => ownerState(r, dep.metadata.namespace));
    const absent = new Set(refs.filter((_, i) => states[i] === 'absent').map((r) => r.uid));
    const waiting = new Set(refs.filter((_, i) => states[i] === 'waiting').map((r) => r.uid));
    if (absent.size === 0 && waiting.size === 0) return undefined;
    if (states.every((s) => s !== 'present')) {
      const policy: PropagationPolicy = waiting.size > 0 ? 'Foreground' : 'Background';
      log.debug({ dependent: ref, policy }, 'gc: deleting dependent whose owners are gone');
      deleteWithPolicy(store, ref.res, ref.namespace, ref.name, policy, uid);
      return undefined;
    }
    // A live owner remains: drop dangling references, and stop blocking owners being deleted.
    try {
      mutate(store, ref.res, ref.namespace, ref.name, (o) => {
        const before = stableStringify(o.metadata.ownerReferences ?? []);
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? [])
          .filter((r) => !absent.has(r.uid))
          .map((r) => (waiting.has(r.uid) && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
        return stableStringify(o.metadata.ownerReferences) !== before;
      }, { uid });
    } catch (err) {
      if (!isCode(err, 422)) throw err;
    }
    return undefined;
  }

  function syncOwner(uid: string): undefined {
    const ref = ownerRefs.get(uid);
    if (!ref) return undefined;
    const owner = liveOf(ref);
    if (!owner || owner.metadata.deletionTimestamp === undefined) {
      ownerRefs.delete(uid);
      return undefined;
    }
    const fins = owner.metadata.finalizers ?? [];
    const deps = cache.dependents(uid);
    if (fins.includes(Finalizer.orphan)) {
      for (const d of deps) {
        mutate(store, d.res, d.namespace, d.name, (o) => {
          const refs = o.metadata.ownerReferences ?? [];
          if (!refs.some((r) => r.uid === uid)) return false;
          o.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
          return true;
        }, { uid: d.uid });
      }
      removeFinalizer(ref, Finalizer.orphan);
      return undefined;
    }
    if (fins.includes(Finalizer.foreground)) {
      let blocking = 0;
      for (const d of deps) {
        const dep = liveOf(d);
        if (!dep) continue;
        const r = (dep.metadata.ownerReferences ?? []).find((x) => x.uid === uid);
        if (!r) continue;
        if (dep.metadata.deletionTimestamp === undefined) checkDependent(d);
        if (r.blockOwnerDeletion === true) blocking++;
      }
      if (blocking === 0) removeFinalizer(ref, Finalizer.foreground);
    }
    return undefined;
  }

  function removeFinalizer(ref: DependentRef, finalizer: string): void {
    log.debug({ owner: ref, finalizer }, 'gc: removing finalizer');
    mutate(store, ref.res as ResourceKey, ref.namespace, ref.name, (o) => {
      const fins = o.metadata.finalizers ?? [];
      if (!fins.includes(finalizer)) return false;
      o.metadata.finalizers = fins.filter((f) => f !== finalizer);
      return true;
    }, { uid: ref.uid });
  }

  return () => queue.stop();
}
