import type { Instant } from '../lib/clock.ts';

/**
 * BackoffPolicy shapes retry delays. The defaults are client-go's reflector backoff
 * (NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)): start at 0.8 s, double per failure,
 * cap at 30 s, add up to 100 % random jitter, and start over after 2 minutes without a failure.
 */
export interface BackoffPolicy {
  /** First delay. If unset, 800 ms. */
  readonly initialMs: number;
  /** Growth per consecutive failure. If unset, 2. */
  readonly factor: number;
  /** Largest delay before jitter. If unset, 30 s (client-go's cap: long enough to spare a struggling server, short enough to recover quickly). */
  readonly capMs: number;
  /** Jitter as a fraction of the delay: the delay is d·(1 + jitter·random). If unset, 1.0. */
  readonly jitter: number;
  /** Quiet period after which the delay starts over at `initialMs`. If unset, 2 minutes. */
  readonly resetAfterMs: number;
}

/** DEFAULT_BACKOFF is client-go's reflector policy (see BackoffPolicy). */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 800, factor: 2, capMs: 30_000, jitter: 1.0, resetAfterMs: 120_000 };

/** BackoffState is what the calculator remembers between failures. `failures` counts consecutive failures. */
export interface BackoffState {
  readonly failures: number;
  readonly lastFailureAt: Instant | null;
}

/** INITIAL_BACKOFF is the state before any failure. */
export const INITIAL_BACKOFF: BackoffState = { failures: 0, lastFailureAt: null };

/** BackoffInput is one failure to account for. */
export interface BackoffInput {
  readonly now: Instant;
  /** A number in [0, 1) for the jitter. */
  readonly random: number;
  /** The server's Retry-After, in ms, if it sent one: the delay is never shorter. */
  readonly retryAfterMs?: number;
}

/**
 * nextBackoff computes the delay before the next attempt after a failure, and the new state. Pure.
 * Worked example with the defaults and random = 0.5: failures 0 → 800·1.5 = 1200 ms;
 * 1 → 1600·1.5 = 2400 ms; … 6 → min(51 200, 30 000)·1.5 = 45 000 ms. A Retry-After of 60 s
 * raises any of these to 60 000 ms. If the previous failure was more than 2 minutes ago, the
 * count starts over at 0.
 */
export function nextBackoff(state: BackoffState, input: BackoffInput, policy: BackoffPolicy = DEFAULT_BACKOFF): { readonly delayMs: number; readonly state: BackoffState } {
  const quiet = state.lastFailureAt !== null && input.now - state.lastFailureAt > policy.resetAfterMs;
  const failures = quiet ? 0 : state.failures;
  const base = Math.min(policy.initialMs * policy.factor ** failures, policy.capMs);
  const jittered = base * (1 + policy.jitter * clamp01(input.random));
  const delayMs = Math.round(Math.max(jittered, input.retryAfterMs ?? 0));
  return { delayMs, state: { failures: failures + 1, lastFailureAt: input.now } };
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0);

/**
 * parseRetryAfter reads an HTTP Retry-After header (delay-seconds or an HTTP date) as milliseconds
 * from `now`; undefined when absent or unreadable. Example: '1' → 1000; 'soon' → undefined.
 */
export function parseRetryAfter(header: string | null | undefined, now: Instant): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
