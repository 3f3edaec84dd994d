import type { SimClock } from '../core/clock.ts';

/**
 * A keyed work queue for the simulated controllers, after client-go's `workqueue`:
 * - a key is queued at most once however often it is added (deduplication);
 * - a key added while it is being processed is processed again afterwards (never concurrently);
 * - `addAfter` delays a key (the earliest pending delay wins), `addRateLimited` backs off
 *   exponentially per key (5 ms · 2^failures, capped), `forget` resets the back-off;
 * - processing never runs inside `add`: it runs from a `clock.schedule(0)` timer, so adding a key
 *   from a store subscriber callback never re-enters the controller.
 * Each drain processes the keys queued when it started, then schedules the next drain if more
 * were added, so a controller that keeps re-queuing itself cannot starve timers.
 */

/** WorkQueueOptions configures a WorkQueue. */
export interface WorkQueueOptions {
  readonly clock: SimClock;
  /** Handles one key. Throwing re-queues the key with back-off (up to `maxRetries`). */
  readonly process: (key: string) => void;
  /** Told about every failed processing (e.g. to log it). */
  readonly onError?: (key: string, error: unknown) => void;
  /** First back-off in ms. If unset, 5 (client-go's default controller rate limiter). */
  readonly baseDelayMs?: number;
  /** Back-off cap in ms. If unset, 1000 s. */
  readonly maxDelayMs?: number;
  /** After this many consecutive failures a key is dropped until added again. If unset, never. */
  readonly maxRetries?: number;
}

interface Delayed {
  readonly at: number;
  readonly cancel: () => void;
}

/** WorkQueue is a deduplicating, delaying, rate-limited queue of keys processed on the simulated clock. */
export class WorkQueue {
  readonly #opts: WorkQueueOptions;
  #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #failures = new Map<string, number>();
  #cancelDrain: (() => void) | undefined;
  #stopped = false;

  constructor(opts: WorkQueueOptions) {
    this.#opts = opts;
  }

  /** add queues `key` for processing unless it is already queued. */
  add(key: string): void {
    if (this.#stopped || this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#scheduleDrain();
  }

  /** addAfter queues `key` after `delayMs` of simulated time; an earlier pending delay for the key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#opts.clock.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.#opts.clock.schedule(delayMs, () => {
      this.#delayed.delete(key);
      this.add(key);
    });
    this.#delayed.set(key, { at, cancel });
  }

  /** addRateLimited queues `key` after its back-off and lengthens the back-off. */
  addRateLimited(key: string): void {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    const base = this.#opts.baseDelayMs ?? 5;
    const max = this.#opts.maxDelayMs ?? 1_000_000;
    this.addAfter(key, Math.min(base * 2 ** n, max));
  }

  /** forget resets the back-off of `key`. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** failures counts the consecutive failures of `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** length counts keys queued now (not delayed ones). */
  get length(): number {
    return this.#queue.length;
  }

  /** stop drops every queued and delayed key; later adds are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#cancelDrain?.();
    this.#cancelDrain = undefined;
    for (const d of this.#delayed.values()) d.cancel();
    this.#delayed.clear();
    this.#queue = [];
    this.#queued.clear();
  }

  #scheduleDrain(): void {
    if (this.#cancelDrain) return;
    this.#cancelDrain = this.#opts.clock.schedule(0, () => {
      this.#cancelDrain = undefined;
      this.#drain();
    });
  }

  #drain(): void {
    const batch = this.#queue;
    this.#queue = [];
    for (const key of batch) {
      if (this.#stopped) return;
      this.#queued.delete(key);
      try {
        this.#opts.process(key);
        this.forget(key);
      } catch (error) {
        this.#opts.onError?.(key, error);
        const max = this.#opts.maxRetries;
        if (max !== undefined && this.failures(key) >= max) this.forget(key);
        else this.addRateLimited(key);
      }
    }
  }
}
