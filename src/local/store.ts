/**
 * The local cluster's object store: what etcd plus the generic registry of the kube-apiserver
 * do. One cluster-wide resourceVersion counter; create/update/delete apply the API server's
 * metadata rules (uid, generation, finalizers, status subresource) and every committed change
 * goes to the retained history, the HTTP watchers and the in-process subscribers, in order.
 */
import pino from 'pino';
import { toRfc3339, type Clock } from '../clock/index.js';
import { conflict, forbidden, gone, notFound } from './errors.js';
import { registerBuiltinResources } from './builtins.js';
import { groupVersion, ResourceRegistry, storageKey, type ServedResource } from './registry.js';
import { parseLabelSelector, type Selector } from './selectors.js';
import { EventHistory, HistoryEntry } from './storage/history.js';
import { ObjectTable } from './storage/table.js';
import { WatchHub, deliveryFor, passes, type WatchDelivery, type WatchFilter } from './storage/watch-hub.js';
import { clone } from './storage/json.js';
import { planCreate } from './storage/create-rules.js';
import { validateBuiltin } from './storage/validate-builtin.js';
import { planUpdate } from './storage/update-rules.js';
import { CrdLifecycle } from './crd/lifecycle.js';
import { Subscribers } from './storage/subscribers.js';
import { reportUnknownFields, validateCustomObject } from './schema/custom.js';
import type { KubeObject, ObjectStore, ResourceKey, StoreEvent } from './types.js';
import { continueToken, parseContinue, parseResourceVersion } from './storage/tokens.js';

export type { WatchDelivery, WatchFilter } from './storage/watch-hub.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  clock: Clock;
  /** Retained events before the oldest are compacted (watch from older → 410). Default 200000. */
  historyLimit?: number;
  logger?: pino.Logger;
}

/** Options common to writes. */
export interface WriteOptions {
  /** Run every check, commit nothing (`dryRun=All`). */
  dryRun?: boolean;
  /** `Strict`, `Warn` (default) or `Ignore`: what unknown fields of custom resources cause. */
  fieldValidation?: string;
  /** Receives warnings (unknown fields under `Warn`), for the Warning header. */
  warnings?: string[];
}

/** Options of a delete, as DeleteOptions in the API. */
export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** What a delete did: `gone` is false while finalizers hold the object. */
export interface DeleteResult {
  object: KubeObject;
  gone: boolean;
}

/** A paged list request. */
export interface ListOptions {
  namespace?: string;
  label?: Selector;
  field?: Selector;
  limit?: number;
  continue?: string;
}

/** A page of a list. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

const NAMESPACES: ResourceKey = { group: '', version: 'v1', resource: 'namespaces' };
/** Namespaces the NamespaceLifecycle admission plugin refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const NO_SELECTOR: Selector = { empty: true, matches: () => true };

/** In-memory {@link ObjectStore} with the API server's rules. */
export class MemoryStore implements ObjectStore {
  readonly registry = new ResourceRegistry();
  readonly clock: Clock;
  private readonly log: pino.Logger;
  private readonly tables = new Map<string, ObjectTable>();
  private readonly history: EventHistory;
  private readonly hub = new WatchHub();
  private readonly subscribers: Subscribers;
  private rv = 0;
  private readonly crds: CrdLifecycle;

  constructor(opts: MemoryStoreOptions) {
    this.clock = opts.clock;
    this.history = new EventHistory(opts.historyLimit ?? 200_000);
    this.log = opts.logger ?? pino({ level: 'silent' });
    this.crds = new CrdLifecycle(this);
    this.subscribers = new Subscribers(this.log);
  }

