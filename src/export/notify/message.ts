import type { Outcome, Release } from '../../model/release.ts';
import type { CanarySummaryView } from '../../model/view/canary-view.ts';

/** ReleaseNotificationState is a release state change that people are told about. */
export type ReleaseNotificationState = 'started' | 'succeeded' | 'failed' | 'rolled-back';

/** CanaryNotificationState is a canary change people are told about. */
export type CanaryNotificationState = 'canary-started' | 'canary-step' | 'canary-paused' | 'canary-promoted' | 'canary-aborted';

/** CANARY_NOTIFICATION_STATES lists them in the order they can happen. */
export const CANARY_NOTIFICATION_STATES: readonly CanaryNotificationState[] = ['canary-started', 'canary-step', 'canary-paused', 'canary-promoted', 'canary-aborted'];

/** CanaryNotification is one canary change to deliver. */
export interface CanaryNotification {
  readonly kind: 'canary';
  readonly idempotencyKey: string;
  readonly state: CanaryNotificationState;
  /** The canary as ledgered after the change. */
  readonly canary: CanarySummaryView;
  /** The step reached or paused at (index 0-based), when the change is about a step. */
  readonly step: { readonly index: number; readonly weight: number; readonly canaryReplicas: number; readonly stableReplicas: number } | null;
  /** Why it paused or aborted; null otherwise. */
  readonly reason: string | null;
  /** The step plan, e.g. "10% → 50% → 100%", on start; null otherwise. */
  readonly plan: string | null;
  /** Deadline of a timed pause (epoch ms); null otherwise. */
  readonly until: number | null;
  /** The stable Deployment's labels, for routing by label. */
  readonly labels: Readonly<Record<string, string>>;
}

/** NotificationState is any state a notification announces: a release's, or a canary's (canary-message.ts). */
export type NotificationState = ReleaseNotificationState | CanaryNotificationState;

/** NOTIFICATION_STATES lists every release state, in the order they can happen. */
export const NOTIFICATION_STATES: readonly ReleaseNotificationState[] = ['started', 'succeeded', 'failed', 'rolled-back'];

/**
 * ReleaseNotification is one message to deliver: one release entering one state. `idempotencyKey` is
 * `<releaseId>:<state>` — a release enters each state at most once, so a replayed or re-enqueued
 * change produces the same key and the outbox delivers it once. Receivers see the key (webhook
 * header `Idempotency-Key`, and in the body) and can deduplicate too.
 */
export interface ReleaseNotification {
  readonly idempotencyKey: string;
  readonly state: ReleaseNotificationState;
  readonly release: Release;
  /** Workload labels, for routing by label. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Notification is one message to deliver: about a release, or about a canary. */
export type Notification = ReleaseNotification | CanaryNotification;

/** isCanaryNotification tells the two apart (outbox payloads of releases predate the `kind` field). */
export const isCanaryNotification = (n: Notification): n is CanaryNotification => (n as { kind?: unknown }).kind === 'canary';

const STATE_OF_OUTCOME: Readonly<Record<Outcome, ReleaseNotificationState | null>> = {
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
): ReleaseNotification[] {
  if (after.backfilled) return [];
  const states: ReleaseNotificationState[] = [];
  if (!before) states.push('started');
  const next = STATE_OF_OUTCOME[after.outcome];
  if (next && next !== 'started' && (!before || before.outcome !== after.outcome)) states.push(next);
  return states.map((state) => ({ idempotencyKey: `${after.id}:${state}`, state, release: after, labels }));
}
