/**
 * Watch streams (`?watch=1`): newline-delimited JSON events over a chunked response, replayed
 * from a resourceVersion or starting with the current state, BOOKMARKs when allowed, a 410
 * Gone ERROR event for a compacted resourceVersion, and `timeoutSeconds`. Each event's object
 * JSON is made once per write and shared by every watcher (see HistoryEntry).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusBody } from '../errors.js';
import { groupVersion, type ServedResource } from '../registry.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { WatchDelivery } from '../store.js';
import { ApiError } from '../types.js';
import type { ServerContext } from './context.js';
import type { RequestQuery } from './query.js';
import { toTable } from './table.js';

const MAX_BUFFERED = 16 * 1024 * 1024;

/** Serves one watch request until timeout, client close, a cut or server stop. */
export function serveWatch(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  r: ServedResource,
  namespace: string | undefined,
  q: RequestQuery,
  asTable: boolean,
): void {
  const label = parseLabelSelector(q.labelSelector);
  const field = parseFieldSelector(q.fieldSelector, r.fieldLabels);
  const av = groupVersion(r);
  const { store, clock } = ctx;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;
  let cancel: () => void = () => undefined;
  let bookmarkTimer: ReturnType<typeof clock.setTimer> | undefined;
  let timeoutTimer: ReturnType<typeof clock.setTimer> | undefined;
  let heldTimer: ReturnType<typeof clock.setTimer> | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    cancel();
    if (bookmarkTimer) clock.clearTimer(bookmarkTimer);
    if (timeoutTimer) clock.clearTimer(timeoutTimer);
    if (heldTimer) clock.clearTimer(heldTimer);
    unregister();
    res.end();
  };
  const unregister = ctx.watches.add({ res, close });
  const write = (line: string): void => {
    if (closed) return;
    res.write(line);
    // A watcher that stops reading is dropped, as the real server drops a watcher whose
    // buffer fills, rather than buffering without bound; it re-watches from its last RV.
    if (res.writableLength > MAX_BUFFERED) close();
  };
  const deliver = (d: WatchDelivery): void => {
    if (asTable) {
      const table = toTable(r, [d.object.apiVersion === av ? d.object : { ...d.object, apiVersion: av }], clock.now(), { resourceVersion: d.object.metadata.resourceVersion }, q.includeObject);
      write(`${JSON.stringify({ type: d.type, object: table })}\n`);
      return;
    }
    const json = d.entry ? d.entry.objectJson(av) : JSON.stringify(d.object.apiVersion === av ? d.object : { ...d.object, apiVersion: av });
    write(`{"type":"${d.type}","object":${json}}\n`);
  };
  // Fault injection: events held for the lag, in order (one timer drains the queue).
  const held: Array<{ due: number; d: WatchDelivery }> = [];
  const drain = (): void => {
    heldTimer = undefined;
    const now = clock.now();
    while (held.length > 0 && held[0]!.due <= now) deliver(held.shift()!.d);
    if (held.length > 0 && !closed) heldTimer = clock.setTimer(drain, held[0]!.due - now);
  };
  const send = (d: WatchDelivery): void => {
    const lag = ctx.watchLag?.(r.resource) ?? 0;
    if (lag <= 0 && held.length === 0) return deliver(d);
    held.push({ due: Math.max(clock.now() + lag, held.at(-1)?.due ?? 0), d });
    if (!heldTimer) heldTimer = clock.setTimer(drain, held[0]!.due - clock.now());
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion };
    if (annotations) metadata['annotations'] = annotations;
    write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: r.kind, apiVersion: av, metadata } })}\n`);
  };
  req.on('close', close);
  res.on('error', close);
  try {
    cancel = store.watch(r, { namespace, label, field }, q.resourceVersion, send);
  } catch (err) {
    if (err instanceof ApiError) {
      write(`${JSON.stringify({ type: 'ERROR', object: statusBody(err) })}\n`);
      close();
      return;
    }
    throw err;
  }
  if (q.sendInitialEvents && q.allowWatchBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  if (q.allowWatchBookmarks) {
    const tick = (): void => {
      if (closed) return;
      bookmark();
      bookmarkTimer = clock.setTimer(tick, ctx.bookmarkIntervalMs);
    };
    bookmarkTimer = clock.setTimer(tick, ctx.bookmarkIntervalMs);
  }
  const timeoutMs = q.timeoutSeconds !== undefined && q.timeoutSeconds > 0 ? q.timeoutSeconds * 1000 : (1800 + Math.floor(Math.random() * 1800)) * 1000;
  if (!closed) timeoutTimer = clock.setTimer(close, timeoutMs);
}
