import type { Clock } from '../../lib/clock.ts';

/**
 * RateLimiter decides how long an item waits before it is handed out again (client-go's
 * workqueue.TypedRateLimiter): `when` counts a failure and returns the delay, `forget` clears the
 * item's history (call it once the item succeeded), `retries` is how many failures are on record.
 */
export interface RateLimiter<K> {
  when(item: K): number;
  forget(item: K): void;
  retries(item: K): number;
}

/** ExponentialOptions: client-go's DefaultControllerRateLimiter uses 5 ms and 1000 s. */
export interface ExponentialOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/**
 * exponentialRateLimiter is client-go's ItemExponentialFailureRateLimiter: the n-th failure of an
 * item (counting from 0) waits baseMs·2ⁿ, capped at maxMs; items are independent.
 */
export function exponentialRateLimiter<K>(o: ExponentialOptions = {}): RateLimiter<K> {
  const base = o.baseMs ?? 5;
  const max = o.maxMs ?? 1_000_000;
  const failures = new Map<K, number>();
  return {
    when(item) {
      const n = failures.get(item) ?? 0;
      failures.set(item, n + 1);
      // 2^n overflows to Infinity for large n; the cap keeps the result finite.
      return Math.min(max, base * 2 ** n);
    },
    forget: (item) => void failures.delete(item),
    retries: (item) => failures.get(item) ?? 0,
  };
}

/**
 * bucketRateLimiter is client-go's BucketRateLimiter (golang.org/x/time/rate reservations): an
 * overall token bucket of `burst` tokens refilled at `qps`; every `when` takes a token and returns
 * how long until that token exists. It keeps no per-item history.
 */
export function bucketRateLimiter<K>(o: { readonly qps: number; readonly burst: number; readonly clock: Clock }): RateLimiter<K> {
  let tokens = o.burst;
  let last = o.clock.now();
  return {
    when() {
      const now = o.clock.now();
      tokens = Math.min(o.burst, tokens + ((now - last) * o.qps) / 1000);
      last = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : Math.ceil((-tokens / o.qps) * 1000);
    },
    forget: () => undefined,
    retries: () => 0,
  };
}

/** maxOfRateLimiter waits the longest of its limiters (client-go's MaxOfRateLimiter). */
export function maxOfRateLimiter<K>(...limiters: readonly RateLimiter<K>[]): RateLimiter<K> {
  return {
    when: (item) => Math.max(0, ...limiters.map((l) => l.when(item))),
    forget: (item) => limiters.forEach((l) => l.forget(item)),
    retries: (item) => Math.max(0, ...limiters.map((l) => l.retries(item))),
  };
}

/** defaultControllerRateLimiter is client-go's DefaultControllerRateLimiter: per item 5 ms·2ⁿ up to 1000 s, overall 10 qps with a burst of 100. */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return maxOfRateLimiter<K>(exponentialRateLimiter<K>(), bucketRateLimiter<K>({ qps: 10, burst: 100, clock }));
}
