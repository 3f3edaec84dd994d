import type { Outcome } from './release.ts';

/**
 * The one definition of which outcomes end a rollout. Everything that asks "is this release done?"
 * (ledger merge, metrics, traces, notifications, the tracker's state machine) reads it here.
 */

/** OUTCOMES lists every outcome, non-final first. */
export const OUTCOMES = ['progressing', 'paused', 'succeeded', 'failed', 'superseded', 'rolled-back'] as const satisfies readonly Outcome[];

// Compile-time check that OUTCOMES names every Outcome.
const _everyOutcome: readonly (typeof OUTCOMES)[number][] = [] as Outcome[];

/**
 * FINAL_OUTCOMES end a rollout: everything but `progressing` and `paused`. A release with a final
 * outcome has a `finishedAt`; a later non-final write never replaces a final outcome (store/merge.ts).
 */
export const FINAL_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['succeeded', 'failed', 'superseded', 'rolled-back']);

/**
 * CLOSED_OUTCOMES are the final outcomes that nothing observed later on the release itself can change
 * (a newer release decided them). `succeeded` and `failed` are final but not closed: a failed
 * rollout can still recover, a succeeded one can still fail within its settle window.
 */
export const CLOSED_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['superseded', 'rolled-back']);

/** isFinalOutcome tells whether an outcome ends a rollout (see FINAL_OUTCOMES). */
export function isFinalOutcome(outcome: Outcome): boolean {
  return FINAL_OUTCOMES.has(outcome);
}

/** isClosedOutcome tells whether a release can no longer change outcome through observations of its own (see CLOSED_OUTCOMES). */
export function isClosedOutcome(outcome: Outcome): boolean {
  return CLOSED_OUTCOMES.has(outcome);
}
