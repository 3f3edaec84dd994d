import type { Instant } from '../../lib/clock.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { Outcome, PhaseName } from '../../model/release.ts';

/**
 * Effect is one change `advance` made to a release, for the shell to act on: persist the release,
 * record a phase span, update metrics, notify on an outcome change. Effects describe what happened;
 * they carry no I/O.
 */
export type Effect =
  | { readonly kind: 'phaseReached'; readonly phase: PhaseName; readonly at: Instant }
  | { readonly kind: 'outcomeChanged'; readonly from: Outcome; readonly to: Outcome }
  | { readonly kind: 'failureChanged'; readonly failure: Diagnosis | null }
  | { readonly kind: 'replicasChanged' }
  | { readonly kind: 'eventsAttached'; readonly count: number }
  | { readonly kind: 'imagesResolved' }
  | { readonly kind: 'actorResolved' };

/** EffectKind is the `kind` of an Effect. */
export type EffectKind = Effect['kind'];
