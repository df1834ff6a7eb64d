/**
 * The simulation's informer: one subscription to the store feeding an in-memory cache of the
 * watched types, with the indexes the controllers need so nothing scans every object:
 * namespace -> objects, owner uid -> dependents (for every type, custom resources included),
 * and, for Pods, namespace + `key=value` label -> pods.
 */
import type { Logger } from 'pino';
import type { KubeObject, ObjectStore, ResourceKey, StoreEvent } from '../types.js';
import { keyOf, objKey, resId } from './resources.js';
import type { Selector } from './selector.js';

/** A dependent as the garbage collector needs to find it again. */
export interface DependentRef {
  readonly res: ResourceKey;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string;
}

/** A cache event after the cache applied it; `old` is the previous cached version. */
export interface CacheEvent {
  readonly type: StoreEvent['type'];
  readonly res: ResourceKey;
  readonly object: KubeObject;
  readonly old: KubeObject | undefined;
}

/** Objects of one type, by key and by namespace. */
class Kind {
  readonly byKey = new Map<string, KubeObject>();
  readonly byNs = new Map<string, Map<string, KubeObject>>();

  put(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    this.byKey.set(keyOf(obj), obj);
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(obj.metadata.name ?? '', obj);
  }

  remove(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    this.byKey.delete(keyOf(obj));
    const m = this.byNs.get(ns);
    m?.delete(obj.metadata.name ?? '');
    if (m && m.size === 0) this.byNs.delete(ns);
  }
}

function rvNum(obj: KubeObject | undefined): number | undefined {
  const n = Number(obj?.metadata.resourceVersion);
  return Number.isFinite(n) ? n : undefined;
}

