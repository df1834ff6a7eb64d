/**
 * A resilient informer: list, then watch from the list's resourceVersion, keeping a cache.
 * client-node's own informer stops on any error but 410 and never restarts; this one restarts
 * after every error with capped backoff, re-watches after a normal close, and relists after a
 * 410 Gone (compaction), emitting add/update/delete for whatever changed meanwhile.
 */
import { Watch, type KubernetesObject, type KubernetesListObject } from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import type { ApiClients } from './apiclient.js';
import { GoneError, fromStatus, toApiError, type KubeStatus } from './errors.js';
import { joinKey, objectKey } from './keys.js';
import { LogKeys, silentLogger, type Logger } from './logger.js';
import { ExponentialBackoff } from './ratelimit.js';
import { apiVersionOf, collectionPath, resourceName, type ResourceRef } from './resources.js';

/** Event names for {@link Informer.on}. */
export const InformerEvents = { add: 'add', update: 'update', delete: 'delete' } as const;
/** One of {@link InformerEvents}. */
export type InformerEvent = (typeof InformerEvents)[keyof typeof InformerEvents];
/** A cache event handler; `old` is set on update. */
export type InformerHandler<T> = (obj: T, old?: T) => void;
/** Computes the index values of an object. */
export type IndexFn<T> = (obj: T) => string[];

/** Options for {@link Informer}. */
export interface InformerOptions {
  readonly clients: ApiClients;
  readonly clock: Clock;
  readonly resource: ResourceRef;
  /** Watch only this namespace (all when absent). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly logger?: Logger;
  /** Restart backoff, default 200 ms .. 30 s. */
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  /** Server-side watch timeout; the informer re-watches after it. Default 300 s. */
  readonly watchTimeoutSeconds?: number;
  /** List page size. Default 500. */
  readonly pageSize?: number;
}

interface Index<T> {
  readonly fn: IndexFn<T>;
  readonly map: Map<string, Set<string>>;
}

/** Index functions worth sharing. */
export const Indexers = {
  /** Index by controlling owner UID. */
  byControllerUid: (obj: KubernetesObject): string[] =>
    (obj.metadata?.ownerReferences ?? []).filter((o) => o.controller === true).map((o) => o.uid),
  /** Index by the value of one label. */
  byLabel:
    (label: string) =>
    (obj: KubernetesObject): string[] => {
      const v = obj.metadata?.labels?.[label];
      return v === undefined ? [] : [v];
    },
};

