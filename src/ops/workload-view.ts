import type { ControllerRevisionRecord, EventRecord, PodRecord, ReplicaSetRecord, WorkloadRecord } from '../model/records.ts';

/** ClusterRecords is what the waiter holds about a namespace: the workloads' helpers, pods and events. */
export interface ClusterRecords {
  readonly replicaSets: readonly ReplicaSetRecord[];
  readonly revisions: readonly ControllerRevisionRecord[];
  readonly pods: readonly PodRecord[];
  readonly events: readonly EventRecord[];
}

/** WorkloadView is one workload's inputs to computeVerdict: its newest revision's pods and the events about it. */
export interface WorkloadView {
  readonly pods: readonly PodRecord[];
  readonly events: readonly EventRecord[];
}

/**
 * viewOf selects, for one workload record, the pods of its newest revision and the events about
 * the workload, its ReplicaSets and those pods (kubernetes.md §1.2, §3). Pure.
 * - Deployment: the ReplicaSet it controls whose revision equals the Deployment's revision
 *   annotation; its pod-template-hash picks the pods. No such ReplicaSet yet → no pods.
 * - StatefulSet: pods it controls labelled with status.updateRevision (all of them before the
 *   controller reported one).
 * - DaemonSet: pods it controls labelled with the hash of its highest ControllerRevision.
 */
export function viewOf(workload: WorkloadRecord, records: ClusterRecords): WorkloadView {
  const { uid, namespace } = workload;
  const owned = records.pods.filter((p) => p.namespace === namespace && p.owner?.uid === uid);
  const names = new Set([workload.name]);
  let pods: readonly PodRecord[];
  switch (workload.kind) {
    case 'Deployment': {
      const revision = workload.annotations['deployment.kubernetes.io/revision'];
      const mine = records.replicaSets.filter((rs) => rs.namespace === namespace && rs.owner?.uid === uid);
      for (const rs of mine) names.add(rs.name);
      const current = mine.find((rs) => rs.revision === revision);
      pods = current ? records.pods.filter((p) => p.namespace === namespace && p.owner?.uid === current.uid) : [];
      break;
    }
    case 'StatefulSet': {
      const revision = workload.status.updateRevision;
      pods = revision === '' ? owned : owned.filter((p) => p.templateHash === revision);
      break;
    }
    case 'DaemonSet': {
      const newest = [...records.revisions].filter((cr) => cr.namespace === namespace && cr.owner?.uid === uid).sort((a, b) => b.revision - a.revision)[0];
      const hash = newest?.labels['controller-revision-hash'];
      pods = hash === undefined ? owned : owned.filter((p) => p.templateHash === hash);
    }
  }
  for (const p of pods) names.add(p.name);
  const events = records.events.filter((e) => e.involved.namespace === namespace && names.has(e.involved.name));
  return { pods, events };
}

/** StuckPod is a pod of the newest revision that is not progressing, and why (for the progress display). */
export interface StuckPod {
  readonly pod: string;
  readonly reason: string;
  readonly message: string;
}

/** PROGRESSING_WAIT_REASONS are waiting reasons of containers that are merely starting. */
const PROGRESSING_WAIT_REASONS: ReadonlySet<string> = new Set(['ContainerCreating', 'PodInitializing', '']);

/**
 * stuckPods lists the pods that are stuck and why: a container waiting for a reason other than
 * starting (ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError…), or a pod the
 * scheduler could not place. Pure. Example: a pod waiting in ImagePullBackOff →
 * {pod: web-7d9f-abc, reason: ImagePullBackOff, message: Back-off pulling image "web:missing"}.
 */
export function stuckPods(pods: readonly PodRecord[]): StuckPod[] {
  const out: StuckPod[] = [];
  for (const p of pods) {
    const waiting = p.containerStatuses.find((c) => c.state.kind === 'waiting' && !PROGRESSING_WAIT_REASONS.has(c.state.reason));
    if (waiting && waiting.state.kind === 'waiting') {
      out.push({ pod: p.name, reason: waiting.state.reason, message: waiting.state.message });
      continue;
    }
    if (p.scheduledStatus === 'False') out.push({ pod: p.name, reason: p.scheduledReason || 'Unschedulable', message: p.scheduledMessage });
  }
  return out.sort((a, b) => a.pod.localeCompare(b.pod));
}
