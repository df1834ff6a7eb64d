/**
 * The Rollout controller's metrics, on the manager's /metrics: the phase of every Rollout (one
 * series per phase, 1 for the current one, as kube-state-metrics does), its canary weight,
 * and transitions by reason (aborts, promotions, steps), counted when their Event is recorded.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { Phase } from '../strategies/index.js';

export const RolloutMetricNames = {
  phase: 'sluice_rollout_phase',
  canaryWeight: 'sluice_rollout_canary_weight',
  transitions: 'sluice_rollout_transitions_total',
} as const;

/** Gauges and counters for Rollouts; forget() drops a deleted Rollout's series. */
export class RolloutMetrics {
  private readonly phase: Gauge<'namespace' | 'name' | 'phase'>;
  private readonly weight: Gauge<'namespace' | 'name'>;
  private readonly transitions: Counter<'namespace' | 'name' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.phase = new Gauge({ name: RolloutMetricNames.phase, help: 'Rollout phase: 1 for the current phase, 0 for the others.', labelNames: ['namespace', 'name', 'phase'], registers });
    this.weight = new Gauge({ name: RolloutMetricNames.canaryWeight, help: 'Traffic weight on the canary, as last written.', labelNames: ['namespace', 'name'], registers });
    this.transitions = new Counter({ name: RolloutMetricNames.transitions, help: 'Rollout transitions by Event reason (RolloutAborted, RolloutCompleted, StepCompleted, ...).', labelNames: ['namespace', 'name', 'reason'], registers });
  }

  /** Records the state a reconcile ended in, and the transitions it made. */
  observe(namespace: string, name: string, phase: string | undefined, weight: number | undefined, reasons: string[]): void {
    for (const p of Object.values(Phase)) this.phase.set({ namespace, name, phase: p }, p === phase ? 1 : 0);
    if (weight !== undefined) this.weight.set({ namespace, name }, weight);
    for (const reason of reasons) this.transitions.inc({ namespace, name, reason });
  }

  forget(namespace: string, name: string): void {
    for (const p of Object.values(Phase)) this.phase.remove({ namespace, name, phase: p });
    this.weight.remove({ namespace, name });
  }
}