/** A cache of one resource type, kept current by list+watch. */
export class Informer<T extends KubernetesObject = KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private readonly indexes = new Map<string, Index<T>>();
  private readonly handlers: Record<InformerEvent, InformerHandler<T>[]> = { add: [], update: [], delete: [] };
  private readonly backoff: ExponentialBackoff;
  private readonly log: Logger;
  private readonly stopper = new AbortController();
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private running: Promise<void> | undefined;
  private watchAbort: AbortController | undefined;
  private resourceVersion = '';
  /** Counters for tests and metrics: completed lists, watches started and connected, errors. */
  readonly stats = { lists: 0, watches: 0, connected: 0, errors: 0 };

  constructor(private readonly opts: InformerOptions) {
    this.backoff = new ExponentialBackoff(opts.backoffBaseMs ?? 200, opts.backoffCapMs ?? 30_000);
    this.log = (opts.logger ?? silentLogger()).child({ [LogKeys.resource]: resourceName(opts.resource) });
  }

  /** The resource this informer watches. */
  get resource(): ResourceRef {
    return this.opts.resource;
  }

  /** Registers a handler. Handlers run synchronously, in cache order; they must not block. */
  on(event: InformerEvent, handler: InformerHandler<T>): void {
    this.handlers[event].push(handler);
  }

  /** Adds an index; call before {@link start}. */
  addIndex(name: string, fn: IndexFn<T>): void {
    const index: Index<T> = { fn, map: new Map() };
    for (const [key, obj] of this.cache) this.indexAdd(index, key, obj);
    this.indexes.set(name, index);
  }

  /** True once the first list has filled the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves when synced; rejects when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  /** The cached object, or undefined. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(joinKey(namespace, name));
  }

  /** Cached objects, optionally in one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** Cached objects whose index `name` has `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indexes.get(name)?.map.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.cache.get(k)).filter((o): o is T => o !== undefined);
  }

  /** Cache keys (`namespace/name`). */
  keys(): string[] {
    return [...this.cache.keys()];
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Starts list+watch in the background. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = this.run().catch((err: unknown) => {
      this.log.error({ [LogKeys.err]: err }, 'informer loop ended unexpectedly');
    });
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopper.abort(new Error('informer stopped'));
    this.watchAbort?.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist(signal);
          needList = false;
        }
        const gone = await this.watchOnce(signal);
        this.backoff.forget('watch');
        if (gone) {
          this.log.info('watch expired (410 Gone); relisting');
          needList = true;
        }
      } catch (raw) {
        if (signal.aborted) break;
        const err = toApiError(raw);
        this.stats.errors++;
        if (err instanceof GoneError) {
          this.log.info('resourceVersion too old (410 Gone); relisting');
          needList = true;
          continue;
        }
        const delay = this.backoff.next('watch');
        this.log.warn({ [LogKeys.err]: err, [LogKeys.delayMs]: delay }, needList ? 'list failed; retrying' : 'watch failed; restarting');
        try {
          await this.opts.clock.sleep(delay, signal);
        } catch {
          break;
        }
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const { resource, namespace, labelSelector } = this.opts;
    const path = collectionPath(resource, namespace);
    const items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.opts.clients.getJson<KubernetesListObject<T>>(
        path,
        { labelSelector, limit: this.opts.pageSize ?? 500, continue: cont },
        signal,
      );
      items.push(...page.items);
      rv = page.metadata?.resourceVersion ?? rv;
      // Raw JSON: the field is `continue` (client-node's typed models call it `_continue`).
      const meta = page.metadata as { continue?: string; _continue?: string } | undefined;
      cont = meta?.continue || meta?._continue || undefined;
    } while (cont);
    this.replace(items, rv);
    this.stats.lists++;
  }

  private replace(items: T[], rv: string): void {
    const apiVersion = apiVersionOf(this.opts.resource);
    const seen = new Set<string>();
    for (const item of items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= this.opts.resource.kind;
      const key = objectKey(item);
      seen.add(key);
      this.upsert(key, item);
    }
    for (const key of [...this.cache.keys()]) if (!seen.has(key)) this.remove(key, this.cache.get(key) as T);
    this.resourceVersion = rv;
    if (!this.synced) {
      this.synced = true;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** One watch connection; resolves true on 410 (relist), false on a normal close. */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    await this.opts.clients.limiter.take(signal);
    const { resource, namespace, labelSelector } = this.opts;
    this.stats.watches++;
    return new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.watchAbort?.abort();
        fn();
      };
      const onEvent = (type: string, obj: unknown): void => {
        if (settled) return;
        if (type === 'ERROR') {
          const status = obj as KubeStatus;
          const code = status.code ?? 500;
          settle(() => (code === 410 ? resolve(true) : reject(fromStatus(code, status))));
          return;
        }
        const o = obj as T;
        const rv = o.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const key = objectKey(o);
        if (type === 'DELETED') this.remove(key, o);
        else this.upsert(key, o);
      };
      const onDone = (err: unknown): void => settle(() => (err ? reject(err) : resolve(false)));
      const query = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        labelSelector,
        timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300,
      };
      new Watch(this.opts.clients.kubeConfig)
        .watch(collectionPath(resource, namespace), query, onEvent, onDone)
        .then((ctl: AbortController) => {
          this.watchAbort = ctl;
          this.opts.clients.record('WATCH', settled ? 'error' : '200');
          if (!settled) this.stats.connected++;
          if (signal.aborted || settled) ctl.abort();
        })
        .catch((err: unknown) => settle(() => reject(err)));
    });
  }

  private upsert(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    if (old) this.indexRemove(key, old);
    this.cache.set(key, obj);
    for (const index of this.indexes.values()) this.indexAdd(index, key, obj);
    this.emit(old ? 'update' : 'add', obj, old);
  }

  private remove(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (!old) return;
    this.indexRemove(key, old);
    this.cache.delete(key);
    this.emit('delete', obj);
  }

  private indexAdd(index: Index<T>, key: string, obj: T): void {
    for (const v of index.fn(obj)) {
      let set = index.map.get(v);
      if (!set) index.map.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private indexRemove(key: string, obj: T): void {
    for (const index of this.indexes.values()) {
      for (const v of index.fn(obj)) {
        const set = index.map.get(v);
        set?.delete(key);
        if (set?.size === 0) index.map.delete(v);
      }
    }
  }

  private emit(event: InformerEvent, obj: T, old?: T): void {
    for (const h of this.handlers[event]) {
      try {
        h(obj, old);
      } catch (err) {
        this.log.error({ [LogKeys.err]: err, event }, 'informer handler threw');
      }
    }
  }
}
