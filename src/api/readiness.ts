import type { Liveness, Readiness } from './deps.ts';

/** WatchState is what readiness needs of one watch (a subset of the cluster informers' stats). */
export interface WatchState {
  readonly kind: string;
  /** '' for a cluster-wide watch. */
  readonly namespace: string;
  readonly downSince: number | null;
  readonly lastError: string | null;
}

/** DEFAULT_WATCH_DOWN_THRESHOLD_MS is how long a watch may be down before /readyz fails (serve --watch-down-after). */
export const DEFAULT_WATCH_DOWN_THRESHOLD_MS = 30_000;

/**
 * trackerReadiness is ready when the first sync is done and no watch has been down (failing
 * without reopening) for `thresholdMs` or longer; `detail()` names the watches that are
 * (`down: [{watch, downForSeconds, lastError}]`) next to `extra()` (per-watch stats, backlog…).
 */
export function trackerReadiness(o: {
  readonly synced: () => boolean;
  readonly watches: () => readonly WatchState[];
  readonly now: () => number;
  readonly thresholdMs?: number;
  readonly extra?: () => Readonly<Record<string, unknown>>;
}): Readiness {
  const threshold = o.thresholdMs ?? DEFAULT_WATCH_DOWN_THRESHOLD_MS;
  const down = (): { watch: string; downForSeconds: number; lastError: string | null }[] => {
    const now = o.now();
    return o
      .watches()
      .filter((w) => w.downSince !== null && now - w.downSince >= threshold)
      .map((w) => ({ watch: `${w.kind} ${w.namespace === '' ? 'in all namespaces' : `in ${w.namespace}`}`, downForSeconds: Math.round((now - w.downSince!) / 100) / 10, lastError: w.lastError }));
  };
  return {
    isReady: () => o.synced() && down().length === 0,
    detail: () => {
      const d = down();
      return { synced: o.synced(), watchDownThresholdSeconds: threshold / 1000, down: d, ...(d.length ? { reason: `watches down for ${threshold / 1000} s or more: ${d.map((w) => w.watch).join(', ')}` } : {}), ...(o.extra?.() ?? {}) };
    },
  };
}

/** Leadership is what readiness needs to know of the controller manager (controllers/runtime ManagerStatus). */
export interface Leadership {
  readonly leaderElection: boolean;
  readonly identity: string | null;
  readonly leading: boolean;
  readonly holder: string | null;
}

/**
 * leaderReadiness wraps the tracker's readiness for `serve --leader-elect`: the leader is ready as
 * the tracker is (synced, no watch down); a standby, which watches nothing and serves the API from
 * the shared ledger, is ready once it has read the Lease. `detail()` says who leads
 * (`leader`, `identity`, `holder`). Without leader election it is `tracker` unchanged.
 */
export function leaderReadiness(status: () => Leadership, tracker: Readiness): Readiness {
  return {
    isReady: () => {
      const s = status();
      if (!s.leaderElection) return tracker.isReady();
      return s.leading ? tracker.isReady() : s.holder !== null;
    },
    detail: () => {
      const s = status();
      if (!s.leaderElection) return tracker.detail();
      const who = { leader: s.leading, identity: s.identity, holder: s.holder === '' ? null : s.holder };
      return s.leading ? { ...tracker.detail(), ...who } : { ...who, ...(s.holder === null ? { reason: 'the leader Lease has not been read yet' } : {}) };
    },
  };
}

/**
 * livenessReadiness is `r`, and not ready while `liveness` names a failed controller: a process
 * whose tracker or driver stopped serves stale data until it is restarted. `detail()` adds
 * `failed: [{name, error}]` and a reason.
 */
export function livenessReadiness(r: Readiness, liveness: Liveness): Readiness {
  return {
    isReady: () => liveness.failed().length === 0 && r.isReady(),
    detail: () => {
      const failed = liveness.failed();
      if (failed.length === 0) return r.detail();
      return { ...r.detail(), failed, reason: `stopped on their own: ${failed.map((f) => f.name).join(', ')}; restart the process` };
    },
  };
}
