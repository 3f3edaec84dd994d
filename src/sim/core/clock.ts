import type { Instant } from '../../lib/clock.ts';

/**
 * SimClock is the simulated cluster's time. Every controller, the kubelet, event TTLs and the API
 * server's timestamps read it; nothing in `sim/` reads the wall clock directly.
 * - `schedule(delayMs, fn)` runs `fn` once, after `delayMs` of simulated time; the returned
 *   function cancels it (a no-op once it ran).
 * - Timers due at the same instant run in the order they were scheduled.
 */
export interface SimClock {
  now(): Instant;
  schedule(delayMs: number, fn: () => void): () => void;
}

interface Timer {
  readonly at: Instant;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** earlier orders timers by due time, then by scheduling order. */
const earlier = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

/**
 * ManualClock only moves when a test calls `advance`. Timers due within the advanced span run in
 * time order, and `now()` inside a timer callback is that timer's due time. Timers live in a
 * binary min-heap (cancelled ones are dropped lazily when they reach the top), so a simulation
 * with many thousands of pending timers stays O(log n) per timer.
 */
export class ManualClock implements SimClock {
  #now: Instant;
  #seq = 0;
  readonly #heap: Timer[] = [];
  #live = 0;

  constructor(start: Instant = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start;
  }

  now(): Instant {
    return this.#now;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn, cancelled: false };
    this.#push(timer);
    this.#live++;
    return () => {
      if (timer.cancelled) return;
      timer.cancelled = true;
      this.#live--;
    };
  }

  /** advance moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#popDue(until);
      if (!next) break;
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }

  /** pendingTimers counts timers not yet run or cancelled (for tests). */
  pendingTimers(): number {
    return this.#live;
  }

  #popDue(until: Instant): Timer | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (!top || top.at > until) return undefined;
      this.#pop();
      if (top.cancelled) continue;
      top.cancelled = true;
      this.#live--;
      return top;
    }
  }

  #push(t: Timer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && earlier(h[l]!, h[m]!)) m = l;
      if (r < h.length && earlier(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/** ScaledClockOptions configures a ScaledClock. */
export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond. If unset, 1 (real time). */
  readonly speed?: number;
  /** Real clock in ms. If unset, Date.now. */
  readonly realNow?: () => number;
  /**
   * Simulated start instant. If unset: the real clock's now at speed 1; at speed N > 1, now minus
   * (N − 1) × LAG_HORIZON_MS, so simulated time stays behind the wall clock for LAG_HORIZON_MS of
   * real time. Kubernetes clients compute ages from the wall clock; a simulated clock running ahead
   * of it makes every timestamp lie in the future (kubectl shows `<invalid>` ages).
   */
  readonly start?: Instant;
}

/** LAG_HORIZON_MS is how long (real time) a sped-up simulation's clock stays behind the wall clock. */
export const LAG_HORIZON_MS = 2 * 3_600_000;

/**
 * ScaledClock runs simulated time `speed` times faster than real time, on real timers
 * (`--speed N` of `rollscope sim`). Timers are unref'd so they never keep the process alive.
 */
export class ScaledClock implements SimClock {
  readonly speed: number;
  readonly #realNow: () => number;
  readonly #realStart: number;
  readonly #simStart: Instant;

  constructor(options: ScaledClockOptions = {}) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`clock speed must be > 0, got ${this.speed}`);
    this.#realNow = options.realNow ?? Date.now;
    this.#realStart = this.#realNow();
    this.#simStart = options.start ?? this.#realStart - Math.max(0, this.speed - 1) * LAG_HORIZON_MS;
  }

  now(): Instant {
    return this.#simStart + Math.floor((this.#realNow() - this.#realStart) * this.speed);
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, delayMs) / this.speed);
    handle.unref();
    return () => clearTimeout(handle);
  }
}

/** CompressedClockOptions configures a CompressedClock. */
export interface CompressedClockOptions {
  /** How many times faster the simulated world's delays run. If unset, 1. */
  readonly speed?: number;
  /** Real clock in ms. If unset, Date.now. */
  readonly realNow?: () => number;
}

/**
 * CompressedClock is the clock of the simulator a person looks at (`rollscope demo`, `rollscope
 * sim`): every timestamp is the wall clock, and `speed` compresses the simulated world's delays —
 * a timer of `delayMs` fires after `delayMs / speed` real ms. So kubectl ages, the tracker's ledger,
 * `rollscope history` and the dashboard all agree with the machine's clock ("5s ago"), and a rollout
 * whose image pulls and start-ups take simulated seconds finishes in a fraction of them, recorded
 * with the real duration it took. What is measured by comparing timestamps — a Deployment's
 * progressDeadlineSeconds, minReadySeconds, a Job's activeDeadlineSeconds — keeps real time, as the
 * API promises it; only the world's own pacing (pulls, start-up, crashes, back-offs, scenario
 * scripts, event expiry) is sped up. Tests that need a consistent sped-up timeline use ScaledClock.
 */
export class CompressedClock implements SimClock {
  readonly speed: number;
  readonly #realNow: () => number;

  constructor(options: CompressedClockOptions = {}) {
    this.speed = options.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`clock speed must be > 0, got ${this.speed}`);
    this.#realNow = options.realNow ?? Date.now;
  }

  now(): Instant {
    return this.#realNow();
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, delayMs) / this.speed);
    handle.unref();
    return () => clearTimeout(handle);
  }
}
