/**
 * The contract between the local cluster's API server (store, REST, watch) and the in-process
 * simulated controllers that run beside it (ReplicaSet and Deployment controllers, kubelet,
 * garbage collector). The controllers act on the store directly, as the kube-controller-manager
 * would through the API: every write goes through the same rules (resourceVersion, generation,
 * validation, watch events) as a write over HTTP.
 */

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Identifies a resource type: group ('' for core), version and plural resource name. */
export interface ResourceKey {
  group: string;
  version: string;
  resource: string;
}

/** What the store knows of a resource type. */
export interface ResourceInfo extends ResourceKey {
  kind: string;
  listKind: string;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
  /** Subresources served: 'status' and/or 'scale'. */
  subresources: Array<'status' | 'scale'>;
}

/** A change as delivered to in-process subscribers (after it is committed). */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceInfo;
  object: KubeObject;
}

/**
 * In-process access to the cluster's objects. Every method applies the API server's rules and
 * throws {@link ApiError} (with the HTTP code and a Kubernetes Status reason) where the API
 * server would answer with an error.
 */
export interface ObjectStore {
  /** Resolves group/version/resource (or kind) to what is served; undefined when not served. */
  resourceFor(apiVersion: string, kind: string): ResourceInfo | undefined;
  get(res: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  list(res: ResourceKey, namespace?: string, labelSelector?: string): KubeObject[];
  create(res: ResourceKey, obj: KubeObject): KubeObject;
  /** Replaces the object; `obj.metadata.resourceVersion`, when set, must match (409 otherwise). */
  update(res: ResourceKey, obj: KubeObject): KubeObject;
  /** Replaces only `.status` (the status subresource). */
  updateStatus(res: ResourceKey, obj: KubeObject): KubeObject;
  /**
   * Deletes as the API does: with finalizers, sets deletionTimestamp and keeps the object;
   * without, removes it. Returns the object as last seen.
   */
  delete(res: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Every committed change, in order. Returns an unsubscribe function. */
  subscribe(listener: (ev: StoreEvent) => void): () => void;
}

/** An error the API server answers with; `code` is the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