/** The shared cache. Handlers run synchronously after each event is applied; they must only enqueue. */
export class SimCache {
  private readonly kinds = new Map<string, Kind>();
  private readonly deps = new Map<string, Map<string, DependentRef>>();
  /** uid -> owner uids it is indexed under, to unindex on change. */
  private readonly ownersOf = new Map<string, string[]>();
  /** Pods: `ns\0key=value` -> pod names. */
  private readonly podLabels = new Map<string, Set<string>>();
  private readonly seq = new Map<string, number>();
  private nextSeq = 1;
  private readonly handlers: Array<(ev: CacheEvent) => void> = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly watched: readonly ResourceKey[],
    private readonly log: Logger,
  ) {
    for (const r of watched) this.kinds.set(resId(r), new Kind());
  }

  /** Lists the watched types from the store, then follows its events. */
  start(store: ObjectStore): void {
    this.unsubscribe = store.subscribe((ev) => {
      try {
        this.apply(ev.type, ev.resource, ev.object);
      } catch (err) {
        this.log.debug({ err, type: ev.type, resource: ev.resource.resource }, 'sim cache: event not applied');
      }
    });
    for (const r of this.watched) {
      let items: KubeObject[] = [];
      try {
        items = store.list(r);
      } catch {
        continue; // type not served by this store
      }
      for (const o of items) if (!this.get(r, o.metadata.namespace, o.metadata.name ?? '')) this.apply('ADDED', r, o);
    }
  }

  /** Stops following the store. */
  stop(): void {
    this.unsubscribe?.();
    this.handlers.length = 0;
  }

  /** Registers a handler for every applied event. */
  onEvent(h: (ev: CacheEvent) => void): void {
    this.handlers.push(h);
  }

  /** The cached object, if its type is watched and it exists. */
  get(res: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.kinds.get(resId(res))?.byKey.get(objKey(namespace, name));
  }

  /** Cached objects of a type in one namespace. */
  inNamespace(res: ResourceKey, namespace: string | undefined): Iterable<KubeObject> {
    return this.kinds.get(resId(res))?.byNs.get(namespace ?? '')?.values() ?? [];
  }

  /** Every cached object of a type. */
  all(res: ResourceKey): Iterable<KubeObject> {
    return this.kinds.get(resId(res))?.byKey.values() ?? [];
  }

  /** Objects of any type whose ownerReferences name `uid`. */
  dependents(uid: string): DependentRef[] {
    return [...(this.deps.get(uid)?.values() ?? [])];
  }

  /** Cached objects of a watched type controlled by (or owned by) `uid`. */
  owned(res: ResourceKey, uid: string): KubeObject[] {
    const out: KubeObject[] = [];
    const id = resId(res);
    for (const d of this.deps.get(uid)?.values() ?? []) {
      if (resId(d.res) !== id) continue;
      const o = this.get(res, d.namespace, d.name);
      if (o && o.metadata.uid === d.uid) out.push(o);
    }
    return out;
  }

  /** Pods in `namespace` that `sel` selects, using the label index. */
  selectPods(namespace: string, sel: Selector, podRes: ResourceKey): KubeObject[] {
    if (sel.empty) return [];
    let smallest: Set<string> | undefined;
    for (const [k, v] of sel.equals) {
      const s = this.podLabels.get(`${namespace}\0${k}=${v}`);
      if (!s) return [];
      if (!smallest || s.size < smallest.size) smallest = s;
    }
    const candidates = smallest
      ? [...smallest].map((n) => this.get(podRes, namespace, n)).filter((p): p is KubeObject => p !== undefined)
      : [...this.inNamespace(podRes, namespace)];
    return candidates.filter((p) => sel.matches(p.metadata.labels));
  }

  /** Order in which the cache first saw an object (a tie-breaker finer than creationTimestamp). */
  firstSeen(obj: KubeObject): number {
    return this.seq.get(obj.metadata.uid ?? '') ?? 0;
  }

  /** Applies a change (from the store, or the result of our own write) and notifies handlers. */
  apply(type: StoreEvent['type'], res: ResourceKey, obj: KubeObject): void {
    const kind = this.kinds.get(resId(res));
    const uid = obj.metadata.uid ?? '';
    let old: KubeObject | undefined;
    if (kind) {
      old = kind.byKey.get(keyOf(obj));
      if (old && old.metadata.uid === uid && type !== 'DELETED') {
        const a = rvNum(old);
        const b = rvNum(obj);
        if (a !== undefined && b !== undefined && b <= a) return; // stale or already applied
      }
      if (type === 'DELETED') {
        if (old && old.metadata.uid !== uid) return; // an older incarnation
        if (!old && !this.seq.has(uid)) return; // already removed
        kind.remove(obj);
      } else {
        if (old && old.metadata.uid !== uid) this.unindex(old, res);
        kind.put(obj);
      }
    }
    if (type === 'DELETED') this.unindex(obj, res);
    else this.index(obj, old, res);
    for (const h of this.handlers) {
      try {
        h({ type, res, object: obj, old });
      } catch (err) {
        this.log.debug({ err, type, resource: res.resource }, 'sim cache: handler failed');
      }
    }
  }

  private index(obj: KubeObject, old: KubeObject | undefined, res: ResourceKey): void {
    const uid = obj.metadata.uid ?? '';
    if (this.kinds.has(resId(res)) && !this.seq.has(uid)) this.seq.set(uid, this.nextSeq++);
    const owners = (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
    const prev = this.ownersOf.get(uid) ?? [];
    for (const o of prev) if (!owners.includes(o)) this.dropDep(o, uid);
    const ref: DependentRef = { res, namespace: obj.metadata.namespace, name: obj.metadata.name ?? '', uid };
    for (const o of owners) {
      let m = this.deps.get(o);
      if (!m) this.deps.set(o, (m = new Map()));
      m.set(uid, ref);
    }
    if (owners.length > 0) this.ownersOf.set(uid, owners);
    else this.ownersOf.delete(uid);
    if (res.group === '' && res.resource === 'pods') {
      if (old) this.podLabelIndex(old, false);
      this.podLabelIndex(obj, true);
    }
  }

  private unindex(obj: KubeObject, res: ResourceKey): void {
    const uid = obj.metadata.uid ?? '';
    for (const o of this.ownersOf.get(uid) ?? []) this.dropDep(o, uid);
    this.ownersOf.delete(uid);
    this.seq.delete(uid);
    if (res.group === '' && res.resource === 'pods') this.podLabelIndex(obj, false);
  }

  private dropDep(owner: string, uid: string): void {
    const m = this.deps.get(owner);
    m?.delete(uid);
    if (m && m.size === 0) this.deps.delete(owner);
  }

  private podLabelIndex(pod: KubeObject, add: boolean): void {
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      const key = `${ns}\0${k}=${v}`;
      let s = this.podLabels.get(key);
      if (add) {
        if (!s) this.podLabels.set(key, (s = new Set()));
        s.add(name);
      } else if (s) {
        s.delete(name);
        if (s.size === 0) this.podLabels.delete(key);
      }
    }
  }
}
