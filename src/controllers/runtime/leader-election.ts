import { hostname } from 'node:os';
import type { Clock } from '../../lib/clock.ts';
import { isTrackerError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log.ts';
import type { LeaderRecord, LeaseLock, ObservedLease } from '../../kube/lease.ts';
import type { Elector, ElectorStatus } from './manager.ts';

/** LeaderElectionTimings are client-go's LeaderElectionConfig durations, in ms. */
export interface LeaderElectionTimings {
  /** How long a non-leader waits after it last saw the lease change before it may take it. */
  readonly leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it gives up leading (< leaseDurationMs). */
  readonly renewDeadlineMs: number;
  /** How long between attempts to acquire or renew. */
  readonly retryPeriodMs: number;
}

/** DEFAULT_TIMINGS are client-go's (and kube-controller-manager's) defaults: 15 s, 10 s, 2 s. */
export const DEFAULT_TIMINGS: LeaderElectionTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** JITTER_FACTOR spreads the candidates' retries: each waits retryPeriod · (1 + random · 1.2), as client-go's wait.JitterUntil. */
export const JITTER_FACTOR = 1.2;

/** defaultIdentity names this process: `host_pid`, unique among the candidates of one Lease. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}`;
}

/** checkTimings rejects timings with which a leader could still work after its lease expired. */
export function checkTimings(t: LeaderElectionTimings): string | null {
  if (!(t.retryPeriodMs > 0)) return 'the retry period must be positive';
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) return `the renew deadline must exceed ${JITTER_FACTOR} × the retry period`;
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) return 'the lease duration must exceed the renew deadline';
  return null;
}

/** LeaderElectorOptions configures a LeaderElector. */
export interface LeaderElectorOptions {
  readonly lock: LeaseLock;
  readonly identity: string;
  readonly timings?: LeaderElectionTimings;
  /** Real time: lease expiry is about real processes even when the tracker reads a simulated clock. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Random in [0, 1) for jitter. If unset, Math.random. */
  readonly random?: () => number;
}

/**
 * LeaderElector elects one leader among the processes sharing a Lease, with client-go's semantics
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go):
 * - A candidate tries every retryPeriod (jittered) to acquire: it may take the Lease when nobody
 *   holds it (holderIdentity '', released) or when the record has not changed for the lease
 *   duration *by this process's own clock since it last saw it change* (no clock agreement needed).
 *   Each write is an update guarded by resourceVersion; a conflict means someone else won.
 *   Besides polling, a candidate watches the Lease, so a release is taken up at once, and it tries
 *   again right when the lease it observed expires (not up to a jittered retry period later).
 * - The leader renews every retryPeriod. When no renewal succeeded for renewDeadline (measured
 *   from the moment the last successful one was sent), or it sees another holder, its term ends:
 *   the `term` signal aborts and leader-only work stops — renewDeadline < leaseDuration leaves the
 *   difference for that, so work stops before another process may acquire.
 * - On a clean shutdown (the run signal aborted) it waits for the leader-only work to stop, then
 *   releases the Lease (holderIdentity '', leaseDurationSeconds 1, as client-go's ReleaseOnCancel).
 */
export class LeaderElector implements Elector {
  readonly identity: string;
  readonly #o: LeaderElectorOptions;
  readonly #t: LeaderElectionTimings;
  #observed: ObservedLease | null = null;
  /** When (our clock) the observed record last changed. */
  #observedAt = 0;
  #leading = false;

