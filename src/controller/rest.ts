/**
 * Raw REST writes through the shared {@link ApiClients} (same limiter, metrics and auth as the
 * typed clients): for subresources and patch types the generated clients make awkward
 * (status PUT, merge patch on any resource). Errors are typed by {@link toApiError}.
 */
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import type { ApiClients } from './apiclient.js';
import { fromStatus, toApiError } from './errors.js';

/** Content types for PATCH. */
export const PatchType = {
  Merge: 'application/merge-patch+json',
  Json: 'application/json-patch+json',
  Strategic: 'application/strategic-merge-patch+json',
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

/** Field manager for every write Sluice makes. */
export const FIELD_MANAGER = 'sluice-controller';

export interface SendOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

/** Sends one request and returns the parsed JSON answer. Writes carry the field manager. */
export async function sendJson<T>(clients: ApiClients, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: SendOptions = {}): Promise<T> {
  const server = clients.kubeConfig.getCurrentCluster()?.server.replace(/\/+$/, '') ?? '';
  const url = new URL(server + path);
  const query = { ...(method === 'GET' || method === 'DELETE' ? {} : { fieldManager: FIELD_MANAGER }), ...(opts.query ?? {}) };
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const ctx = new RequestContext(url.toString(), HttpMethod[method]);
  ctx.setHeaderParam('Accept', 'application/json');
  if (opts.body !== undefined) {
    ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
    ctx.setBody(JSON.stringify(opts.body));
  }
  if (opts.signal) ctx.setSignal(opts.signal);
  try {
    await clients.kubeConfig.applySecurityAuthentication(ctx);
    const res = await clients.configuration.httpApi.send(ctx).toPromise();
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.httpStatusCode >= 400) throw fromStatus(res.httpStatusCode, parsed as Parameters<typeof fromStatus>[1]);
    return parsed as T;
  } catch (err) {
    throw toApiError(err);
  }
}

/** The REST path of one object (or its subresource). */
export function objectPath(apiVersion: string, plural: string, namespace: string | undefined, name: string, subresource?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${plural}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}
