/**
 * Live watchers of the store, grouped by storage key, so a write is offered only to the
 * watchers of its resource. Each watcher filters by namespace, label and field selector and
 * sees ADDED/DELETED when an object moves into or out of its selection (as the watch cache does).
 */
import type { KubeObject } from '../types.js';
import type { Selector } from '../selectors.js';
import type { HistoryEntry } from './history.js';

/** What a watcher is interested in. */
export interface WatchFilter {
  namespace?: string;
  label: Selector;
  field: Selector;
}

/** One delivered event. */
export interface WatchDelivery {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  entry: HistoryEntry | undefined;
}

/** A registered watcher. */
export interface Watcher {
  filter: WatchFilter;
  send(ev: WatchDelivery): void;
}

/** True when an object passes a filter. */
export function passes(f: WatchFilter, obj: KubeObject | undefined): boolean {
  if (!obj) return false;
  if (f.namespace !== undefined && (obj.metadata.namespace ?? '') !== f.namespace) return false;
  if (f.field.exactName !== undefined && obj.metadata.name !== f.field.exactName) return false;
  return f.label.matches(obj) && f.field.matches(obj);
}

/** Decides what one watcher sees of one entry (undefined: nothing). */
export function deliveryFor(f: WatchFilter, e: HistoryEntry): WatchDelivery | undefined {
  const now = passes(f, e.object);
  if (e.type !== 'MODIFIED') return now ? { type: e.type, object: e.object, entry: e } : undefined;
  const before = passes(f, e.prev);
  if (now && before) return { type: 'MODIFIED', object: e.object, entry: e };
  if (now) return { type: 'ADDED', object: e.object, entry: e };
  if (before) return { type: 'DELETED', object: e.object, entry: e };
  return undefined;
}

/** Watchers by storage key. */
export class WatchHub {
  private readonly byKey = new Map<string, Set<Watcher>>();

  add(skey: string, w: Watcher): () => void {
    let set = this.byKey.get(skey);
    if (!set) {
      set = new Set();
      this.byKey.set(skey, set);
    }
    set.add(w);
    return () => {
      set.delete(w);
    };
  }

  /** Number of live watchers (all resources). */
  get count(): number {
    let n = 0;
    for (const s of this.byKey.values()) n += s.size;
    return n;
  }

  publish(e: HistoryEntry): void {
    const set = this.byKey.get(e.skey);
    if (!set) return;
    for (const w of set) {
      const d = deliveryFor(w.filter, e);
      if (d) w.send(d);
    }
  }
}
