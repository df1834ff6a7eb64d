/**
 * Leader election on a coordination.k8s.io/v1 Lease, in the manner of client-go:
 *
 * - A candidate reads the Lease every `retryPeriod`. It takes the Lease when it is free (no
 *   holder) or expired: the record has not changed for `leaseDuration` by the candidate's own
 *   clock (no trust in other machines' clocks).
 * - The leader renews every `retryPeriod`. If a renewal has not succeeded within
 *   `renewDeadline`, or a read shows another holder, it stops AT ONCE: the `leading` signal
 *   aborts and `onStoppedLeading` runs, before any further I/O.
 * - Every write carries the resourceVersion it read; a 409 means another candidate won.
 * - {@link LeaderElector.release} clears holderIdentity so a standby takes over at its next
 *   retry instead of waiting out the lease.
 */
import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { ApiClients } from './apiclient.js';
import { ConflictError, NotFoundError, toApiError } from './errors.js';
import { LogKeys, silentLogger, type Logger } from './logger.js';

/** Options for {@link LeaderElector}. */
export interface LeaderElectorOptions {
  readonly api: CoordinationV1Api;
  readonly clients: ApiClients;
  readonly clock: Clock;
  readonly identity: string;
  readonly leaseName: string;
  readonly leaseNamespace: string;
  /** Default 15 s. */
  readonly leaseDurationMs?: number;
  /** Default 10 s; must be less than the lease duration. */
  readonly renewDeadlineMs?: number;
  /** Default 2 s. */
  readonly retryPeriodMs?: number;
  readonly logger?: Logger;
  /** Called once leadership is acquired; `leading` aborts when it is lost or released. */
  readonly onStartedLeading?: (leading: AbortSignal) => void;
  /** Called once, synchronously, when leadership ends (lost, stolen or released). */
  readonly onStoppedLeading?: (reason: string) => void;
  /** Called when the observed holder changes. */
  readonly onNewLeader?: (identity: string) => void;
}

/** Campaigns for, holds, and releases one Lease. */
export class LeaderElector {
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private leading: AbortController | undefined;
  private deadline: TimerHandle | undefined;
  private observed: { holder: string; rv: string; at: number } | undefined;
  private lastHolder = '';

  constructor(private readonly opts: LeaderElectorOptions) {
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = Math.min(opts.renewDeadlineMs ?? 10_000, this.leaseDurationMs);
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.log = (opts.logger ?? silentLogger()).child({ [LogKeys.lease]: `${opts.leaseNamespace}/${opts.leaseName}`, [LogKeys.identity]: opts.identity });
  }

  /** True while this candidate holds the lease. */
  isLeader(): boolean {
    return this.leading !== undefined && !this.leading.signal.aborted;
  }

  /** The holder last observed ('' when free or unknown). */
  currentHolder(): string {
    return this.lastHolder;
  }

  /**
   * Campaigns and renews until `signal` aborts. Resolves when stopped (leadership, if held,
   * is given up through the `leading` signal but not released: call {@link release}).
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let wait = this.retryPeriodMs;
      try {
        wait = await this.tryAcquireOrRenew(signal);
      } catch (raw) {
        if (signal.aborted) break;
        const err = toApiError(raw);
        if (err instanceof ConflictError) this.log.debug('lease write lost a race');
        else this.log.warn({ [LogKeys.err]: err }, 'lease read or write failed');
      }
      try {
        await this.opts.clock.sleep(wait, signal);
      } catch {
        break;
      }
    }
  }

  /**
   * Gives up leadership: stops leading at once, then clears holderIdentity on the Lease. It
   * reads the Lease afresh (a renewal cut short by shutdown may have landed) and writes only
   * while this candidate is still the holder.
   */
  async release(signal?: AbortSignal): Promise<void> {
    const wasLeader = this.isLeader();
    this.stopLeading('released');
    if (!wasLeader) return;
    const { api, clients, clock, identity, leaseName: name, leaseNamespace: namespace } = this.opts;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const lease = await api.readNamespacedLease({ name, namespace }, clients.options(signal));
        if (lease.spec?.holderIdentity !== identity) return;
        const now = new V1MicroTime(clock.now());
        const body: V1Lease = {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        };
        await api.replaceNamespacedLease({ name, namespace, body }, clients.options(signal));
        this.log.info('lease released');
        return;
      } catch (raw) {
        const err = toApiError(raw);
        if (err instanceof ConflictError) continue;
        this.log.warn({ [LogKeys.err]: err }, 'could not release the lease');
        return;
      }
    }
  }

  /** One read (and write when due); returns how long to wait before the next attempt. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<number> {
    const { api, clients, clock, identity, leaseName: name, leaseNamespace: namespace } = this.opts;
    const now = clock.now();
    let current: V1Lease | undefined;
    try {
      current = await api.readNamespacedLease({ name, namespace }, clients.options(signal));
    } catch (raw) {
      if (!(toApiError(raw) instanceof NotFoundError)) throw raw;
    }
    if (signal.aborted) return this.retryPeriodMs;
    const micro = new V1MicroTime(now);
    const durationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    if (!current) {
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: micro, renewTime: micro, leaseTransitions: 0 },
      };
      const created = await api.createNamespacedLease({ namespace, body }, clients.options(signal));
      this.renewed(now, created);
      return this.retryPeriodMs;
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const rv = current.metadata?.resourceVersion ?? '';
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      this.opts.onNewLeader?.(holder);
    }
    if (!this.observed || this.observed.rv !== rv) this.observed = { holder, rv, at: now };
    if (holder !== identity && this.isLeader()) {
      this.stopLeading(`lease taken by ${holder || '(nobody)'}`);
    }
    const leaseMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    const expired = this.observed.at + leaseMs <= now;
    // A standby looks again at the retry period, or right when the lease would expire.
    if (holder && holder !== identity && !expired) return Math.min(this.retryPeriodMs, this.observed.at + leaseMs - now + 1);
    const taking = holder !== identity;
    const body: V1Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        renewTime: micro,
        acquireTime: taking ? micro : (spec.acquireTime ?? micro),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (taking && holder ? 1 : 0),
      },
    };
    const written = await api.replaceNamespacedLease({ name, namespace, body }, clients.options(signal));
    if (signal.aborted) return this.retryPeriodMs;
    this.renewed(now, written);
    return this.retryPeriodMs;
  }

  private renewed(at: number, lease: V1Lease): void {
    const rv = lease.metadata?.resourceVersion ?? '';
    this.observed = { holder: this.opts.identity, rv, at };
    if (this.deadline) this.opts.clock.clearTimer(this.deadline);
    const remaining = at + this.renewDeadlineMs - this.opts.clock.now();
    this.deadline = this.opts.clock.setTimer(() => this.stopLeading('failed to renew the lease before the deadline'), remaining);
    if (this.lastHolder !== this.opts.identity) {
      this.lastHolder = this.opts.identity;
      this.opts.onNewLeader?.(this.opts.identity);
    }
    if (!this.isLeader()) {
      this.leading = new AbortController();
      this.log.info('became leader');
      this.opts.onStartedLeading?.(this.leading.signal);
    }
  }

  private stopLeading(reason: string): void {
    if (this.deadline) this.opts.clock.clearTimer(this.deadline);
    this.deadline = undefined;
    const leading = this.leading;
    if (!leading || leading.signal.aborted) return;
    this.log.warn({ reason }, 'stopped leading');
    leading.abort(new Error(reason));
    this.opts.onStoppedLeading?.(reason);
  }
}
