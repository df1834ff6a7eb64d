/**
 * The root of the controller process. It builds the clock once, the API clients, the shared
 * informers, one work queue per registered controller, leader election and the HTTP
 * endpoints, and runs them until its signal aborts:
 *
 * 1. check the cluster (API reachable, `rollouts.sluice.dev` served);
 * 2. serve /healthz, /readyz, /metrics;
 * 3. start the informers (standbys keep warm caches, so a takeover is immediate);
 * 4. once leading (or at once without leader election), wait for the caches and start the
 *    workers;
 * 5. on abort: stop taking work, abort in-flight reconciles, wait (bounded), release the
 *    lease, stop informers and servers. On loss of leadership: stop acting at once.
 */
import type { Registry } from 'prom-client';
import { reuseConnections } from './keepalive.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CoordinationV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { RealClock, type Clock } from '../clock/index.js';
import { ApiClients } from './apiclient.js';
import { startHttpEndpoints, type HttpEndpoints } from './health.js';
import { Informer } from './informer.js';
import { checkCluster } from './kubeconfig.js';
import { objectKey } from './keys.js';
import { LeaderElector } from './leader.js';
import { LogKeys, silentLogger, type Logger } from './logger.js';
import { ControllerMetrics } from './metrics.js';
import { WorkQueue } from './queue.js';
import type { Controller, ControllerContext, ControllerSetup } from './registration.js';
import { INSTANCE_ID_LABEL, SLUICE_GROUP, resourceName, type ResourceRef } from './resources.js';

/** Leader election settings. */
export interface LeaderElectionOptions {
  /** Default true. */
  readonly enabled?: boolean;
  /** Default `sluice-controller` (suffixed with the instance id when set). */
  readonly leaseName?: string;
  /** Default `default`. */
  readonly leaseNamespace?: string;
  /** Default `<hostname>_<random>`. */
  readonly identity?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

/** Options for {@link Manager}. */
export interface ManagerOptions {
  readonly kubeConfig: KubeConfig;
  /** Default: a {@link RealClock}, built here once. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly namespace?: string;
  readonly instanceId?: string;
  readonly leaderElection?: LeaderElectionOptions;
  /** Default 8080; 0 picks a free port; negative disables. */
  readonly metricsPort?: number;
  /** Default 8081; equal to metricsPort serves both on one port. */
  readonly healthPort?: number;
  readonly host?: string;
  readonly qps?: number;
  readonly burst?: number;
  /** Workers per controller; default 4. */
  readonly workers?: number;
  /** Default 1. */
  readonly timeScale?: number;
  /** How long shutdown waits for in-flight reconciles; default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** Check the API and the CRD before starting; default true. */
  readonly checkCluster?: boolean;
  /** Controllers to build at construction. */
  readonly setups?: readonly ControllerSetup[];
}

/** Why {@link Manager.start} returned. */
export const StopReasons = { shutdown: 'shutdown', leadershipLost: 'leadership-lost' } as const;
/** One of {@link StopReasons}. */
export type StopReason = (typeof StopReasons)[keyof typeof StopReasons];

/** The controller runtime. Implements {@link ControllerContext} for controller setups. */
export class Manager implements ControllerContext {
  readonly clock: Clock;
  readonly timeScale: number;
  readonly clients: ApiClients;
  readonly logger: Logger;
  readonly metrics = new ControllerMetrics();
  get metricsRegistry(): Registry {
    return this.metrics.registry;
  }
  readonly namespace: string | undefined;
  readonly instanceId: string | undefined;
  /** Set once {@link start} has bound the HTTP endpoints. */
  endpoints: HttpEndpoints | undefined;
  /** The leader elector, when leader election is enabled. */
  readonly elector: LeaderElector | undefined;
  private readonly informers = new Map<string, Informer<KubernetesObject>>();
  private readonly controllers: { controller: Controller; queue: WorkQueue }[] = [];
  private readonly stopped = new AbortController();
  private started = false;
  private leadingStarted = false;
  private stopReason: StopReason = StopReasons.shutdown;

