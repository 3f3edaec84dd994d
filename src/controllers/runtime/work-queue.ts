import type { Clock } from '../../lib/clock.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';

/**
 * WorkQueue is a rate-limited, de-duplicating queue of keys with client-go's workqueue semantics
 * (k8s.io/client-go/util/workqueue: queue.go, delaying_queue.go, rate_limiting_queue.go):
 * - `add(k)`: a key waiting in the queue is not queued twice; a key being processed (handed out by
 *   `get`, not yet `done`) is not handed out again — a re-add while it is processed is remembered
 *   and queued when `done(k)` is called. Keys come out in the order they were first added.
 * - `addAfter(k, ms)`: adds after a delay; of several pending delays for one key the earliest wins.
 * - `addRateLimited(k)`: adds after the rate limiter's delay for k (per-item exponential back-off,
 *   capped, and an overall bucket by default); `forget(k)` ends k's back-off once it succeeded;
 *   `numRequeues(k)` tells how many failures are on record.
 * - `get()` resolves with the next key, waiting while the queue is empty; it resolves `undefined`
 *   once the queue is shut down and (for `shutDownWithDrain`) nothing is left to hand out.
 * - `shutDown()` stops accepting keys and wakes every waiting `get`; pending delayed adds are
 *   dropped. `shutDownWithDrain()` also resolves only once every handed-out key is `done`.
 * Keys are compared with SameValueZero (strings in practice: `namespace/name`).
 */
export class WorkQueue<K> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  readonly #queue: K[] = [];
  /** Keys that need processing: queued, or re-added while processing. */
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  /** Delayed adds: the due time and the timer of each key. */
  readonly #waiting = new Map<K, { at: number; cancel: AbortController }>();
  readonly #getters: ((k: K | undefined) => void)[] = [];
  #shuttingDown = false;
  #drained: (() => void) | null = null;

  constructor(o: { readonly clock: Clock; readonly rateLimiter?: RateLimiter<K> }) {
    this.#clock = o.clock;
    this.#limiter = o.rateLimiter ?? defaultControllerRateLimiter<K>(o.clock);
  }

  /** len is the number of keys waiting to be handed out (not counting delayed ones or those being processed). */
  get len(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    const getter = this.#getters.shift();
    if (getter) {
      this.#handOut(key);
      getter(key);
    } else this.#queue.push(key);
  }

  addAfter(key: K, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + delayMs;
    const pending = this.#waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel.abort();
    const cancel = new AbortController();
    this.#waiting.set(key, { at, cancel });
    this.#clock.sleep(delayMs, cancel.signal).then(
      () => {
        this.#waiting.delete(key);
        this.add(key);
      },
      () => undefined,
    );
  }

  addRateLimited(key: K): void {
    this.addAfter(key, this.#limiter.when(key));
  }

  forget(key: K): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#limiter.retries(key);
  }

  get(): Promise<K | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#handOut(key);
      return Promise.resolve(key);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  done(key: K): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key)) {
      this.#dirty.delete(key);
      this.add(key);
    }
    if (this.#processing.size === 0) this.#drained?.();
  }

  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const w of this.#waiting.values()) w.cancel.abort();
    this.#waiting.clear();
    if (this.#drained === null) {
      for (const g of this.#getters.splice(0)) g(undefined);
    }
  }

  /** shutDownWithDrain shuts down, keeps handing out queued keys, and resolves once none is queued or being processed. */
  shutDownWithDrain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.#processing.size > 0 || this.#queue.length > 0) return;
        this.#drained = null;
        for (const g of this.#getters.splice(0)) g(undefined);
        resolve();
      };
      this.#drained = check;
      this.shutDown();
      check();
    });
  }

  #handOut(key: K): void {
    this.#processing.add(key);
    this.#dirty.delete(key);
  }
}
