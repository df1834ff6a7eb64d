/**
 * The client the CLI operations use: JSON reads and writes over the controller's shared
 * {@link ApiClients} (same auth and error typing), writing as field manager `sluice-cli`, and
 * watches through client-node's `Watch`. Every call takes an `AbortSignal`.
 */
import { Watch } from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import { ApiClients, objectPathOf, sendJson } from './rest.js';
import type { ClusterTarget } from './kubeconfig.js';

/** Field manager of every write the CLI makes. */
export const CLI_FIELD_MANAGER = 'sluice-cli';

/** Content types of the patches the CLI sends. */
export const PatchTypes = { merge: 'application/merge-patch+json', json: 'application/json-patch+json' } as const;
/** One of {@link PatchTypes}. */
export type PatchContentType = (typeof PatchTypes)[keyof typeof PatchTypes];

/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; [k: string]: unknown } };

/** A watch event. */
export interface WatchEvent {
  readonly type: string;
  readonly object: KubeObject;
}

/** The resources the CLI touches: apiVersion and plural. */
export const CliResources = {
  rollouts: { apiVersion: 'sluice.dev/v1alpha1', plural: 'rollouts', kind: 'rollout' },
  analysisRuns: { apiVersion: 'sluice.dev/v1alpha1', plural: 'analysisruns', kind: 'analysisrun' },
  replicaSets: { apiVersion: 'apps/v1', plural: 'replicasets', kind: 'replicaset' },
  deployments: { apiVersion: 'apps/v1', plural: 'deployments', kind: 'deployment' },
} as const;
/** One of {@link CliResources}. */
export type CliResource = (typeof CliResources)[keyof typeof CliResources];

/** The REST path of a collection (all namespaces when `namespace` is undefined). */
export function collectionPathOf(r: CliResource, namespace: string | undefined): string {
  const base = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.plural}`;
}

/** Reads, writes and watches for the CLI in one namespace (or all). */
export class CliClient {
  readonly clients: ApiClients;
  readonly namespace: string;
  readonly server: string;

  constructor(target: ClusterTarget, clock: Clock) {
    this.clients = new ApiClients({ kubeConfig: target.kubeConfig, clock, qps: 50, burst: 100 });
    this.namespace = target.namespace;
    this.server = target.server;
  }

  /** GET one object. */
  get<T = KubeObject>(r: CliResource, name: string, signal: AbortSignal, namespace = this.namespace): Promise<T> {
    return this.clients.getJson<T>(objectPathOf(r.apiVersion, r.plural, namespace, name), {}, signal);
  }

  /** LIST objects (namespace undefined: all namespaces). */
  async list(r: CliResource, signal: AbortSignal, opts: { namespace?: string | undefined; labelSelector?: string } = {}): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const res = await this.clients.getJson<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>(
      collectionPathOf(r, opts.namespace),
      { labelSelector: opts.labelSelector },
      signal,
    );
    return { items: res.items ?? [], resourceVersion: res.metadata?.resourceVersion ?? '' };
  }

  /** PATCH one object (or its `status` subresource). */
  patch<T = KubeObject>(r: CliResource, name: string, body: unknown, signal: AbortSignal, opts: { subresource?: 'status'; type?: PatchContentType } = {}): Promise<T> {
    return sendJson<T>(this.clients, 'PATCH', objectPathOf(r.apiVersion, r.plural, this.namespace, name, opts.subresource), {
      body,
      contentType: opts.type ?? PatchTypes.merge,
      query: { fieldManager: CLI_FIELD_MANAGER },
      signal,
    });
  }

  /** PUT one object (carries its resourceVersion, so a lost race is a 409). */
  put<T = KubeObject>(r: CliResource, name: string, body: unknown, signal: AbortSignal): Promise<T> {
    return sendJson<T>(this.clients, 'PUT', objectPathOf(r.apiVersion, r.plural, this.namespace, name), { body, query: { fieldManager: CLI_FIELD_MANAGER }, signal });
  }

  /**
   * Watches a collection from `resourceVersion` until the server ends the stream, an error
   * occurs, or `signal` aborts. Resolves when the stream ends; rejects on an error.
   */
  async watch(r: CliResource, query: Record<string, string | undefined>, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const watch = new Watch(this.clients.kubeConfig);
    let finish: (err?: unknown) => void = () => undefined;
    const ended = new Promise<void>((resolve, reject) => {
      finish = (err?: unknown) => (err && !signal.aborted ? reject(err) : resolve());
    });
    const path = collectionPathOf(r, query['namespace']);
    const params: Record<string, string | boolean | undefined> = { ...query, namespace: undefined, allowWatchBookmarks: true };
    const ctl = await watch.watch(path, params, (type, obj: KubeObject) => onEvent({ type, object: obj }), (err) => finish(err));
    const onAbort = (): void => {
      ctl.abort();
      finish();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      await ended;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
