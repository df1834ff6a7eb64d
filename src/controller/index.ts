/**
 * The controller runtime: what every Sluice controller runs on.
 *
 * - {@link Manager}: the root. Builds the clock, API clients, informers, queues, leader
 *   election, /healthz /readyz /metrics; `start(signal)`; graceful shutdown.
 * - {@link Controller}, {@link ControllerContext}, {@link ControllerSetup}: how a reconciler
 *   registers (see registration.ts for a worked example).
 * - {@link Informer}: a resilient list+watch cache. {@link WorkQueue}: the generic queue.
 * - {@link LeaderElector}: Lease-based leader election.
 * - errors: {@link toApiError} and the typed API errors; decide with `instanceof`.
 * - {@link loadKubeConfig}, {@link checkCluster}, {@link StartupError}: finding the cluster.
 * - logger: pino with {@link LogKeys} and {@link objectLogger}.
 */
export { ApiClients, type ApiClientsOptions, type RequestObserver } from './apiclient.js';
export {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  KubeApiError,
  NotFoundError,
  ServerError,
  StartupError,
  TooManyRequestsError,
  UnauthorizedError,
  UnreachableError,
  fromStatus,
  isTransient,
  toApiError,
  type KubeStatus,
  type StatusCause,
} from './errors.js';
export { startHttpEndpoints, type HttpEndpoints, type HttpEndpointsOptions, type ReadinessCheck } from './health.js';
export { Indexers, Informer, InformerEvents, type IndexFn, type InformerEvent, type InformerHandler, type InformerOptions } from './informer.js';
export { joinKey, objectKey, ownerKeys, splitKey } from './keys.js';
export { checkCluster, loadKubeConfig, type KubeConfigSources } from './kubeconfig.js';
export { LeaderElector, type LeaderElectorOptions } from './leader.js';
export { LogKeys, LogLevels, createLogger, keyLogger, objectLogger, silentLogger, type LogLevel, type Logger } from './logger.js';
export { Manager, StopReasons, type LeaderElectionOptions, type ManagerOptions, type StopReason } from './manager.js';
export { ControllerMetrics, MetricNames } from './metrics.js';
export { Outcomes, WorkQueue, type Outcome, type QueueHooks, type ReconcileFn, type ReconcileResult, type WorkQueueOptions } from './queue.js';
export { ExponentialBackoff, TokenBucket } from './ratelimit.js';
export type { Controller, ControllerContext, ControllerSetup, WatchSpec } from './registration.js';
export { INSTANCE_ID_LABEL, Resources, SLUICE_GROUP, apiVersionOf, collectionPath, resourceName, type ResourceRef } from './resources.js';
export { reuseConnections } from './keepalive.js';
export { sendJson, objectPath, PatchType, FIELD_MANAGER, type SendOptions } from './rest.js';
export { recordEvent, type EventRecord, type InvolvedObject } from './events.js';
