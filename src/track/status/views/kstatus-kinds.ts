import type { Instant } from '../../../lib/clock.ts';
import { boolField, conditionsOf, fieldAt, intField, isUnstructured, kindOf, stringField, timeField, type Unstructured } from '../fields.ts';

/** KstatusCondition is one standard condition kstatus computes (Reconciling or Stalled). */
export interface KstatusCondition {
  readonly type: 'Reconciling' | 'Stalled';
  readonly status: 'True';
  readonly reason: string;
  readonly message: string;
}

/** KstatusResult is kstatus's Result: status, message and the computed conditions. */
export interface KstatusResult {
  readonly status: 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'Unknown';
  readonly message: string;
  readonly conditions: readonly KstatusCondition[];
}

/** KstatusRuleFn computes one kind's kstatus result. */
type KstatusRuleFn = (obj: Unstructured, now: Instant) => KstatusResult;

/**
 * SCHEDULE_WINDOW_MS is how long kstatus lets a pod stay unschedulable before reporting it Failed
 * (cli-utils core.go ScheduleWindow = 15 s).
 */
export const SCHEDULE_WINDOW_MS = 15_000;

const inProgress = (reason: string, message: string): KstatusResult => ({ status: 'InProgress', message, conditions: [{ type: 'Reconciling', status: 'True', reason, message }] });
const failed = (reason: string, message: string): KstatusResult => ({ status: 'Failed', message, conditions: [{ type: 'Stalled', status: 'True', reason, message }] });
const current = (message: string): KstatusResult => ({ status: 'Current', message, conditions: [] });
const unknown = (message: string): KstatusResult => ({ status: 'Unknown', message, conditions: [] });
const isTrue = (obj: Unstructured, type: string): boolean => conditionsOf(obj).some((c) => c.type === type && c.status === 'True');

