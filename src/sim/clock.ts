import type { Instant } from '../lib/clock.ts';

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

/**
 * ManualClock only moves when a test calls `advance`. Timers due within the advanced span run in
 * time order, and `now()` inside a timer callback is that timer's due time.
 */
export class ManualClock implements SimClock {
  #now: Instant;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start: Instant = Date.parse('2026-01-01T00:00:00Z')) {
    this.#now = start;
  }

  now(): Instant {
    return this.#now;
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** advance moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#nextDue(until);
      if (!next) break;
      this.#now = next.at;
      next.fn();
    }
    this.#now = until;
  }

  /** pendingTimers counts timers not yet run or cancelled (for tests). */
  pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  #nextDue(until: Instant): Timer | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.at > until) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best) best.cancelled = true;
    return best;
  }
}

/** ScaledClockOptions configures a ScaledClock. */
export interface ScaledClockOptions {
  /** Simulated milliseconds per real millisecond. If unset, 1 (real time). */
  readonly speed?: number;
  /** Real clock in ms. If unset, Date.now. */
  readonly realNow?: () => number;
  /** Simulated start instant. If unset, the real clock's now. */
  readonly start?: Instant;
}

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
    this.#simStart = options.start ?? this.#realStart;
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
