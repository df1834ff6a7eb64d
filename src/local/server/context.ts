/** What the request handlers share. */
import type { ServerResponse } from 'node:http';
import type pino from 'pino';
import type { Clock } from '../../clock/index.js';
import type { MemoryStore } from '../store.js';

/** Open watch streams, so they can be cut (fault injection) or closed at stop. */
export class WatchStreams {
  private readonly open = new Set<{ res: ServerResponse; close(): void }>();

  add(s: { res: ServerResponse; close(): void }): () => void {
    this.open.add(s);
    return () => {
      this.open.delete(s);
    };
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every open stream; returns how many. */
  cutAll(): number {
    const all = [...this.open];
    for (const s of all) s.close();
    return all.length;
  }
}

/** Shared state of the HTTP handlers. */
export interface ServerContext {
  store: MemoryStore;
  clock: Clock;
  log: pino.Logger;
  watches: WatchStreams;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs: number;
  /** Milliseconds to hold each watch event of a resource (fault injection); absent: none. */
  watchLag?: (resource: string) => number;
}
