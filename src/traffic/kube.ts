/**
 * The routers' one door to the API server: plain-JSON CRUD over HTTP through
 * @kubernetes/client-node's CustomObjectsApi (which serves any group, including
 * networking.k8s.io Ingresses, as plain JSON so nothing a person wrote is lost in a model
 * round-trip), API failures typed by the controller's one adapter (`toApiError`; decide with
 * `instanceof ConflictError`, `NotFoundError`, ...), and read-modify-write with bounded
 * retries on 409.
 *
 * Cancellation: every request carries the caller's AbortSignal through a per-request
 * middleware (`RequestContext.setSignal`), so an abort cancels the HTTP call in flight.
 */
import { CustomObjectsApi, Observable, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware } from '@kubernetes/client-node';
import { ConflictError, KubeApiError, NotFoundError, toApiError } from '../controller/index.js';
import type { KubeObject, TrafficContext } from './types.js';

/** A resource type served under `/apis/<group>/<version>`. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

/** A write kept conflicting after every retry. */
export class ConflictRetriesExhaustedError extends Error {
  override name = 'ConflictRetriesExhaustedError';
}

/** The controller's one adapter from client-node failures to typed errors, with what was being done. */
function toKubeError(err: unknown, what: string): Error {
  const mapped = toApiError(err);
  if (mapped instanceof KubeApiError) mapped.message = `${what}: ${mapped.message}`;
  return mapped;
}

/** How many times a read-modify-write is attempted before giving up on 409s. */
export const MAX_WRITE_ATTEMPTS = 5;

/** Request options that attach `signal` to one request (the object-parameter API's observable middleware). */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** Plain-JSON access to one resource type in one cluster. */
export class ResourceClient {
  private readonly api: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    readonly type: ResourceType,
    private readonly fieldManager: string,
    api?: CustomObjectsApi,
  ) {
    this.api = api ?? kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private where(namespace: string, name: string): string {
    return `${this.type.kind} ${namespace}/${name}`;
  }

  private params(namespace: string): { group: string; version: string; plural: string; namespace: string } {
    return { group: this.type.group, version: this.type.version, plural: this.type.plural, namespace };
  }

  /** The object, or undefined when it does not exist. */
  async get(namespace: string, name: string, signal: AbortSignal): Promise<KubeObject | undefined> {
    signal.throwIfAborted();
    try {
      return (await this.api.getNamespacedCustomObject({ ...this.params(namespace), name }, withSignal(signal))) as KubeObject;
    } catch (err) {
      const mapped = toKubeError(err, `get ${this.where(namespace, name)}`);
      if (mapped instanceof NotFoundError) return undefined;
      throw mapped;
    }
  }

  /** Replaces the object; its `metadata.resourceVersion` must be current (409 otherwise). */
  async replace(obj: KubeObject, signal: AbortSignal): Promise<KubeObject> {
    signal.throwIfAborted();
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    try {
      return (await this.api.replaceNamespacedCustomObject(
        { ...this.params(namespace), name, body: obj, fieldManager: this.fieldManager },
        withSignal(signal),
      )) as KubeObject;
    } catch (err) {
      throw toKubeError(err, `update ${this.where(namespace, name)}`);
    }
  }

  /** Creates the object. */
  async create(obj: KubeObject, signal: AbortSignal): Promise<KubeObject> {
    signal.throwIfAborted();
    const namespace = obj.metadata.namespace ?? '';
    try {
      return (await this.api.createNamespacedCustomObject(
        { ...this.params(namespace), body: obj, fieldManager: this.fieldManager },
        withSignal(signal),
      )) as KubeObject;
    } catch (err) {
      throw toKubeError(err, `create ${this.where(namespace, obj.metadata.name ?? '')}`);
    }
  }

  /** Deletes the object, only if its uid is still `uid`; true when it was there. */
  async delete(namespace: string, name: string, uid: string | undefined, signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    try {
      await this.api.deleteNamespacedCustomObject(
        { ...this.params(namespace), name, body: uid ? { preconditions: { uid } } : undefined },
        withSignal(signal),
      );
      return true;
    } catch (err) {
      const mapped = toKubeError(err, `delete ${this.where(namespace, name)}`);
      if (mapped instanceof NotFoundError) return false;
      throw mapped;
    }
  }

  /**
   * Read-modify-write. `mutate` gets a fresh copy of the object and returns the object to write,
   * or undefined when nothing needs to change (then nothing is written). A 409 re-reads and
   * tries again, at most {@link MAX_WRITE_ATTEMPTS} times.
   * @returns the object as written (or as read, when unchanged), undefined when it does not exist.
   */
  async update(
    namespace: string,
    name: string,
    mutate: (obj: KubeObject) => KubeObject | undefined,
    signal: AbortSignal,
  ): Promise<{ object: KubeObject; written: boolean } | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(namespace, name, signal);
      if (!current) return undefined;
      const next = mutate(structuredClone(current));
      if (!next) return { object: current, written: false };
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      try {
        return { object: await this.replace(next, signal), written: true };
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        if (attempt >= MAX_WRITE_ATTEMPTS) {
          throw new ConflictRetriesExhaustedError(
            `update ${this.where(namespace, name)}: still conflicting after ${attempt} attempts`,
            { cause: err },
          );
        }
      }
    }
  }
}

/** A ResourceClient for `type` writing as the context's field manager. */
export function resourceClient(ctx: TrafficContext, type: ResourceType): ResourceClient {
  return new ResourceClient(ctx.kubeConfig, type, ctx.fieldManager, ctx.customObjects);
}

/** `name.namespace` (Argo Rollouts' cross-namespace form) split; bare names use `defaultNamespace`. */
export function splitNameNamespace(ref: string, defaultNamespace: string): { name: string; namespace: string } {
  const dot = ref.indexOf('.');
  if (dot < 0) return { name: ref, namespace: defaultNamespace };
  return { name: ref.slice(0, dot), namespace: ref.slice(dot + 1) };
}
