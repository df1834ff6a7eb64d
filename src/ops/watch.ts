/**
 * Watching for changes without polling: {@link followChanges} keeps client-node watches open on
 * a few collections (resuming from the last resourceVersion when the server ends a stream, from
 * "now" after a 410) and calls back, coalesced, whenever something changed.
 */
import { GoneError, toApiError } from '../controller/index.js';
import type { CliClient, CliResource, WatchEvent } from './client.js';
import type { Clock } from '../clock/index.js';

/** One collection to watch. */
export interface WatchTarget {
  readonly resource: CliResource;
  readonly namespace: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Where to start (a resourceVersion read just before); absent: from now, without the initial list. */
  readonly resourceVersion?: string;
}

/** Pause before reopening a failed watch. */
const RETRY_MS = 1000;

function rvOf(e: WatchEvent): string | undefined {
  const rv = e.object.metadata?.resourceVersion;
  return typeof rv === 'string' && rv ? rv : undefined;
}

/** Watches one target until `signal` aborts, calling `onEvent` for every change. */
export async function watchTarget(client: CliClient, clock: Clock, target: WatchTarget, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
  let rv = target.resourceVersion;
  while (!signal.aborted) {
    let gone = false;
    try {
      const query: Record<string, string | undefined> = {
        namespace: target.namespace,
        labelSelector: target.labelSelector,
        fieldSelector: target.fieldSelector,
        resourceVersion: rv,
      };
      await client.watch(
        target.resource,
        query,
        (e) => {
          if (e.type === 'ERROR') {
            gone = (e.object as { code?: number }).code === 410;
            return;
          }
          rv = rvOf(e) ?? rv;
          if (e.type !== 'BOOKMARK') onEvent(e);
        },
        signal,
      );
      if (gone) rv = undefined;
    } catch (err) {
      if (signal.aborted) return;
      if (toApiError(err) instanceof GoneError) rv = undefined;
      await clock.sleep(RETRY_MS, signal).catch(() => undefined);
      continue;
    }
    // The server closed the stream (its timeout): reopen from where we were, after a breath.
    if (!signal.aborted) await clock.sleep(gone ? RETRY_MS : 50, signal).catch(() => undefined);
  }
}

/**
 * Watches every target and calls `onChange` (never concurrently with itself) after changes,
 * coalescing bursts. Ends when `signal` aborts (resolves), when `onChange` returns true
 * (resolves), or when it throws (rejects with that error).
 */
export async function followChanges(client: CliClient, clock: Clock, targets: readonly WatchTarget[], onChange: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  const inner = new AbortController();
  const onAbort = (): void => inner.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let dirty = false;
  let running: Promise<void> | undefined;
  let failure: { err: unknown } | undefined;
  const kick = (): void => {
    dirty = true;
    if (running) return;
    running = (async () => {
      while (dirty && !inner.signal.aborted) {
        dirty = false;
        await clock.sleep(50, inner.signal).catch(() => undefined);
        if (inner.signal.aborted) break;
        try {
          if (await onChange()) inner.abort();
        } catch (err) {
          failure = { err };
          inner.abort();
        }
      }
    })().finally(() => {
      running = undefined;
    });
  };
  try {
    await Promise.all(targets.map((t) => watchTarget(client, clock, t, kick, inner.signal)));
    await running;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure.err;
}