  constructor(o: LeaderElectorOptions) {
    this.#o = o;
    this.identity = o.identity;
    this.#t = o.timings ?? DEFAULT_TIMINGS;
    const bad = checkTimings(this.#t);
    if (bad) throw new Error(`leader election timings: ${bad}`);
  }

  status(): ElectorStatus {
    return { leading: this.#leading, holder: this.#observed === null ? null : this.#observed.record.holderIdentity };
  }

  async run(signal: AbortSignal, lead: (term: AbortSignal) => Promise<void>): Promise<void> {
    const log = this.#o.logger;
    log.info('leader election: campaigning', { lease: this.#o.lock.describe, identity: this.identity });
    while (!signal.aborted) {
      const acquiredAt = await this.#acquire(signal);
      if (acquiredAt === null) break;
      this.#leading = true;
      log.info('leader election: acquired the lease', { lease: this.#o.lock.describe, identity: this.identity });
      const term = new AbortController();
      const stopRenewing = new AbortController();
      const renewing = this.#renew(acquiredAt, term, AbortSignal.any([signal, stopRenewing.signal]));
      await lead(AbortSignal.any([signal, term.signal]));
      stopRenewing.abort();
      const lastRenew = await renewing;
      this.#leading = false;
      if (term.signal.aborted && !signal.aborted) {
        const margin = lastRenew + this.#t.leaseDurationMs - this.#o.clock.now();
        if (margin < 0) log.error('leader election: leader-only work stopped after the lease could have expired', { lease: this.#o.lock.describe, lateByMs: -margin });
        else log.warn('leader election: lost the lease; leader-only work stopped, campaigning again', { lease: this.#o.lock.describe, marginMs: margin });
      }
    }
    if (signal.aborted) await this.#release();
  }

  /** #acquire tries until it holds the lease (resolves with when the winning request was sent) or `signal` aborts (null). */
  async #acquire(signal: AbortSignal): Promise<number | null> {
    while (!signal.aborted) {
      const sentAt = this.#o.clock.now();
      if (await this.#tryAcquireOrRenew(signal)) return sentAt;
      // client-go waits a jittered retry period; this also tries again right when the observed lease expires.
      let wait = this.#t.retryPeriodMs * (1 + (this.#o.random ?? Math.random)() * JITTER_FACTOR);
      const seen = this.#observed?.record;
      if (seen && seen.holderIdentity !== '' && seen.holderIdentity !== this.identity) {
        const untilExpiry = this.#observedAt + seen.leaseDurationSeconds * 1000 - this.#o.clock.now();
        if (untilExpiry >= 0) wait = Math.min(wait, untilExpiry + 1);
      }
      const nap = new AbortController();
      const wake = AbortSignal.any([signal, nap.signal]);
      // Wake early when the Lease changes (released, or a holder's renewal to re-time expiry).
      const rv = this.#observed?.resourceVersion;
      if (rv) void this.#o.lock.watch(rv, wake).then(() => nap.abort(), () => undefined);
      await this.#o.clock.sleep(wait, wake).catch(() => undefined);
      nap.abort();
    }
    return null;
  }

  /**
   * #renew renews every retryPeriod until `stop` aborts; aborts `term` when renewal failed for
   * renewDeadline or another holder appears. Resolves with when the last successful renewal was sent.
   */
  async #renew(acquiredAt: number, term: AbortController, stop: AbortSignal): Promise<number> {
    let lastRenew = acquiredAt;
    while (!stop.aborted && !term.signal.aborted) {
      await this.#o.clock.sleep(this.#t.retryPeriodMs, stop).catch(() => undefined);
      if (stop.aborted) break;
      const sentAt = this.#o.clock.now();
      const deadline = lastRenew + this.#t.renewDeadlineMs;
      const attempt = AbortSignal.any([stop, AbortSignal.timeout(Math.max(1, deadline - sentAt))]);
      const ok = await this.#tryAcquireOrRenew(attempt).catch(() => false);
      if (ok) {
        lastRenew = sentAt;
        continue;
      }
      const other = this.#observed?.record.holderIdentity;
      if (other !== undefined && other !== '' && other !== this.identity) {
        this.#o.logger.warn('leader election: another process holds the lease', { lease: this.#o.lock.describe, holder: other });
        term.abort();
      } else if (this.#o.clock.now() >= deadline) {
        this.#o.logger.warn('leader election: could not renew the lease within the renew deadline; stopping leader-only work', { lease: this.#o.lock.describe, renewDeadlineMs: this.#t.renewDeadlineMs });
        term.abort();
      }
    }
    return lastRenew;
  }

  /** #tryAcquireOrRenew is one attempt (client-go's tryAcquireOrRenew); false when another holds a valid lease or a write conflicted. */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.#o.clock.now();
    const mine: LeaderRecord = { holderIdentity: this.identity, leaseDurationSeconds: Math.ceil(this.#t.leaseDurationMs / 1000), acquireTime: now, renewTime: now, leaseTransitions: 0 };
    try {
      const current = await this.#o.lock.get(signal);
      if (current === null) {
        this.#see(await this.#o.lock.create(mine, signal), now);
        return true;
      }
      this.#see(current, now);
      const old = current.record;
      const held = old.holderIdentity !== '' && old.holderIdentity !== this.identity;
      if (held && this.#observedAt + old.leaseDurationSeconds * 1000 > now) return false;
      const next: LeaderRecord = old.holderIdentity === this.identity
        ? { ...mine, acquireTime: old.acquireTime ?? now, leaseTransitions: old.leaseTransitions }
        : { ...mine, leaseTransitions: old.leaseTransitions + 1 };
      this.#see(await this.#o.lock.update(current, next, signal), now);
      return true;
    } catch (e) {
      if (isTrackerError(e) && e.code === 'CONFLICT') return false;
      if (!signal.aborted) this.#o.logger.warn('leader election: cannot read or write the lease', { lease: this.#o.lock.describe, error: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** #see records an observed Lease; its observation time moves only when the record changed. */
  #see(lease: ObservedLease, now: number): void {
    const prev = this.#observed?.record;
    const r = lease.record;
    const changed = !prev || prev.holderIdentity !== r.holderIdentity || prev.renewTime !== r.renewTime || prev.acquireTime !== r.acquireTime || prev.leaseTransitions !== r.leaseTransitions || prev.leaseDurationSeconds !== r.leaseDurationSeconds;
    this.#observed = lease;
    if (changed) this.#observedAt = now;
  }

  /** #release gives the lease up if this process still holds it, so a standby takes over at once. */
  async #release(): Promise<void> {
    const signal = AbortSignal.timeout(this.#t.renewDeadlineMs);
    try {
      const current = await this.#o.lock.get(signal);
      if (current?.record.holderIdentity !== this.identity) return;
      const now = this.#o.clock.now();
      this.#see(await this.#o.lock.update(current, { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.record.leaseTransitions }, signal), now);
      this.#o.logger.info('leader election: released the lease', { lease: this.#o.lock.describe, identity: this.identity });
    } catch (e) {
      this.#o.logger.warn('leader election: could not release the lease; a standby takes over once it expires', { lease: this.#o.lock.describe, error: e instanceof Error ? e.message : String(e) });
    }
  }
}
