import type { Instant } from '../../../lib/clock.ts';
import { conditionsOf, fieldAt, groupKindOf, hasInt, intField, isUnstructured, kindOf, stringField, type BasicCondition, type Unstructured } from '../fields.ts';
import { kstatusKindRules, type KstatusResult } from './kstatus-kinds.ts';

/** KstatusStatus is one of kstatus's statuses. */
export type KstatusStatus = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

/**
 * KstatusView is the verdict as `sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute` gives it:
 * status, message, and the standard conditions it computes (Reconciling with InProgress, Stalled
 * with Failed) — the conditions `status.Augment` would add to the object.
 */
export interface KstatusView {
  readonly status: KstatusStatus;
  readonly message: string;
  readonly conditions: readonly { readonly type: string; readonly status: string; readonly reason: string }[];
}

/**
 * kstatusView computes kstatus's verdict (kubernetes.md §5; cli-utils status.go, generic.go,
 * core.go): deletionTimestamp → Terminating; observedGeneration present and ≠ generation →
 * InProgress LatestGenerationNotObserved; a Reconciling=True or Stalled=True condition decides;
 * then the kind's rules; kinds without rules are Current. A case kstatus reports as an error
 * (e.g. an unknown pod phase) becomes Unknown with the error as message. `now` replaces
 * kstatus's wall clock in the pod scheduling window.
 */
export function kstatusView(obj: Unstructured | null, now: Instant): KstatusView {
  if (obj === null) return { status: 'NotFound', message: 'Resource not found', conditions: [] };
  return toView(compute(obj, now));
}

function compute(obj: Unstructured, now: Instant): KstatusResult {
  if (stringField(obj, 'metadata.deletionTimestamp') !== '') return { status: 'Terminating', message: 'Resource scheduled for deletion', conditions: [] };
  const generation = checkGeneration(obj);
  if (generation) return generation;
  const standard = standardCondition(conditionsOf(obj));
  if (standard) return standard;
  const rules = kstatusKindRules[groupKindOf(obj)];
  return rules ? rules(obj, now) : { status: 'Current', message: 'Resource is current', conditions: [] };
}

function checkGeneration(obj: Unstructured): KstatusResult | null {
  const observedField = fieldAt(obj, 'status.observedGeneration');
  if (!hasInt(obj, 'metadata.generation') || observedField === undefined || observedField === null) return null;
  const generation = intField(obj, 'metadata.generation', 0);
  if (typeof observedField !== 'number' || !Number.isInteger(observedField))
    return { status: 'Unknown', message: 'looking up status.observedGeneration from resource: field is not an integer', conditions: [] };
  if (observedField === generation) return null;
  const message = `${kindOf(obj)} generation is ${generation}, but latest observed generation is ${observedField}`;
  return { status: 'InProgress', message, conditions: [{ type: 'Reconciling', status: 'True', reason: 'LatestGenerationNotObserved', message }] };
}

function standardCondition(conditions: readonly BasicCondition[]): KstatusResult | null {
  for (const c of conditions) {
    if (c.type === 'Reconciling' && c.status === 'True')
      return { status: 'InProgress', message: c.message, conditions: [{ type: 'Reconciling', status: 'True', reason: c.reason, message: c.message }] };
    if (c.type === 'Stalled' && c.status === 'True')
      return { status: 'Failed', message: c.message, conditions: [{ type: 'Stalled', status: 'True', reason: c.reason, message: c.message }] };
  }
  return null;
}

function toView(r: KstatusResult): KstatusView {
  return { status: r.status, message: r.message, conditions: r.conditions.map((c) => ({ type: c.type, status: c.status, reason: c.reason })) };
}

/** isKstatusObject tells whether a value can be evaluated at all (an object with a kind). */
export function isKstatusObject(v: unknown): v is Unstructured {
  return isUnstructured(v) && kindOf(v) !== '';
}
