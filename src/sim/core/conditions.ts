import type { Condition } from '../../kube/types.ts';
import { records, text } from './fields.ts';

/** ConditionInput is a condition to set; timestamps are filled in by `setCondition`. */
export interface ConditionInput {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

/**
 * setCondition returns `conditions` with `cond` set: a new `lastTransitionTime` only when the status
 * changes, `lastProbeTime: null` as the kubelet and scheduler write it. Other conditions keep their
 * order; a new type is appended. `conditions` is any wire value (missing → none).
 */
export function setCondition(conditions: unknown, cond: ConditionInput, timestamp: string): Condition[] {
  const current = records(conditions) as unknown as readonly Condition[];
  const old = current.find((c) => c.type === cond.type);
  const next: Condition = {
    type: cond.type,
    status: cond.status,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === cond.status ? (old.lastTransitionTime ?? timestamp) : timestamp,
    ...(cond.reason === undefined ? {} : { reason: cond.reason }),
    ...(cond.message === undefined ? {} : { message: cond.message }),
  };
  return old ? current.map((c) => (c.type === cond.type ? next : c)) : [...current, next];
}

/** conditionStatus reads the status of condition `type` from wire conditions, or undefined. */
export function conditionStatus(conditions: unknown, type: string): string | undefined {
  return text(records(conditions).find((c) => c.type === type)?.status);
}
