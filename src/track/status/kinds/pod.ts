import { conditionsOf, fieldAt, hasConditionStatus, isUnstructured, stringField, type Unstructured } from '../fields.ts';
import type { KindResult } from '../kind-result.ts';
import { Reason } from '../reasons.ts';
import { verdict } from '../verdict.ts';

/**
 * podStatus decides a Pod's native verdict from its phase: Succeeded or Running+Ready → Current;
 * Failed → Failed; Running, Pending or no phase yet → InProgress (compute.ts adds the diagnosis
 * from the pod's containers and events, which can fail it: crash loop, image pull, unschedulable…).
 */
export function podStatus(p: Unstructured): KindResult {
  const phase = stringField(p, 'status.phase');
  const ready = hasConditionStatus(p, 'Ready', 'True');
  const progress = { desired: 1, updated: 1, ready: ready ? 1 : 0, available: ready ? 1 : 0 };
  const result = (state: 'InProgress' | 'Current' | 'Failed', reason: string, message: string): KindResult => ({ verdict: verdict(state, reason, message, progress) });
  switch (phase) {
    case 'Succeeded':
      return result('Current', Reason.Completed, 'Pod has completed successfully');
    case 'Failed':
      return result('Failed', Reason.PodFailed, `Pod failed: ${failMessage(p)}`);
    case 'Running':
      return ready ? result('Current', Reason.Ready, 'Pod is ready') : result('InProgress', Reason.PodRunningNotReady, 'Pod is running but not ready');
    case 'Pending': {
      const scheduled = conditionsOf(p).find((c) => c.type === 'PodScheduled');
      const why = scheduled?.status === 'False' && scheduled.message !== '' ? `: ${scheduled.message}` : '';
      return result('InProgress', Reason.PodPending, `Pod is pending${why}`);
    }
    default:
      return result('InProgress', Reason.PodNotObserved, phase === '' ? 'Pod has no phase yet' : `Pod is in phase ${phase}`);
  }
}

/** failMessage explains a Failed pod: status.message, else the first container terminated with an error. */
function failMessage(p: Unstructured): string {
  const message = stringField(p, 'status.message');
  if (message !== '') return message;
  const statuses = [fieldAt(p, 'status.initContainerStatuses'), fieldAt(p, 'status.containerStatuses')].flatMap((v) => (Array.isArray(v) ? v.filter(isUnstructured) : []));
  for (const c of statuses) {
    const t = fieldAt(c, 'state.terminated');
    const code = fieldAt(t, 'exitCode');
    if (isUnstructured(t) && typeof code === 'number' && code !== 0) {
      const reason = stringField(t, 'reason');
      return `container ${stringField(c, 'name')} exited with code ${code}${reason === '' ? '' : ` (${reason})`}`;
    }
  }
  return stringField(p, 'status.reason') || 'no reason given';
}
