/**
 * Runnable is one long-running piece of a controller manager (controller-runtime's Runnable).
 * Contract:
 * - `run(signal)` works until `signal` aborts, then finishes what it must (flush, drain) and resolves;
 *   it may also resolve or reject earlier (the manager logs that and does not restart it).
 * - `leaderOnly` runnables run only while this process holds the leader lease (every one of them
 *   starts when leadership is won and is stopped — signal aborted, promise awaited — before the
 *   lease can expire or is released). Without leader election the process is the only leader and
 *   they run from start to stop.
 * - A leader-only runnable may be run again after a lost term: it keeps no state between runs
 *   that it cannot rebuild from the cluster and the ledger.
 */
export interface Runnable {
  readonly name: string;
  readonly leaderOnly: boolean;
  run(signal: AbortSignal): Promise<void>;
}
