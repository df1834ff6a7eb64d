/**
 * Kubernetes Events, recorded once per transition. An Event's name is derived from a key that
 * identifies the transition (the object's uid plus, e.g., revision, attempt, reason, message),
 * so a controller that records it again after a crash or a retried reconcile gets 409
 * AlreadyExists and moves on: no duplicate, and — written before the status that records the
 * transition — no loss either.
 */
import { toRfc3339, type Clock } from '../clock/index.js';
import type { ApiClients } from './apiclient.js';
import { ConflictError } from './errors.js';
import { sendJson } from './rest.js';

/** The object an Event is about. */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

/** What happened. */
export interface EventRecord {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records `e` on `obj` under a name derived from `key`; an Event already recorded is left as is. */
export async function recordEvent(clients: ApiClients, clock: Clock, obj: InvolvedObject, e: EventRecord, key: unknown, signal?: AbortSignal): Promise<void> {
  const now = toRfc3339(clock.now());
  const body = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.name}.${fnv(JSON.stringify([obj.uid, key]))}`, namespace: obj.namespace },
    involvedObject: obj,
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: { component: 'sluice-controller' },
    reportingComponent: 'sluice-controller',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
  try {
    await sendJson(clients, 'POST', `/api/v1/namespaces/${encodeURIComponent(obj.namespace)}/events`, { body, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
}

/** 64-bit FNV-1a as 16 hex characters. */
function fnv(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}
