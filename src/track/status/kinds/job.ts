import { boolField, conditionsOf, intField, stringField, type Unstructured } from '../fields.ts';
import type { KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict, type Progress } from '../verdict.ts';

/**
 * jobStatus decides a Job's native verdict: Complete=True → Current; Failed=True → Failed;
 * spec.suspend → Paused; resumed but Suspended=True still set → InProgress (Resuming); not started
 * or running → InProgress.
 * Progress: desired = completions (default parallelism, default 1), updated = active + succeeded,
 * ready = active, available = succeeded.
 */
export function jobStatus(j: Unstructured): KindResult {
  const parallelism = intField(j, 'spec.parallelism', 1);
  const completions = intField(j, 'spec.completions', parallelism);
  const succeeded = intField(j, 'status.succeeded', 0);
  const active = intField(j, 'status.active', 0);
  const failed = intField(j, 'status.failed', 0);
  const progress: Progress = { desired: completions, updated: active + succeeded, ready: active, available: succeeded };
  const result = (state: 'InProgress' | 'Current' | 'Failed' | 'Paused', reason: string, message: string): KindResult => ({ verdict: verdict(state, reason, message, progress) });
  const conditions = conditionsOf(j);
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  if (isTrue('Complete')) return result('Current', Reason.Completed, `Job completed: ${succeeded} of ${completions} succeeded`);
  const failedCond = isTrue('Failed');
  if (failedCond) return result('Failed', Reason.JobFailed, `Job failed: ${failedCond.message || failedCond.reason || `${failed} pods failed`}`);
  // Through a suspend/resume cycle the Suspended condition lags spec.suspend (as kstatus reads it):
  // spec.suspend true → Paused; resumed while Suspended=True is still set → resuming, InProgress.
  if (boolField(j, 'spec.suspend')) return result('Paused', Reason.Suspended, 'Job is suspended');
  if (isTrue('Suspended')) return result('InProgress', Reason.Resuming, 'Job is resuming: spec.suspend is false, the controller has not cleared its Suspended condition yet');
  if (stringField(j, 'status.startTime') === '') return result('InProgress', Reason.JobNotStarted, 'Job has not started');
  return result('InProgress', Reason.JobRunning, `Job running: ${active} active, ${succeeded} of ${completions} succeeded, ${failed} failed`);
}
