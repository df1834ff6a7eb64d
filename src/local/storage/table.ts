/**
 * The objects of one group/resource, keyed `namespace/name` (namespace '' when cluster-scoped),
 * with a per-namespace index and a lazily sorted key list for paged lists.
 */
import type { KubeObject } from '../types.js';

/** `ns/name`. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** The objects of one resource type. */
export class ObjectTable {
  private readonly all = new Map<string, KubeObject>();
  private readonly byNs = new Map<string, Map<string, KubeObject>>();
  private sorted: string[] | null = null;

  get size(): number {
    return this.all.size;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.all.get(objectKey(namespace, name));
  }

  set(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const key = objectKey(ns, name);
    if (!this.all.has(key) && this.sorted) this.sorted.splice(this.lowerBound(key), 0, key);
    this.all.set(key, obj);
    let inNs = this.byNs.get(ns);
    if (!inNs) {
      inNs = new Map();
      this.byNs.set(ns, inNs);
    }
    inNs.set(name, obj);
  }

  delete(namespace: string | undefined, name: string): void {
    const ns = namespace ?? '';
    const key = objectKey(ns, name);
    if (this.all.delete(key) && this.sorted) this.sorted.splice(this.lowerBound(key), 1);
    const inNs = this.byNs.get(ns);
    inNs?.delete(name);
    if (inNs?.size === 0) this.byNs.delete(ns);
  }

  /** Every object (of one namespace when given), in no particular order. */
  values(namespace?: string): Iterable<KubeObject> {
    if (namespace === undefined) return this.all.values();
    return this.byNs.get(namespace)?.values() ?? [];
  }

  /** Number of objects in a namespace. */
  countIn(namespace: string): number {
    return this.byNs.get(namespace)?.size ?? 0;
  }

  /** Index of the first sorted key >= `key` (the sorted list is built on first use, then kept). */
  private lowerBound(key: string): number {
    if (!this.sorted) this.sorted = [...this.all.keys()].sort();
    const keys = this.sorted;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keys in order, starting strictly after `after` (when given), limited to a namespace. */
  *keysFrom(namespace: string | undefined, after: string | undefined): Generator<[string, KubeObject]> {
    if (!this.sorted) this.sorted = [...this.all.keys()].sort();
    const keys = this.sorted;
    const prefix = namespace === undefined ? '' : `${namespace}/`;
    const start = after !== undefined && after > prefix ? after : prefix;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = keys[mid] as string;
      if (k < start || (after !== undefined && k === after)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i] as string;
      if (after !== undefined && k <= after) continue;
      if (!k.startsWith(prefix)) break;
      const obj = this.all.get(k);
      if (obj) yield [k, obj];
    }
  }

  /** Count of keys in a namespace (or all) strictly after `after`. */
  remainingAfter(namespace: string | undefined, after: string): number {
    let from = this.lowerBound(after);
    if (this.sorted?.[from] === after) from++;
    // '0' follows '/' in code-unit order: keys of namespace ns are exactly [ns/, ns0).
    const end = namespace === undefined ? (this.sorted?.length ?? 0) : this.lowerBound(`${namespace}0`);
    return Math.max(0, end - from);
  }
}
