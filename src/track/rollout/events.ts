import type { EventRecord, PodRecord, WorkloadRecord } from '../../model/records.ts';
import type { Actor, ReleaseId } from '../../model/release.ts';

/**
 * RolloutEvent is one observation that may move a release's rollout:
 * - `workloadObserved`: the workload (status, conditions, paused) — only sent for the release the
 *   workload currently rolls out;
 * - `podObserved` / `podDeleted`: a NEW pod (one of this release's template);
 * - `eventObserved`: a Kubernetes event about the workload, its ReplicaSets/revisions or new pods;
 * - `superseded`: a newer release of the workload activated; `rollback` when it re-activated an
 *   earlier template;
 * - `workloadDeleted`: the workload is gone;
 * - `actorObserved`: the template change's author became known after the release started (the
 *   ReplicaSet arrived before the workload update that named the writer);
 * - `tick`: time passed (fail-fast grace periods end without a new observation).
 */
export type RolloutEvent =
  | { readonly kind: 'workloadObserved'; readonly workload: WorkloadRecord }
  | { readonly kind: 'podObserved'; readonly pod: PodRecord }
  | { readonly kind: 'podDeleted'; readonly uid: string }
  | { readonly kind: 'eventObserved'; readonly event: EventRecord }
  | { readonly kind: 'superseded'; readonly by: ReleaseId; readonly rollback: boolean }
  | { readonly kind: 'workloadDeleted' }
  | { readonly kind: 'actorObserved'; readonly actor: Actor; readonly changeCause: string | null; readonly observedAt: number }
  | { readonly kind: 'tick' };
