/**
 * The retained event history (what etcd keeps until compaction). Watches from a
 * resourceVersion replay from here; one older than the oldest retained entry is 410 Gone.
 * Each entry serializes its object at most once per apiVersion, however many watchers read it.
 */
import type { KubeObject } from '../types.js';
import type { ServedResource } from '../registry.js';

/** One committed change. */
export class HistoryEntry {
  private readonly json = new Map<string, string>();

  constructor(
    readonly rv: number,
    readonly type: 'ADDED' | 'MODIFIED' | 'DELETED',
    readonly res: ServedResource,
    /** Storage key, `group/resource`. */
    readonly skey: string,
    readonly object: KubeObject,
    /** The object before the change (MODIFIED and DELETED). */
    readonly prev: KubeObject | undefined,
  ) {}

  /** The object as JSON, as served at `apiVersion` (computed once per apiVersion). */
  objectJson(apiVersion: string): string {
    let s = this.json.get(apiVersion);
    if (s === undefined) {
      s = JSON.stringify(this.object.apiVersion === apiVersion ? this.object : { ...this.object, apiVersion });
      this.json.set(apiVersion, s);
    }
    return s;
  }
}

/** A bounded log of {@link HistoryEntry}, oldest first. */
export class EventHistory {
  private entries: HistoryEntry[] = [];
  private head = 0;
  /** Every resourceVersion at or below this has been compacted away. */
  private compactedRv = 0;

  constructor(private readonly limit: number) {}

  push(e: HistoryEntry): void {
    this.entries.push(e);
    if (this.entries.length - this.head > this.limit) {
      const dropped = this.entries[this.head];
      this.head++;
      if (dropped) this.compactedRv = dropped.rv;
      if (this.head > 4096 && this.head > this.entries.length / 2) {
        this.entries = this.entries.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** Drops everything up to and including `rv`. */
  compact(rv: number): void {
    while (this.head < this.entries.length && (this.entries[this.head]?.rv ?? Infinity) <= rv) this.head++;
    this.entries = this.entries.slice(this.head);
    this.head = 0;
    this.compactedRv = Math.max(this.compactedRv, rv);
  }

  /** The newest compacted resourceVersion (0 when nothing was compacted). */
  get compacted(): number {
    return this.compactedRv;
  }

  /** True when every change after `rv` is still retained. */
  covers(rv: number): boolean {
    return rv >= this.compactedRv;
  }

  /** Entries with resourceVersion greater than `rv`, oldest first. */
  *after(rv: number): Generator<HistoryEntry> {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.entries[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e) yield e;
    }
  }
}