  constructor(private readonly opts: ManagerOptions) {
    this.clock = opts.clock ?? new RealClock();
    this.logger = opts.logger ?? silentLogger();
    this.timeScale = opts.timeScale ?? 1;
    this.namespace = opts.namespace || undefined;
    this.instanceId = opts.instanceId || undefined;
    this.metrics.setLeader(false);
    this.clients = new ApiClients({ kubeConfig: reuseConnections(opts.kubeConfig), clock: this.clock, qps: opts.qps, burst: opts.burst, observe: this.metrics.requestObserver });
    const le = opts.leaderElection ?? {};
    if (le.enabled ?? true) {
      this.elector = new LeaderElector({
        api: this.clients.make(CoordinationV1Api),
        clients: this.clients,
        clock: this.clock,
        identity: le.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`,
        leaseName: le.leaseName ?? (this.instanceId ? `sluice-controller-${this.instanceId}` : 'sluice-controller'),
        leaseNamespace: le.leaseNamespace ?? 'default',
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        logger: this.logger,
        onStartedLeading: (leading) => this.startControllers(leading),
        onStoppedLeading: (reason) => this.lostLeadership(reason),
        onNewLeader: (id) => this.logger.info({ leader: id }, 'leader observed'),
      });
    }
    for (const setup of opts.setups ?? []) {
      const built = setup(this);
      for (const c of Array.isArray(built) ? built : [built as Controller]) this.register(c);
    }
  }

  /** `ms / timeScale`, rounded, at least 0. */
  scaled(ms: number): number {
    return Math.max(0, Math.round(ms / this.timeScale));
  }

  informer<T extends KubernetesObject = KubernetesObject>(resource: ResourceRef): Informer<T> {
    const id = `${resourceName(resource)}/${resource.version}`;
    let inf = this.informers.get(id);
    if (!inf) {
      const sharded = resource.group === SLUICE_GROUP && this.instanceId !== undefined;
      inf = new Informer<KubernetesObject>({
        clients: this.clients,
        clock: this.clock,
        resource,
        namespace: resource.namespaced === false ? undefined : this.namespace,
        labelSelector: sharded ? `${INSTANCE_ID_LABEL}=${this.instanceId}` : undefined,
        logger: this.logger,
      });
      this.informers.set(id, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  register(controller: Controller): void {
    if (this.started) throw new Error(`controller ${controller.name} registered after the manager started`);
    if (this.controllers.some((c) => c.controller.name === controller.name)) throw new Error(`controller ${controller.name} registered twice`);
    const queue = new WorkQueue({
      name: controller.name,
      clock: this.clock,
      workers: controller.workers ?? this.opts.workers ?? 4,
      logger: this.logger,
      hooks: this.metrics.queueHooks(controller.name),
      reconcile: (key, signal) => controller.reconcile(key, signal),
    });
    for (const w of controller.watches) {
      const enqueue = (obj: KubernetesObject): void => {
        for (const key of w.keys ? w.keys(obj) : [objectKey(obj)]) if (key) queue.add(key);
      };
      w.informer.on('add', enqueue);
      w.informer.on('update', (obj, old) => {
        if (!w.changed || !old || w.changed(obj, old)) enqueue(obj);
      });
      w.informer.on('delete', enqueue);
    }
    this.controllers.push({ controller, queue });
  }

  /** True while this instance runs the controllers (always true without leader election once started). */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.leadingStarted;
  }

  /** Undefined when ready; otherwise why not (for /readyz). */
  notReadyReason(): string | undefined {
    if (this.stopped.signal.aborted) return 'shutting down';
    const pending = [...this.informers.entries()].filter(([, i]) => !i.hasSynced()).map(([id]) => id);
    if (pending.length > 0) return `caches not synced: ${pending.join(', ')}`;
    return undefined;
  }

  /**
   * Runs until `signal` aborts (graceful shutdown, resolves 'shutdown') or leadership is lost
   * (resolves 'leadership-lost'; the process should exit and restart as a standby). Throws
   * StartupError when the cluster check or the HTTP endpoints fail.
   */
  async start(signal: AbortSignal): Promise<StopReason> {
    if (this.started) throw new Error('manager already started');
    this.started = true;
    const onAbort = (): void => this.stopped.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (this.opts.checkCluster ?? true) await checkCluster(this.clients, this.clock, { signal: this.stopped.signal });
      this.endpoints = await startHttpEndpoints({
        metricsPort: this.opts.metricsPort ?? 8080,
        healthPort: this.opts.healthPort ?? 8081,
        host: this.opts.host,
        registry: this.metrics.registry,
        ready: () => this.notReadyReason(),
        logger: this.logger,
      });
      for (const inf of this.informers.values()) inf.start();
      let electing: Promise<void> = Promise.resolve();
      if (this.elector) electing = this.elector.run(this.stopped.signal);
      else this.startControllers(this.stopped.signal);
      if (!this.stopped.signal.aborted) await new Promise((resolve) => this.stopped.signal.addEventListener('abort', resolve, { once: true }));
      await this.shutdown(electing);
      return this.stopReason;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stopped.abort();
      await Promise.all([...this.informers.values()].map((i) => i.stop()));
      await this.endpoints?.close();
    }
  }

  private startControllers(leading: AbortSignal): void {
    if (this.leadingStarted) return;
    this.leadingStarted = true;
    this.metrics.setLeader(true);
    for (const { controller, queue } of this.controllers) {
      const informers = controller.watches.map((w) => w.informer);
      Promise.all(informers.map((i) => i.waitForSync(leading))).then(
        () => {
          if (leading.aborted) return;
          this.logger.info({ [LogKeys.controller]: controller.name }, 'caches synced; starting workers');
          queue.start();
          this.scheduleResync(controller, queue, leading);
        },
        () => undefined,
      );
    }
  }

  private scheduleResync(controller: Controller, queue: WorkQueue, leading: AbortSignal): void {
    const period = controller.resyncPeriodMs;
    const first = controller.watches[0];
    if (!period || period <= 0 || !first) return;
    const tick = (): void => {
      if (leading.aborted || queue.isShuttingDown()) return;
      for (const obj of first.informer.list()) for (const k of first.keys ? first.keys(obj) : [objectKey(obj)]) queue.add(k);
      this.clock.setTimer(tick, period);
    };
    this.clock.setTimer(tick, period);
  }

  private lostLeadership(reason: string): void {
    this.metrics.setLeader(false);
    if (this.stopped.signal.aborted) return;
    this.logger.error({ reason }, 'leadership lost; stopping at once');
    this.stopReason = StopReasons.leadershipLost;
    for (const { queue } of this.controllers) {
      queue.abortInFlight(new Error(`leadership lost: ${reason}`));
      void queue.shutDown();
    }
    this.stopped.abort(new Error('leadership lost'));
  }

  private async shutdown(electing: Promise<void>): Promise<void> {
    const timeout = this.opts.shutdownTimeoutMs ?? 10_000;
    const drains = this.controllers.map(({ queue }) => queue.shutDown({ abortInFlight: true }));
    const bound = new AbortController();
    const timedOut = this.clock.sleep(timeout, bound.signal).then(
      () => true,
      () => false,
    );
    const late = await Promise.race([Promise.all(drains).then(() => false), timedOut]);
    bound.abort();
    if (late) this.logger.warn({ [LogKeys.durationMs]: timeout }, 'reconciles still running at the shutdown deadline');
    // The election loop must be idle before the release, or a late renewal could undo it.
    await electing;
    if (this.elector && this.stopReason === StopReasons.shutdown) await this.elector.release();
    this.metrics.setLeader(false);
    this.logger.info({ reason: this.stopReason }, 'manager stopped');
  }
}
