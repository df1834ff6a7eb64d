/**
 * Fault injection for the local cluster, settable at runtime by tests (and by CLI flags):
 * added latency, a fraction of requests answered 500 or 429, a fraction of writes answered 409,
 * a lag on watch events (a slow watch cache: clients see writes late), and two actions — cut
 * every open watch stream, compact the history. Faults apply to resource requests (not to
 * discovery, OpenAPI or health endpoints), optionally only to some verbs or resources; the watch
 * lag has a resource list of its own.
 */

/** Limits faults to some requests; an empty or absent list means all. */
export interface FaultScope {
  /** Kubernetes verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs?: string[];
  /** Plural resource names, e.g. `configmaps`, `rollouts`. */
  resources?: string[];
}

/** The hooks faults act through (wired by the cluster). */
export interface FaultHooks {
  cutWatches(): number;
  compact(): void;
}

/** Runtime-settable faults. */
export class Faults {
  /** Milliseconds added before each answer. */
  latencyMs = 0;
  /** Fraction (0..1) of requests answered 500 InternalError. */
  errorRate = 0;
  /** Fraction (0..1) of requests answered 429 TooManyRequests with Retry-After. */
  throttleRate = 0;
  /** Retry-After seconds on injected 429s. */
  retryAfterSeconds = 1;
  /** Fraction (0..1) of writes (create/update/patch/delete) answered 409 Conflict. */
  conflictRate = 0;
  /** Which requests faults apply to. */
  scope: FaultScope = {};
  /**
   * Milliseconds each watch event waits before it is sent (order kept), for the resources in
   * `watchLagResources` (empty: all). A write is answered at once: the writer's own watch
   * sees it late, as behind a busy API server's watch cache.
   */
  watchLagMs = 0;
  /** Plural resource names the watch lag applies to; empty means all. */
  watchLagResources: string[] = [];
  /** The random source (replace for deterministic tests). */
  random: () => number = Math.random;

  constructor(private readonly hooks: FaultHooks) {}

  /** Ends every open watch stream now (clients see the stream close); returns how many. */
  cutWatches(): number {
    return this.hooks.cutWatches();
  }

  /** Compacts the history now: any older resourceVersion or continue token answers 410. */
  compact(): void {
    this.hooks.compact();
  }

  /** Back to no faults. */
  reset(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.throttleRate = 0;
    this.retryAfterSeconds = 1;
    this.conflictRate = 0;
    this.scope = {};
    this.watchLagMs = 0;
    this.watchLagResources = [];
  }

  /** The lag for watch events of `resource` (0: none). */
  watchLag(resource: string): number {
    if (this.watchLagMs <= 0) return 0;
    return this.watchLagResources.length === 0 || this.watchLagResources.includes(resource) ? this.watchLagMs : 0;
  }

  /** True when the faults apply to a request of `verb` on `resource`. */
  applies(verb: string, resource: string): boolean {
    const { verbs, resources } = this.scope;
    if (verbs?.length && !verbs.includes(verb)) return false;
    if (resources?.length && !resources.includes(resource)) return false;
    return true;
  }

  /** Decides the injected failure for one request, if any. */
  pick(verb: string): 'error' | 'throttle' | 'conflict' | undefined {
    if (this.errorRate > 0 && this.random() < this.errorRate) return 'error';
    if (this.throttleRate > 0 && this.random() < this.throttleRate) return 'throttle';
    const write = verb === 'create' || verb === 'update' || verb === 'patch' || verb === 'delete' || verb === 'deletecollection';
    if (write && this.conflictRate > 0 && this.random() < this.conflictRate) return 'conflict';
    return undefined;
  }
}
