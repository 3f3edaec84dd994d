import type { Condition } from '../../../kube/types.ts';
import type { Instant } from '../../../lib/clock.ts';
import { specReplicas, type Deployment, type DeploymentStatus, type ReplicaSet } from '../apps.ts';
import {
  Message,
  Reason,
  fromReplicaSetCondition,
  getCondition,
  newCondition,
  removeCondition,
  setCondition,
} from './conditions.ts';
import { maxUnavailable } from './rolling.ts';

/**
 * Deployment status computation (Kubernetes `sync.go` `calculateStatus`, `progress.go`
 * `syncRolloutStatus`, `deployment_util.go`). Pure: `now` is a parameter.
 */

/** MAX_INT32 is the value of progressDeadlineSeconds / revisionHistoryLimit that means "unset". */
export const MAX_INT32 = 2147483647;

/** hasProgressDeadline tells whether the Progressing condition is maintained at all. */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

const sum = (rsList: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number =>
  rsList.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** StatusNumbers are the counters of a Deployment status, zeros included (wire form omits them). */
export interface StatusNumbers {
  readonly observedGeneration: number;
  readonly replicas: number;
  readonly updatedReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly unavailableReplicas: number;
}

/** numbersOf reads the counters of a wire status, absent = 0. */
export function numbersOf(s: DeploymentStatus | undefined): StatusNumbers {
  return {
    observedGeneration: s?.observedGeneration ?? 0,
    replicas: s?.replicas ?? 0,
    updatedReplicas: s?.updatedReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    unavailableReplicas: s?.unavailableReplicas ?? 0,
  };
}

/** toWireStatus renders counters + conditions in the API's field order, dropping zero counters (omitempty). */
export function toWireStatus(n: StatusNumbers, conditions: readonly Condition[], collisionCount: number | undefined): DeploymentStatus {
  return {
    ...(n.observedGeneration ? { observedGeneration: n.observedGeneration } : {}),
    ...(n.replicas ? { replicas: n.replicas } : {}),
    ...(n.updatedReplicas ? { updatedReplicas: n.updatedReplicas } : {}),
    ...(n.readyReplicas ? { readyReplicas: n.readyReplicas } : {}),
    ...(n.availableReplicas ? { availableReplicas: n.availableReplicas } : {}),
    ...(n.unavailableReplicas ? { unavailableReplicas: n.unavailableReplicas } : {}),
    ...(conditions.length > 0 ? { conditions: [...conditions] } : {}),
    ...(collisionCount === undefined ? {} : { collisionCount }),
  };
}

/**
 * calculateStatus derives a Deployment's status from its ReplicaSets: counters summed over all
 * owned ReplicaSets (`updatedReplicas` from the new one), `unavailableReplicas` from their spec,
 * and the Available condition (available ≥ replicas − maxUnavailable).
 */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Instant): DeploymentStatus {
  const available = sum(allRSs, (rs) => rs.status?.availableReplicas ?? 0);
  const total = sum(allRSs, (rs) => rs.spec.replicas ?? 1);
  const numbers: StatusNumbers = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum(allRSs, (rs) => rs.status?.replicas ?? 0),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(allRSs, (rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  const availableCond =
    available >= specReplicas(d) - maxUnavailable(d.spec)
      ? newCondition('Available', 'True', Reason.MinimumReplicasAvailable, Message.available, now)
      : newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, Message.unavailable, now);
  const conditions = setCondition(d.status?.conditions, availableCond);
  return toWireStatus(numbers, conditions, d.status?.collisionCount);
}

/** deploymentComplete: every replica updated and available, none old, and the generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const n = numbersOf(s);
  const want = specReplicas(d);
  return n.updatedReplicas === want && n.replicas === want && n.availableReplicas === want && n.observedGeneration >= (d.metadata.generation ?? 0);
}

/** deploymentProgressing: compared with the stored status, more updated/ready/available or fewer old replicas. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const before = numbersOf(d.status);
  const after = numbersOf(s);
  return (
    after.updatedReplicas > before.updatedReplicas ||
    after.replicas - after.updatedReplicas < before.replicas - before.updatedReplicas ||
    after.readyReplicas > before.readyReplicas ||
    after.availableReplicas > before.availableReplicas
  );
}

/** deploymentTimedOut: the Progressing condition's lastUpdateTime + progressDeadlineSeconds is before now. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Instant): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s.conditions, 'Progressing');
  if (!cond) return false;
  if (cond.reason === Reason.NewReplicaSetAvailable) return false;
  if (cond.reason === Reason.ProgressDeadlineExceeded) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < now;
}

/**
 * replicaFailureOf returns the ReplicaFailure condition to mirror: the new ReplicaSet's first,
 * otherwise the first found on any ReplicaSet.
 */
export function replicaFailureOf(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition | undefined {
  const failure = (rs: ReplicaSet | undefined): Condition | undefined => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  const own = failure(newRS);
  if (own) return fromReplicaSetCondition(own);
  for (const rs of allRSs) {
    const c = failure(rs);
    if (c) return fromReplicaSetCondition(c);
  }
  return undefined;
}

/**
 * rolloutStatus is the status `syncRolloutStatus` writes: calculateStatus, then the Progressing
 * condition (complete → NewReplicaSetAvailable; progress → ReplicaSetUpdated with a fresh
 * lastUpdateTime; no progress past the deadline → ProgressDeadlineExceeded), then ReplicaFailure.
 * Once complete (NewReplicaSetAvailable and no old replicas) Progressing is left alone.
 */
export function rolloutStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Instant): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, now);
  let conditions = s.conditions ?? [];
  if (!hasProgressDeadline(d)) conditions = removeCondition(conditions, 'Progressing');
  const current = getCondition(d.status?.conditions, 'Progressing');
  const n = numbersOf(s);
  const alreadyComplete = n.replicas === n.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
  const name = d.metadata.name ?? '';
  const rsName = newRS?.metadata.name;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    if (deploymentComplete(d, s)) {
      conditions = setCondition(conditions, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, Message.complete(rsName, name), now));
    } else if (deploymentProgressing(d, s)) {
      let cond = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, Message.progressing(rsName, name), now);
      if (current) {
        if (current.status === 'True' && current.lastTransitionTime !== undefined) cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
        conditions = removeCondition(conditions, 'Progressing');
      }
      conditions = setCondition(conditions, cond);
    } else if (deploymentTimedOut(d, { ...s, conditions }, now)) {
      conditions = setCondition(conditions, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, Message.timedOut(rsName, name), now));
    }
  }
  const failure = replicaFailureOf(allRSs, newRS);
  conditions = failure ? setCondition(conditions, failure) : removeCondition(conditions, 'ReplicaFailure');
  return toWireStatus(n, conditions, s.collisionCount);
}

/**
 * stuckRequeueDelay is when to look again for a rollout that may run into its deadline
 * (`requeueStuckDeployment`): null when there is no deadline or no Progressing condition, when the
 * rollout is complete, or when it already timed out; otherwise the time until the deadline plus 1 s.
 */
export function stuckRequeueDelay(d: Deployment, s: DeploymentStatus, now: Instant): number | null {
  const current = getCondition(d.status?.conditions, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return null;
  if (deploymentComplete(d, s) || current.reason === Reason.ProgressDeadlineExceeded) return null;
  const from = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return null;
  const after = from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - now;
  return Math.max(after, 0) + 1000;
}