  /** Makes the built-in types known and creates the default, kube-system, kube-public and kube-node-lease namespaces. */
  registerBuiltins(): void {
    registerBuiltinResources(this.registry);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      if (!this.getRaw(NAMESPACES, undefined, name)) this.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  /** The current (newest) resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Number of live HTTP/in-process watchers. */
  get watcherCount(): number {
    return this.hub.count;
  }

  /** Drops all retained history: every resourceVersion older than now answers 410. */
  compact(): void {
    this.history.compact(this.rv);
  }

  resourceFor(apiVersion: string, kind: string): ServedResource | undefined {
    const i = apiVersion.indexOf('/');
    const group = i < 0 ? '' : apiVersion.slice(0, i);
    const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    return this.registry.byKind(group, version, kind);
  }

  /** The served resource, or 404 NotFound (as the server answers for an unknown resource). */
  served(res: ResourceKey): ServedResource {
    const r = this.registry.get(res);
    if (!r) throw notFound({ group: res.group, resource: res.resource }, '');
    return r;
  }

  private table(r: ServedResource): ObjectTable {
    const k = storageKey(r);
    let t = this.tables.get(k);
    if (!t) {
      t = new ObjectTable();
      this.tables.set(k, t);
    }
    return t;
  }

  private present(r: ServedResource, obj: KubeObject): KubeObject {
    const av = groupVersion(r);
    return obj.apiVersion === av ? obj : { ...obj, apiVersion: av };
  }

  /** The stored object as served at `res` (shared: callers must not mutate it). */
  getRaw(res: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const r = this.registry.get(res);
    if (!r) return undefined;
    const obj = this.table(r).get(r.namespaced ? (namespace ?? '') : '', name);
    return obj && this.present(r, obj);
  }

  get(res: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.getRaw(res, namespace, name);
    return o && clone(o);
  }

  list(res: ResourceKey, namespace?: string, labelSelector?: string): KubeObject[] {
    return this.listPage(res, { namespace, label: parseLabelSelector(labelSelector) }).items.map((o) => clone(o));
  }

  /** A (possibly paged) list; items are shared and must not be mutated. */
  listPage(res: ResourceKey, opts: ListOptions): ListResult {
    const r = this.served(res);
    const table = this.table(r);
    const ns = r.namespaced && opts.namespace ? opts.namespace : undefined;
    const label = opts.label ?? NO_SELECTOR;
    const field = opts.field ?? NO_SELECTOR;
    let after: string | undefined;
    let rv = this.rv;
    if (opts.continue) {
      const tok = parseContinue(opts.continue);
      if (!this.history.covers(tok.rv)) {
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response to the previous list request.',
        );
      }
      after = tok.start;
      rv = tok.rv;
    }
    const filter: WatchFilter = { namespace: ns, label, field };
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    for (const [k, obj] of table.keysFrom(ns, after)) {
      if (opts.limit && items.length >= opts.limit) {
        more = true;
        break;
      }
      lastKey = k;
      if (passes(filter, obj)) items.push(this.present(r, obj));
    }
    const out: ListResult = { items, resourceVersion: String(rv) };
    if (more && lastKey !== undefined) {
      out.continue = continueToken(rv, lastKey);
      if (label.empty && field.empty) out.remainingItemCount = table.remainingAfter(ns, lastKey);
    }
    return out;
  }

  create(res: ResourceKey, obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    const r = this.served(res);
    const table = this.table(r);
    const nsTable = this.table(this.served(NAMESPACES));
    const o = planCreate(r, obj, {
      exists: (ns, name) => table.get(ns, name) !== undefined,
      namespace: (name) => nsTable.get('', name),
      now: toRfc3339(this.clock.now()),
    });
    if (r.custom) reportUnknownFields(r, validateCustomObject(r, o, 'create'), opts.fieldValidation, opts.warnings);
    else validateBuiltin(r, o);
    this.crds.validate(r, o);
    if (opts.dryRun) return o;
    this.commit('ADDED', r, o, undefined);
    this.crds.afterWrite(r, o);
    return clone(this.present(r, o));
  }

  update(res: ResourceKey, obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    return this.write(res, obj, false, opts);
  }

  updateStatus(res: ResourceKey, obj: KubeObject, opts: WriteOptions = {}): KubeObject {
    return this.write(res, obj, true, opts);
  }

  private write(res: ResourceKey, obj: KubeObject, status: boolean, opts: WriteOptions): KubeObject {
    const r = this.served(res);
    const name = obj.metadata?.name ?? '';
    const old = this.table(r).get(r.namespaced ? obj.metadata.namespace : '', name);
    if (!old) throw notFound(r, name);
    const plan = planUpdate(r, old, clone(obj), status);
    if (plan.next === old) return clone(this.present(r, old));
    if (r.custom) reportUnknownFields(r, validateCustomObject(r, plan.next, status ? 'status' : 'update'), opts.fieldValidation, opts.warnings);
    else if (!status) validateBuiltin(r, plan.next, old);
    this.crds.validate(r, plan.next);
    if (opts.dryRun) return plan.next;
    if (plan.finalize) {
      this.commit('DELETED', r, plan.next, old);
      this.afterDelete(r, plan.next);
      return clone(this.present(r, plan.next));
    }
    this.commit('MODIFIED', r, plan.next, old);
    this.crds.afterWrite(r, plan.next);
    return clone(this.present(r, plan.next));
  }

