/**
 * In-process subscribers of the store. Events are delivered in commit order, one at a time: a
 * subscriber that writes to the store from its callback queues the new event behind the
 * current one instead of re-entering (so every subscriber sees the same order).
 */
import type pino from 'pino';
import type { StoreEvent } from '../types.js';
import { clone } from './json.js';

/** Ordered, non-reentrant delivery to subscribers (each gets its own copy of the object). */
export class Subscribers {
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly pending: StoreEvent[] = [];
  private draining = false;

  constructor(private readonly log: pino.Logger) {}

  add(listener: (ev: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(ev: StoreEvent): void {
    if (this.listeners.size === 0) return;
    this.pending.push(ev);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let e = this.pending.shift(); e; e = this.pending.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l({ type: e.type, resource: e.resource, object: clone(e.object) });
          } catch (err) {
            this.log.error({ err }, 'store subscriber failed');
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
