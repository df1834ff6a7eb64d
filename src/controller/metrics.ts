/**
 * Prometheus metrics on a private prom-client registry (never the global one, so two managers
 * in one process do not collide). {@link ControllerMetrics} also builds the hooks the work
 * queue and the API clients call.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Outcome, QueueHooks } from './queue.js';
import type { RequestObserver } from './apiclient.js';

/** Metric names, for dashboards and tests. */
export const MetricNames = {
  queueDepth: 'sluice_workqueue_depth',
  queueRetries: 'sluice_workqueue_retries_total',
  reconcileDuration: 'sluice_reconcile_duration_seconds',
  reconcileErrors: 'sluice_reconcile_errors_total',
  apiRequests: 'sluice_api_requests_total',
  leader: 'sluice_leader',
} as const;

/** The controller's metrics. */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly depth: Gauge<'controller'>;
  private readonly retries: Counter<'controller'>;
  private readonly duration: Histogram<'controller' | 'result'>;
  private readonly errors: Counter<'controller'>;
  private readonly requests: Counter<'verb' | 'code'>;
  private readonly leader: Gauge;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.depth = new Gauge({ name: MetricNames.queueDepth, help: 'Keys waiting in the work queue.', labelNames: ['controller'], registers });
    this.retries = new Counter({ name: MetricNames.queueRetries, help: 'Keys re-queued with backoff.', labelNames: ['controller'], registers });
    this.duration = new Histogram({
      name: MetricNames.reconcileDuration,
      help: 'Time spent in one reconcile.',
      labelNames: ['controller', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.errors = new Counter({ name: MetricNames.reconcileErrors, help: 'Reconciles that failed.', labelNames: ['controller'], registers });
    this.requests = new Counter({ name: MetricNames.apiRequests, help: 'Kubernetes API requests by verb and HTTP code.', labelNames: ['verb', 'code'], registers });
    this.leader = new Gauge({ name: MetricNames.leader, help: '1 while this instance holds the lease.', registers });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'sluice_' });
  }

  /** Hooks for one controller's work queue. */
  queueHooks(controller: string): QueueHooks {
    this.depth.set({ controller }, 0);
    this.errors.inc({ controller }, 0);
    return {
      depth: (d: number) => this.depth.set({ controller }, d),
      retried: () => this.retries.inc({ controller }),
      reconciled: (outcome: Outcome, seconds: number) => {
        this.duration.observe({ controller, result: outcome }, seconds);
        if (outcome === 'error') this.errors.inc({ controller });
      },
    };
  }

  /** The observer for {@link ApiClients}. */
  readonly requestObserver: RequestObserver = (verb, code) => this.requests.inc({ verb, code });

  /** Sets the leader gauge. */
  setLeader(isLeader: boolean): void {
    this.leader.set(isLeader ? 1 : 0);
  }
}