function deployment(d: Unstructured): KstatusResult {
  // Without a progress deadline the controller sets no Progressing condition (MaxInt32 disables it).
  let progressing = intField(d, 'spec.progressDeadlineSeconds', 2147483647) === 2147483647;
  let available = false;
  for (const c of conditionsOf(d)) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return { status: 'Failed', message: 'Progress deadline exceeded', conditions: [{ type: 'Stalled', status: 'True', reason: c.reason, message: c.message }] };
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true;
    }
    if (c.type === 'Available' && c.status === 'True') available = true;
  }
  const spec = intField(d, 'spec.replicas', 1);
  const replicas = intField(d, 'status.replicas', 0);
  const updated = intField(d, 'status.updatedReplicas', 0);
  const ready = intField(d, 'status.readyReplicas', 0);
  const avail = intField(d, 'status.availableReplicas', 0);
  if (spec > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${spec}`);
  if (spec > updated) return inProgress('LessUpdated', `Updated: ${updated}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (updated > avail) return inProgress('LessAvailable', `Available: ${avail}/${updated}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (!progressing) return inProgress('ReplicaSetNotAvailable', 'ReplicaSet not Available');
  if (!available) return inProgress('DeploymentNotAvailable', 'Deployment not Available');
  return current(`Deployment is available. Replicas: ${replicas}`);
}

function replicaSet(rs: Unstructured): KstatusResult {
  if (isTrue(rs, 'ReplicaFailure')) return inProgress('ReplicaFailure', 'Replica Failure condition. Check Pods');
  const spec = intField(rs, 'spec.replicas', 1);
  const replicas = intField(rs, 'status.replicas', 0);
  const ready = intField(rs, 'status.readyReplicas', 0);
  const available = intField(rs, 'status.availableReplicas', 0);
  const labelled = intField(rs, 'status.fullyLabeledReplicas', 0);
  if (spec > labelled) return inProgress('LessLabelled', `Labelled: ${labelled}/${spec}`);
  if (spec > available) return inProgress('LessAvailable', `Available: ${available}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  return current(`ReplicaSet is available. Replicas: ${replicas}`);
}

function statefulSet(s: Unstructured): KstatusResult {
  if (stringField(s, 'spec.updateStrategy.type') === 'OnDelete') return current('StatefulSet is using the ondelete update strategy');
  const spec = intField(s, 'spec.replicas', 1);
  const ready = intField(s, 'status.readyReplicas', 0);
  const currentReplicas = intField(s, 'status.currentReplicas', 0);
  const updated = intField(s, 'status.updatedReplicas', 0);
  const replicas = intField(s, 'status.replicas', 0);
  const partition = intField(s, 'spec.updateStrategy.rollingUpdate.partition', -1);
  if (spec > replicas) return inProgress('LessReplicas', `Replicas: ${replicas}/${spec}`);
  if (spec > ready) return inProgress('LessReady', `Ready: ${ready}/${spec}`);
  if (replicas > spec) return inProgress('ExtraPods', `Pending termination: ${replicas - spec}`);
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress('PartitionRollout', `updated: ${updated}/${spec - partition}`);
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > currentReplicas) return inProgress('LessCurrent', `current: ${currentReplicas}/${spec}`);
  if (stringField(s, 'status.currentRevision') !== stringField(s, 'status.updateRevision')) return inProgress('RevisionMismatch', 'Waiting for updated revision to match current');
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

function daemonSet(d: Unstructured): KstatusResult {
  // kstatus insists both generation fields are set for DaemonSets (checkGenerationSet).
  if (isAbsent(fieldAt(d, 'metadata.generation'))) return inProgress('NoGeneration', `${kindOf(d)} metadata.generation not found`);
  if (isAbsent(fieldAt(d, 'status.observedGeneration'))) return inProgress('NoObservedGeneration', `${kindOf(d)} status.observedGeneration not found`);
  const desired = intField(d, 'status.desiredNumberScheduled', -1);
  const currentN = intField(d, 'status.currentNumberScheduled', 0);
  const updated = intField(d, 'status.updatedNumberScheduled', 0);
  const available = intField(d, 'status.numberAvailable', 0);
  const ready = intField(d, 'status.numberReady', 0);
  if (desired === -1) return inProgress('NoDesiredNumber', 'Missing .status.desiredNumberScheduled');
  if (desired > currentN) return inProgress('LessCurrent', `Current: ${currentN}/${desired}`);
  if (desired > updated) return inProgress('LessUpdated', `Updated: ${updated}/${desired}`);
  if (desired > available) return inProgress('LessAvailable', `Available: ${available}/${desired}`);
  if (desired > ready) return inProgress('LessReady', `Ready: ${ready}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function pod(p: Unstructured, now: Instant): KstatusResult {
  const phase = stringField(p, 'status.phase');
  const conditions = conditionsOf(p);
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully');
    case 'Failed':
      return current('Pod has completed, but not successfully');
    case 'Running': {
      if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return current('Pod is Ready');
      const looping = crashLoopingContainers(p);
      if (looping.length > 0) return failed('ContainerCrashLooping', `Containers in CrashLoop state: ${looping.join(',')}`);
      return inProgress('PodRunningNotReady', 'Pod is running but is not Ready');
    }
    case 'Pending': {
      const c = conditions.find((x) => x.type === 'PodScheduled' && x.status === 'False');
      if (c?.reason === 'Unschedulable') {
        // kstatus gives a pod ScheduleWindow to be scheduled; a missing creationTimestamp is Go's zero time.
        const created = timeField(p, 'metadata.creationTimestamp') ?? -62135596800000;
        if (now - SCHEDULE_WINDOW_MS < created) return inProgress('PodNotScheduled', 'Pod has not been scheduled');
        return failed('PodUnschedulable', 'Pod could not be scheduled');
      }
      return inProgress('PodPending', 'Pod is in the Pending phase');
    }
    case '':
      return inProgress('PodNotObserved', 'Pod phase not available');
    default:
      return unknown(`unknown phase ${phase}`);
  }
}

function crashLoopingContainers(p: Unstructured): string[] {
  const statuses = fieldAt(p, 'status.containerStatuses');
  if (!Array.isArray(statuses)) return [];
  return statuses.filter(isUnstructured).flatMap((cs) => {
    const name = fieldAt(cs, 'name');
    return typeof name === 'string' && stringField(cs, 'state.waiting.reason') === 'CrashLoopBackOff' ? [name] : [];
  });
}

function job(j: Unstructured): KstatusResult {
  const parallelism = intField(j, 'spec.parallelism', 1);
  const completions = intField(j, 'spec.completions', parallelism);
  const succeeded = intField(j, 'status.succeeded', 0);
  const active = intField(j, 'status.active', 0);
  const failedN = intField(j, 'status.failed', 0);
  for (const c of conditionsOf(j)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return current(`Job Completed. succeeded: ${succeeded}/${completions}`);
    if (c.type === 'Failed') return failed('JobFailed', `Job Failed. failed: ${failedN}/${completions}`);
    // Suspended counts only while spec.suspend still asks for it: through a suspend/resume cycle the
    // condition lags the spec, and a Job resumed (suspend false) with Suspended=True still left is
    // on its way back to running, not current (kstatus core.go jobConditions; peer cases core-job*).
    if (c.type === 'Suspended' && boolField(j, 'spec.suspend')) return current('Job is suspended');
  }
  if (stringField(j, 'status.startTime') === '') return inProgress('JobNotStarted', 'Job not started');
  return current(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failedN}`);
}

function service(s: Unstructured): KstatusResult {
  if (stringField(s, 'spec.type', 'ClusterIP') === 'LoadBalancer' && stringField(s, 'spec.clusterIP') === '')
    return inProgress('NoIPAssigned', 'ClusterIP not set. Service type: LoadBalancer');
  return current('Service is ready');
}

function pvc(p: Unstructured): KstatusResult {
  const phase = stringField(p, 'status.phase', 'unknown');
  return phase === 'Bound' ? current('PVC is Bound') : inProgress('NotBound', `PVC is not Bound. phase: ${phase}`);
}

function crd(c: Unstructured): KstatusResult {
  for (const cond of conditionsOf(c)) {
    if (cond.type === 'NamesAccepted' && cond.status === 'False') return failed(cond.reason, cond.message);
    if (cond.type === 'Established') {
      if (cond.status === 'False' && cond.reason !== 'Installing') return failed(cond.reason, cond.message);
      if (cond.status === 'True') return current('CRD is established');
    }
  }
  return inProgress('Installing', 'Install in progress');
}

/** isAbsent treats a missing field and an explicit null alike (YAML `field:` with no value). */
const isAbsent = (v: unknown): boolean => v === undefined || v === null;

const alwaysReady: KstatusRuleFn = () => current('Resource is always ready');
const pdb: KstatusRuleFn = () => current('AllowedDisruptions has been computed.');

/** kstatusKindRules maps "group/Kind" ("Kind" for the core group) to kstatus's rules (cli-utils core.go legacyTypes). */
export const kstatusKindRules: Readonly<Partial<Record<string, KstatusRuleFn>>> = {
  Service: service,
  Pod: pod,
  Secret: alwaysReady,
  PersistentVolumeClaim: pvc,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'extensions/DaemonSet': daemonSet,
  'apps/Deployment': deployment,
  'extensions/Deployment': deployment,
  'apps/ReplicaSet': replicaSet,
  'extensions/ReplicaSet': replicaSet,
  'policy/PodDisruptionBudget': pdb,
  'batch/CronJob': alwaysReady,
  ConfigMap: alwaysReady,
  'batch/Job': job,
  'apiextensions.k8s.io/CustomResourceDefinition': crd,
};
