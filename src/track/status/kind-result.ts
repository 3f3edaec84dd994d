import type { Instant } from '../../lib/clock.ts';
import type { Finding } from './diagnose.ts';
import { hasInt, intField, kindOf, namespaceOf, nameOf, type Unstructured } from './fields.ts';
import type { Verdict } from './verdict.ts';

/**
 * KindResult is what a kind's native rules decide from the object alone: the verdict, and a
 * finding the object itself shows (e.g. a ReplicaFailure condition) for the fail-fast rules.
 */
export interface KindResult {
  readonly verdict: Verdict;
  readonly finding?: Finding;
}

/** KindStatusFn computes one kind's native verdict from the object. Pure. */
export type KindStatusFn = (obj: Unstructured, now: Instant) => KindResult;

/**
 * isGenerationObserved tells whether the controller has seen the latest spec: observedGeneration
 * is present and not behind metadata.generation (an absent generation counts as 0).
 */
export function isGenerationObserved(obj: Unstructured): boolean {
  if (!hasInt(obj, 'status.observedGeneration')) return false;
  return intField(obj, 'metadata.generation', 0) <= intField(obj, 'status.observedGeneration', 0);
}

/** notObservedMessage says which generation the controller has not caught up with. */
export function notObservedMessage(obj: Unstructured): string {
  const gen = intField(obj, 'metadata.generation', 0);
  return hasInt(obj, 'status.observedGeneration')
    ? `${kindOf(obj)} generation ${gen} not yet observed by its controller (observed ${intField(obj, 'status.observedGeneration', 0)})`
    : `${kindOf(obj)} has not been observed by its controller yet`;
}

/** objectRef names an object for a Diagnosis: `Kind namespace/name`. */
export function objectRef(obj: Unstructured): string {
  const ns = namespaceOf(obj);
  return `${kindOf(obj)} ${ns === '' ? '' : `${ns}/`}${nameOf(obj)}`;
}
