import type { PodRecord, WorkloadRecord } from '../../model/records.ts';
import type { Release, ReplicaCounts } from '../../model/release.ts';
import { workloadStatus } from '../status/workload-record.ts';

/**
 * Progress is what the workload's status says about one release's rollout. Counts only apply
 * when the workload currently rolls out this release's template and the controller has observed
 * the latest generation (kubernetes.md §10.1, §10.10); otherwise `applies` is false.
 */
export interface Progress {
  readonly applies: boolean;
  readonly desired: number;
  /** Every pod the controller will update is updated: for a partitioned StatefulSet, the ordinals ≥ partition. */
  readonly allUpdated: boolean;
  readonly allAvailable: boolean;
  /** Complete: the status engine's kind rules say `Current` (track/status/kinds, the same rules as `rollscope status`/`wait`). */
  readonly complete: boolean;
  /** Complete, and no pod left on an older template (false for OnDelete or a partition that keeps old pods). */
  readonly oldReplicasGone: boolean;
  readonly replicas: ReplicaCounts | null;
}

const NOT_APPLICABLE: Progress = { applies: false, desired: 0, allUpdated: false, allAvailable: false, complete: false, oldReplicasGone: false, replicas: null };

/** desiredReplicas is the workload's target pod count: spec.replicas, or desiredNumberScheduled for a DaemonSet. */
export function desiredReplicas(w: WorkloadRecord): number {
  return w.kind === 'DaemonSet' ? w.status.replicas : (w.replicas ?? 1);
}

/** updateTarget is how many pods the controller itself moves to the new template: desired − partition for a partitioned StatefulSet. */
function updateTarget(w: WorkloadRecord, desired: number): number {
  return w.kind === 'StatefulSet' && w.strategy === 'RollingUpdate' ? Math.max(0, desired - w.partition) : desired;
}

/**
 * progressOf reads a release's rollout progress from the workload. Completion is the status
 * engine's verdict (workloadStatus), never a second rule set.
 * Example (Deployment, spec 3): status {replicas 4, updated 3, available 3} → allUpdated, allAvailable,
 * not complete (one old pod left); {3, 3, 3} → complete. StatefulSet partition 2 of 3, one updated
 * and ready → allUpdated, complete, old replicas not gone.
 */
export function progressOf(release: Pick<Release, 'templateHash'>, w: WorkloadRecord): Progress {
  if (w.template.fingerprint !== release.templateHash) return NOT_APPLICABLE;
  if (w.status.observedGeneration < w.generation) return NOT_APPLICABLE;
  const s = w.status;
  const desired = desiredReplicas(w);
  const target = updateTarget(w, desired);
  const allUpdated = s.updatedReplicas >= target;
  const allAvailable = allUpdated && s.availableReplicas >= desired;
  const replicas: ReplicaCounts = {
    desired,
    updated: s.updatedReplicas,
    ready: Math.min(s.readyReplicas, s.updatedReplicas),
    available: Math.min(s.availableReplicas, s.updatedReplicas),
  };
  const complete = workloadStatus(w).verdict.state === 'Current';
  const oldReplicasGone = complete && s.updatedReplicas >= desired;
  return { applies: true, desired, allUpdated, allAvailable, complete, oldReplicasGone, replicas };
}

/** isScheduled tells whether a pod has been bound to a node. */
export const isScheduled = (p: PodRecord): boolean =>
  p.nodeName !== '' || p.scheduledStatus === 'True';

/** hasPulledImage tells whether some container of a pod has its image (an imageID, or it has run). */
export const hasPulledImage = (p: PodRecord): boolean =>
  p.containerStatuses.some((c) => c.imageID !== '' || c.state.kind === 'running' || c.state.kind === 'terminated');

/** isReady tells whether a pod's Ready condition is True. */
export const isReady = (p: PodRecord): boolean => p.readyStatus === 'True';

/** digestOf extracts `sha256:…` from a container status imageID (`docker-pullable://repo@sha256:…`), or ''. */
export function digestOf(imageID: string): string {
  const at = imageID.lastIndexOf('@');
  return at >= 0 ? imageID.slice(at + 1) : imageID.startsWith('sha256:') ? imageID : '';
}