  delete(res: ResourceKey, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject | undefined {
    const r = this.registry.get(res);
    if (!r || !this.table(r).get(r.namespaced ? namespace : '', name)) return undefined;
    return this.remove(res, namespace, name, opts).object;
  }

  /** Deletes as the API does; 404 when absent. */
  remove(res: ResourceKey, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const r = this.served(res);
    const ns = r.namespaced ? (namespace ?? '') : '';
    const old = this.table(r).get(ns, name);
    if (!old) throw notFound(r, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(r, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(r, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
    }
    let finalizers = [...(old.metadata.finalizers ?? [])];
    if (opts.propagationPolicy === 'Foreground') finalizers = [...finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion'), 'foregroundDeletion'];
    if (opts.propagationPolicy === 'Orphan') finalizers = [...finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion'), 'orphan'];
    const isNamespace = r.group === '' && r.resource === 'namespaces';
    if (isNamespace && IMMORTAL_NAMESPACES.has(name)) throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
    if (opts.dryRun) return { object: this.present(r, old), gone: finalizers.length === 0 && !isNamespace };
    if (finalizers.length > 0 || isNamespace) {
      if (old.metadata.deletionTimestamp && finalizers.join() === (old.metadata.finalizers ?? []).join()) {
        return { object: clone(this.present(r, old)), gone: false };
      }
      const next = clone(old);
      next.metadata.deletionTimestamp ??= toRfc3339(this.clock.now());
      next.metadata.deletionGracePeriodSeconds ??= 0;
      if (finalizers.length) next.metadata.finalizers = finalizers;
      if (isNamespace) next['status'] = { ...((next['status'] as object | undefined) ?? {}), phase: 'Terminating' };
      this.commit('MODIFIED', r, next, old);
      if (isNamespace) this.emptyNamespace(name);
      const now = this.table(r).get(ns, name);
      return { object: clone(this.present(r, now ?? next)), gone: !now };
    }
    if (this.crds.isCrd(r)) this.crds.purgeInstances(old);
    const gone = clone(old);
    this.commit('DELETED', r, gone, old);
    this.afterDelete(r, gone);
    return { object: clone(this.present(r, gone)), gone: true };
  }

  private afterDelete(r: ServedResource, obj: KubeObject): void {
    if (this.crds.isCrd(r)) this.crds.afterDelete(obj);
    const ns = obj.metadata.namespace;
    if (r.namespaced && ns) {
      const nsObj = this.table(this.served(NAMESPACES)).get('', ns);
      if (nsObj?.metadata.deletionTimestamp) this.finalizeNamespace(nsObj);
    }
  }

  private emptyNamespace(ns: string): void {
    for (const r of this.registry.storageResources()) {
      if (!r.namespaced) continue;
      for (const obj of [...this.table(r).values(ns)]) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          this.remove(r, ns, obj.metadata.name ?? '');
        } catch (err) {
          this.log.warn({ err, ns }, 'namespace cleanup failed');
        }
      }
    }
    const nsObj = this.table(this.served(NAMESPACES)).get('', ns);
    if (nsObj) this.finalizeNamespace(nsObj);
  }

  private finalizeNamespace(nsObj: KubeObject): void {
    const ns = nsObj.metadata.name ?? '';
    for (const t of this.tables.values()) if (t.countIn(ns) > 0) return;
    if ((nsObj.metadata.finalizers ?? []).length > 0) return;
    const r = this.served(NAMESPACES);
    const gone = clone(nsObj);
    this.commit('DELETED', r, gone, nsObj);
  }

  /** Deletes every object of a group/resource at once, finalizers notwithstanding (CRD removal). */
  purgeStorage(group: string, resource: string): void {
    const r = this.registry.versionsOf(group, resource)[0];
    if (!r) return;
    for (const obj of [...this.table(r).values()]) this.commit('DELETED', r, clone(obj), obj);
  }

  /** Drops the storage of a group/resource without events (CRD removal, after purging). */
  dropStorage(group: string, resource: string): void {
    this.tables.delete(storageKey({ group, resource }));
  }

  /**
   * Watches a resource. Replays history after `resourceVersion` (a number), or sends the
   * current state as ADDED when it is undefined or "0"; throws 410 when compacted.
   */
  watch(res: ResourceKey, filter: WatchFilter, resourceVersion: string | undefined, send: (d: WatchDelivery) => void): () => void {
    const r = this.served(res);
    const rv = parseResourceVersion(resourceVersion);
    if (rv !== undefined && rv !== 0 && !this.history.covers(rv)) {
      throw gone(`too old resource version: ${rv} (${this.history.compacted})`);
    }
    if (rv === undefined || rv === 0) {
      const ns = r.namespaced ? filter.namespace : undefined;
      for (const obj of this.table(r).values(ns)) if (passes(filter, obj)) send({ type: 'ADDED', object: obj, entry: undefined });
    } else {
      for (const e of this.history.after(rv)) {
        if (e.skey !== storageKey(r)) continue;
        const d = deliveryFor(filter, e);
        if (d) send(d);
      }
    }
    return this.hub.add(storageKey(r), { filter, send });
  }

  subscribe(listener: (ev: StoreEvent) => void): () => void {
    return this.subscribers.add(listener);
  }

  private commit(type: 'ADDED' | 'MODIFIED' | 'DELETED', r: ServedResource, obj: KubeObject, prev: KubeObject | undefined): void {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const table = this.table(r);
    if (type === 'DELETED') table.delete(obj.metadata.namespace, obj.metadata.name ?? '');
    else table.set(obj);
    const entry = new HistoryEntry(this.rv, type, r, storageKey(r), obj, prev);
    this.history.push(entry);
    this.hub.publish(entry);
    this.subscribers.publish({ type, resource: r, object: obj });
  }
}
