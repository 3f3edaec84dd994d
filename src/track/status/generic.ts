import { stringField, type Unstructured } from './fields.ts';
import { Reason } from './reasons.ts';
import { NO_PROGRESS, verdict, type Verdict } from './verdict.ts';

/**
 * genericStatus applies the checks that hold for every kind before its own rules (kstatus
 * generic.go, natively): no object → NotFound; deletionTimestamp set → Terminating. Returns null
 * when the kind's rules must decide.
 */
export function genericStatus(obj: Unstructured | null, notFoundSubject = 'object'): Verdict | null {
  if (obj === null) return verdict('NotFound', Reason.NotFound, `${notFoundSubject} not found`, NO_PROGRESS);
  if (stringField(obj, 'metadata.deletionTimestamp') !== '') return verdict('Terminating', Reason.Terminating, 'deletion in progress (metadata.deletionTimestamp is set)', NO_PROGRESS);
  return null;
}
