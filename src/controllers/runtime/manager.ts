import type { Logger } from '../../lib/log.ts';
import type { Runnable } from './runnable.ts';

/**
 * Elector campaigns for leadership (leader-election.ts implements it on a coordination.k8s.io/v1
 * Lease). Contract of `run(signal, lead)`:
 * - campaigns until `signal` aborts; each time leadership is won it calls `lead(term)` and awaits it;
 * - `term` aborts when leadership ends: renewal failed (early enough that the work stops before the
 *   lease can expire) or `signal` aborted;
 * - after `lead` resolves on a clean shutdown it releases the lease, then `run` resolves.
 * `status()` says what this process knows: whether it leads and who holds the lease.
 */
export interface Elector {
  readonly identity: string;
  run(signal: AbortSignal, lead: (term: AbortSignal) => Promise<void>): Promise<void>;
  status(): ElectorStatus;
}

/** ElectorStatus is the elector's view of the lease. */
export interface ElectorStatus {
  readonly leading: boolean;
  /** The holder last observed ('' when released), or null before the lease was first read. */
  readonly holder: string | null;
}

/** ManagerOptions configures a Manager. */
export interface ManagerOptions {
  readonly logger: Logger;
  /** Leader election; without it this process leads from start to stop. */
  readonly elector?: Elector;
  /** Told whenever leadership starts (true) or ends (false), e.g. for the rollscope_leader metric. */
  readonly onLeading?: (leading: boolean) => void;
}

/** ManagerStatus is what readiness and /readyz report. */
export interface ManagerStatus {
  readonly leaderElection: boolean;
  readonly identity: string | null;
  readonly leading: boolean;
  readonly holder: string | null;
  readonly running: readonly string[];
  /**
   * The runnables that returned or threw while they should have been running, with what they
   * said; sorted by name. A runnable leaves this list when it is started again (a new term).
   */
  readonly failed: readonly RunnableFailure[];
}

/** RunnableFailure is one runnable that stopped before it was asked to. */
export interface RunnableFailure {
  readonly name: string;
  readonly error: string;
}

/**
 * Manager runs Runnables (controller-runtime's manager, kept small).
 * - `start()` starts every always-on runnable at once and campaigns for leadership (or, without an
 *   elector, leads at once); while leading, every leader-only runnable runs with a signal that
 *   aborts when the term ends. Returns at once.
 * - `stop()` shuts down gracefully, in this order: leader-only runnables are stopped and awaited
 *   (they flush while the lease is still held), the lease is released (a standby takes over at once),
 *   then always-on runnables are stopped and awaited. Resolves when everything has returned.
 * - A runnable that returns or throws before it is stopped is logged, not restarted, and listed in
 *   `status().failed`: the others go on (the API keeps serving the ledger), and the process's
 *   liveness (serve's /healthz) fails so that its supervisor — the kubelet's liveness probe —
 *   restarts it, as controller-runtime's managers exit on a runnable's error.
 * Runnables are added before `start`.
 */
export class Manager {
  readonly #o: ManagerOptions;
  readonly #runnables: Runnable[] = [];
  readonly #running = new Set<string>();
  readonly #failed = new Map<string, string>();
  readonly #stopElection = new AbortController();
  readonly #stopAlways = new AbortController();
  #election: Promise<void> | null = null;
  #always: Promise<void>[] = [];
  #leading = false;

  constructor(options: ManagerOptions) {
    this.#o = options;
  }

  add(r: Runnable): this {
    if (this.#election) throw new Error(`runnable ${r.name} added after the manager started`);
    this.#runnables.push(r);
    return this;
  }

  get leading(): boolean {
    return this.#leading;
  }

  status(): ManagerStatus {
    const e = this.#o.elector;
    const s = e?.status();
    return { leaderElection: e !== undefined, identity: e?.identity ?? null, leading: this.#leading, holder: s ? s.holder : null, running: [...this.#running].sort(), failed: [...this.#failed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, error]) => ({ name, error })) };
  }

  start(): void {
    if (this.#election) return;
    this.#always = this.#runnables.filter((r) => !r.leaderOnly).map((r) => this.#run(r, this.#stopAlways.signal));
    const e = this.#o.elector;
    this.#election = e ? e.run(this.#stopElection.signal, (term) => this.#lead(term)) : this.#lead(this.#stopElection.signal);
    this.#election = this.#election.catch((err: unknown) => this.#o.logger.error('leader election stopped with an error', { error: err instanceof Error ? err.message : String(err) }));
  }

  async stop(): Promise<void> {
    this.#stopElection.abort();
    await this.#election;
    this.#stopAlways.abort();
    await Promise.all(this.#always);
  }

  async #lead(term: AbortSignal): Promise<void> {
    this.#setLeading(true);
    try {
      await Promise.all(this.#runnables.filter((r) => r.leaderOnly).map((r) => this.#run(r, term)));
    } finally {
      this.#setLeading(false);
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    if (this.#o.elector) this.#o.logger.info(leading ? 'became the leader: leader-only work starts' : 'leader-only work stopped', { identity: this.#o.elector.identity });
    this.#o.onLeading?.(leading);
  }

  async #run(r: Runnable, signal: AbortSignal): Promise<void> {
    this.#running.add(r.name);
    this.#failed.delete(r.name);
    try {
      await r.run(signal);
      if (!signal.aborted) {
        this.#o.logger.warn('runnable returned before it was stopped', { runnable: r.name });
        this.#failed.set(r.name, 'returned before it was stopped');
      }
    } catch (e) {
      this.#o.logger.error('runnable stopped with an error', { runnable: r.name, error: e instanceof Error ? e.stack : String(e) });
      if (!signal.aborted) this.#failed.set(r.name, e instanceof Error ? e.message : String(e));
    } finally {
      this.#running.delete(r.name);
    }
  }
}
