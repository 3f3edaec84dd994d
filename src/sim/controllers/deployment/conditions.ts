import type { Condition } from '../../../kube/types.ts';
import type { Instant } from '../../../lib/clock.ts';
import { rfc3339 } from '../../../lib/timestamps.ts';

/**
 * Deployment conditions: the exact types, reasons and messages of the Kubernetes Deployment
 * controller (`deployment_util.go`, `progress.go`, `sync.go`), and the rules for setting them.
 */

/** ConditionType is a Deployment condition type. */
export type ConditionType = 'Available' | 'Progressing' | 'ReplicaFailure';

/** Reason holds every condition reason the Deployment controller writes. */
export const Reason = {
  /** Progressing=True: the controller created the new ReplicaSet. */
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  /** Progressing=True: a deadline is set but no Progressing condition existed yet. */
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  /** Progressing=True: progress was detected (refreshes lastUpdateTime, the deadline clock). */
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  /** Progressing=True: the rollout is complete. */
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  /** Progressing=False: no progress within progressDeadlineSeconds. */
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  /** Progressing=False: creating the new ReplicaSet failed (the Go constant is FailedRSCreateReason). */
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  /** Progressing=Unknown: `spec.paused` was set. */
  DeploymentPaused: 'DeploymentPaused',
  /** Progressing=Unknown: `spec.paused` was cleared. */
  DeploymentResumed: 'DeploymentResumed',
  /** Available=True. */
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  /** Available=False. */
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Message builds the exact condition messages (Go `%q` renders a double-quoted string). */
export const Message = {
  created: (rs: string): string => `Created new replica set ${goQuote(rs)}`,
  found: (rs: string): string => `Found new replica set ${goQuote(rs)}`,
  progressing: (rs: string | undefined, deployment: string): string =>
    rs === undefined ? `Deployment ${goQuote(deployment)} is progressing.` : `ReplicaSet ${goQuote(rs)} is progressing.`,
  complete: (rs: string | undefined, deployment: string): string =>
    rs === undefined ? `Deployment ${goQuote(deployment)} has successfully progressed.` : `ReplicaSet ${goQuote(rs)} has successfully progressed.`,
  timedOut: (rs: string | undefined, deployment: string): string =>
    rs === undefined ? `Deployment ${goQuote(deployment)} has timed out progressing.` : `ReplicaSet ${goQuote(rs)} has timed out progressing.`,
  createFailed: (rs: string, error: string): string => `Failed to create new replica set ${goQuote(rs)}: ${error}`,
  paused: 'Deployment is paused',
  resumed: 'Deployment is resumed',
  available: 'Deployment has minimum availability.',
  unavailable: 'Deployment does not have minimum availability.',
} as const;

/** goQuote renders a string as Go's `%q` does (JSON quoting matches it for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** newCondition builds a condition with both timestamps at `now` (second precision). */
export function newCondition(
  type: ConditionType,
  status: Condition['status'],
  reason: string,
  message: string,
  now: Instant,
): Condition {
  const at = rfc3339(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** getCondition returns the condition of `type`, if present. */
export function getCondition(conditions: readonly Condition[] | undefined, type: ConditionType): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * setCondition returns conditions with `cond` set, by the Deployment controller's rules: if a
 * condition of that type already has the same status and reason, nothing changes (timestamps
 * kept); if only the reason changes, lastTransitionTime is kept; the new condition goes last.
 */
export function setCondition(conditions: readonly Condition[] | undefined, cond: Condition): readonly Condition[] {
  const list = conditions ?? [];
  const current = list.find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return list;
  const next: Condition =
    current && current.status === cond.status && current.lastTransitionTime !== undefined
      ? { ...cond, lastTransitionTime: current.lastTransitionTime }
      : cond;
  return [...list.filter((c) => c.type !== cond.type), next];
}

/** removeCondition returns conditions without the one of `type`. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: ConditionType): readonly Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/**
 * fromReplicaSetCondition turns a ReplicaSet's ReplicaFailure condition into the Deployment's
 * (`ReplicaSetToDeploymentCondition`): both timestamps are the RS condition's lastTransitionTime.
 */
export function fromReplicaSetCondition(c: Condition): Condition {
  return {
    type: c.type,
    status: c.status,
    ...(c.lastTransitionTime === undefined ? {} : { lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime }),
    ...(c.reason === undefined ? {} : { reason: c.reason }),
    ...(c.message === undefined ? {} : { message: c.message }),
  };
}
