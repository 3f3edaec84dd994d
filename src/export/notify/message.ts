import type { Outcome, Release } from '../../model/release.ts';

/** NotificationState is a release state change that people are told about. */
export type NotificationState = 'started' | 'succeeded' | 'failed' | 'rolled-back';

/** NOTIFICATION_STATES lists every state, in the order they can happen. */
export const NOTIFICATION_STATES: readonly NotificationState[] = ['started', 'succeeded', 'failed', 'rolled-back'];

/**
 * Notification is one message to deliver: one release entering one state. `idempotencyKey` is
 * `<releaseId>:<state>` — a release enters each state at most once, so a replayed or re-enqueued
 * change produces the same key and the outbox delivers it once. Receivers see the key (webhook
 * header `Idempotency-Key`, and in the body) and can deduplicate too.
 */
export interface Notification {
  readonly idempotencyKey: string;
  readonly state: NotificationState;
  readonly release: Release;
  /** Workload labels, for routing by label. */
  readonly labels: Readonly<Record<string, string>>;
}

const STATE_OF_OUTCOME: Readonly<Record<Outcome, NotificationState | null>> = {
  progressing: 'started',
  paused: null,
  succeeded: 'succeeded',
  failed: 'failed',
  superseded: null,
  'rolled-back': 'rolled-back',
};

/**
 * notificationsFor returns the notifications a release change calls for: `started` when a release
 * is first seen in progress, and one for each final state it enters. `before` is the release as
 * last notified (undefined for a new release). Backfilled releases are history, not news: none.
 * Example: undefined → progressing gives [started]; progressing → failed gives [failed];
 * undefined → succeeded (a fast rollout seen once) gives [started, succeeded].
 */
export function notificationsFor(
  before: Release | undefined,
  after: Release,
  labels: Readonly<Record<string, string>> = {},
): Notification[] {
  if (after.backfilled) return [];
  const states: NotificationState[] = [];
  if (!before) states.push('started');
  const next = STATE_OF_OUTCOME[after.outcome];
  if (next && next !== 'started' && (!before || before.outcome !== after.outcome)) states.push(next);
  return states.map((state) => ({ idempotencyKey: `${after.id}:${state}`, state, release: after, labels }));
}
