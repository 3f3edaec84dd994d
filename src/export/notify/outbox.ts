import type { Instant } from '../../lib/clock.ts';
import type { OutboxMessage } from '../../store/ledger.ts';
import type { Notification } from './message.ts';
import { sinksFor, type Route } from './routing.ts';

/**
 * outboxMessagesFor fans notifications out to the sinks their routes select, one outbox message
 * per (notification, sink), keyed `<releaseId>:<state>/<sink>` so enqueueing twice is a no-op.
 * The payload is the notification itself (the release's state at that change, with the diagnosis);
 * the vendor request is built and signed at delivery time.
 */
export function outboxMessagesFor(notifications: readonly Notification[], routes: readonly Route[], now: Instant): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  for (const n of notifications)
    for (const sink of sinksFor(routes, n)) out.push({ idempotencyKey: `${n.idempotencyKey}/${sink}`, sink, payload: n, notBefore: now, createdAt: now });
  return out;
}

/** RETRY_BASE_MS is the first retry delay; it doubles per attempt (5 s, 10 s, 20 s …). */
export const RETRY_BASE_MS = 5_000;
/** RETRY_CAP_MS caps the delay so a long outage still retries every 10 minutes. */
export const RETRY_CAP_MS = 10 * 60_000;
/** MAX_ATTEMPTS gives up after about a day of retries at the cap (then the entry is `dead`, visible in the ledger). */
export const MAX_ATTEMPTS = 150;

/**
 * nextAttemptAt returns when to retry after `attempts` failed attempts, or null to give up.
 * A receiver's Retry-After wins when it asks for longer. Worked example: attempts 1 → now+5 s,
 * 2 → now+10 s, 8 → now+640 s capped to now+600 s; attempts 150 → null.
 */
export function nextAttemptAt(now: Instant, attempts: number, retryAfterMs = 0): Instant | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return now + Math.max(backoff, retryAfterMs);
}
