import type { LeaseLock, LeaderRecord, ObservedLease } from '../../kube/lease.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/log.ts';

/**
 * The canary driver's heartbeat: a coordination.k8s.io/v1 Lease (`<lease-name>-canary` next to the
 * leader Lease, DRIVER_LEASE_SUFFIX) that `serve`'s canary Runnable holds and renews while it runs
 * — only while its process leads, since the Runnable is leader-only — and releases when it stops.
 * `rollscope canary` reads it before starting: a fresh heartbeat means a serve drives canaries, so
 * the CLI only records the canary and attaches (shows progress, exits with the outcome) instead of
 * driving it too. It is a separate Lease, not the leader Lease itself, because a serve without
 * --leader-elect leads without any Lease and still drives canaries.
 *
 * The heartbeat only decides who STARTS driving. Safety does not rest on it: whoever drives acts
 * only under the canary's own claim (canary/plan.ts, "Two drivers"), so a stale or missing
 * heartbeat costs at most a CLI that drives where it could have attached, and serve follows it.
 */
export const DRIVER_LEASE_SUFFIX = '-canary';

/**
 * HEARTBEAT_MS is how long one beat holds (renewed every third of it: 432 writes a day). Long on
 * purpose: the beat only tells a starting CLI to record and attach rather than drive, and a CLI
 * that attached to a beat left by a SIGKILLed serve drives the canary itself once nobody has claimed
 * it for --attach-grace (10 s), so a stale beat costs seconds once, while a short one would cost a
 * write every few seconds all day (17,280 a day at 15 s). A graceful stop releases it at once.
 */
export const HEARTBEAT_MS = 10 * 60_000;

/** driverLeaseName is the heartbeat Lease's name for a leader Lease name (`rollscope` → `rollscope-canary`). */
export const driverLeaseName = (leaderLeaseName: string): string => `${leaderLeaseName}${DRIVER_LEASE_SUFFIX}`;

/** freshHolder is the heartbeat's holder when it was renewed within its duration at `now`, else null. */
export function freshHolder(l: ObservedLease | null, now: number): string | null {
  if (l === null || l.record.holderIdentity === '' || l.record.renewTime === null) return null;
  return l.record.renewTime + l.record.leaseDurationSeconds * 1000 > now ? l.record.holderIdentity : null;
}

/** HeartbeatOptions configures runHeartbeat. */
export interface HeartbeatOptions {
  readonly lock: LeaseLock;
  readonly identity: string;
  /** How long a beat holds; renewed every third of it. */
  readonly durationMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * runHeartbeat holds and renews the heartbeat Lease until `signal` aborts, then releases it
 * (holderIdentity ''). A failed write is logged and retried at the next beat (it never stops the
 * driver: a CLI that misses the heartbeat drives under the canary's claim, which is safe).
 */
export async function runHeartbeat(o: HeartbeatOptions, signal: AbortSignal): Promise<void> {
  const seconds = Math.max(1, Math.ceil(o.durationMs / 1000));
  let current: ObservedLease | null = null;
  let warned = false;
  const write = async (holder: string, s: AbortSignal): Promise<void> => {
    current ??= await o.lock.get(s);
    const now = o.clock.now();
    const record: LeaderRecord = {
      holderIdentity: holder,
      leaseDurationSeconds: holder === '' ? 1 : seconds,
      acquireTime: current?.record.holderIdentity === holder ? current.record.acquireTime : now,
      renewTime: now,
      leaseTransitions: (current?.record.leaseTransitions ?? 0) + (current?.record.holderIdentity === holder ? 0 : 1),
    };
    current = current === null ? await o.lock.create(record, s) : await o.lock.update(current, record, s);
  };
  while (!signal.aborted) {
    try {
      await write(o.identity, signal);
      warned = false;
    } catch (e) {
      current = null; // read again (a 409 means another writer; the next beat takes it over)
      if (!signal.aborted && !warned) o.logger.warn('cannot renew the canary driver heartbeat; a rollscope canary started now drives its canary itself', { lease: o.lock.describe, error: e instanceof Error ? e.message : String(e) });
      warned = true;
    }
    await o.clock.sleep(Math.max(200, Math.floor(o.durationMs / 3)), signal).catch(() => undefined);
  }
  try {
    await write('', AbortSignal.timeout(5_000));
  } catch {
    // it expires by itself
  }
}
