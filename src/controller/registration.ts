/**
 * How a controller plugs into the {@link Manager}: a name, the informers whose events enqueue
 * keys, and a reconcile function. The manager owns the queue, the workers, the retries, the
 * leader gating and the shutdown; the controller owns only its domain logic.
 *
 * @example
 * ```ts
 * export function rolloutController(ctx: ControllerContext): Controller {
 *   const rollouts = ctx.informer<Rollout>(Resources.rollouts);
 *   const replicaSets = ctx.informer<V1ReplicaSet>(Resources.replicaSets);
 *   const apps = ctx.clients.make(AppsV1Api);
 *   return {
 *     name: 'rollout',
 *     watches: [{ informer: rollouts }, { informer: replicaSets, keys: ownerKeys('Rollout') }],
 *     async reconcile(key, signal) {
 *       const { namespace, name } = splitKey(key);
 *       const ro = rollouts.get(namespace, name);
 *       if (!ro) return {};
 *       // ... plan with ctx.clock.now(); write with apps.replaceNamespacedReplicaSet(p, ctx.clients.options(signal))
 *       return { requeueAfter: ctx.scaled(30_000) };
 *     },
 *   };
 * }
 * ```
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock/index.js';
import type { ApiClients } from './apiclient.js';
import type { Informer } from './informer.js';
import type { Logger } from './logger.js';
import type { ReconcileResult } from './queue.js';
import type { ResourceRef } from './resources.js';

/** An informer whose events enqueue keys for a controller. */
export interface WatchSpec<T extends KubernetesObject = KubernetesObject> {
  readonly informer: Informer<T>;
  /** Maps an object to the keys to reconcile; default: the object's own `namespace/name`. */
  readonly keys?: (obj: T) => string[];
  /**
   * On an update, whether the change matters to this controller; default: every update does.
   * E.g. the Rollout controller cares about an AnalysisRun's phase, not each measurement.
   */
  readonly changed?: (obj: T, old: T) => boolean;
}

/** A controller, as registered with {@link ControllerContext.register} or returned by a setup. */
export interface Controller {
  /** Names the queue, the metrics label and the log field. */
  readonly name: string;
  /** Informers whose add/update/delete events enqueue keys. */
  readonly watches: readonly WatchSpec<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Brings `key` (`namespace/name`) to its desired state. Return `{ requeueAfter }` to be called
   * again after that many ms; throw to retry with backoff (a ConflictError retries promptly).
   * `signal` aborts on shutdown and on loss of leadership: pass it to every API call
   * (`ctx.clients.options(signal)`).
   */
  reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult | void>;
  /** Concurrent reconciles; default the manager's `--workers`. */
  readonly workers?: number;
  /** Enqueue every key of the first watch this often (safety net); default none. */
  readonly resyncPeriodMs?: number;
}

/** What a controller setup receives from the manager. */
export interface ControllerContext {
  /** The one clock: read the time only through it, never from the wall clock directly. */
  readonly clock: Clock;
  /** `--time-scale`: every duration the controller waits is divided by it. */
  readonly timeScale: number;
  /** `ms / timeScale`, rounded; use for pauses, bakes, intervals, deadlines, delays. */
  scaled(ms: number): number;
  /** API clients sharing the rate limiter and request metrics. */
  readonly clients: ApiClients;
  readonly logger: Logger;
  /** The registry served at /metrics: controllers register their domain metrics here. */
  readonly metricsRegistry: Registry;
  /** `--namespace` (undefined: all namespaces). */
  readonly namespace: string | undefined;
  /** `--instance-id` (undefined: none). */
  readonly instanceId: string | undefined;
  /**
   * The shared informer for a resource type (one per type per manager). Sluice resources
   * (group sluice.dev) are filtered by the instance-id label when `--instance-id` is set.
   */
  informer<T extends KubernetesObject = KubernetesObject>(resource: ResourceRef): Informer<T>;
  /** Registers a controller; call before the manager starts. */
  register(controller: Controller): void;
}

/** A function that builds controllers from the context; the CLI lists these. */
export type ControllerSetup = (ctx: ControllerContext) => Controller | readonly Controller[];
