import type { ResolvedChange } from './change.ts';
import { resolveFenceposts, type RollingParams } from './min-ready.ts';

/**
 * Which way a selector migration goes, and why. A Deployment's `spec.selector` is immutable in
 * apps/v1, so every path deletes the Deployment and creates it again under the same name.
 *
 * `adopt` — no pods beyond the Deployment's own rolling surge:
 *   1. if the new selector's labels are not on the pod template yet, roll the template to carry
 *      them (an ordinary rolling update under the OLD selector — only possible when the new
 *      template still satisfies the old selector, because the API server rejects a template its
 *      selector does not match);
 *   2. delete the Deployment with `propagationPolicy: Orphan`: the garbage collector removes the
 *      ownerReferences from its ReplicaSets and leaves them (and their pods) running;
 *   3. create the Deployment again with the new selector and the same template. The deployment
 *      controller adopts orphaned ReplicaSets its selector matches (ControllerRef manager:
 *      `pkg/controller/controller_ref_manager.go`, `ClaimReplicaSets`; "a controller adopts only
 *      orphans that match its selector", design-proposals controller-ref.md) and takes as the new
 *      ReplicaSet the oldest owned one whose template equals its own ignoring `pod-template-hash`
 *      (`deployment_util.go` FindNewReplicaSet/EqualIgnoreHash), so no rollout happens and the
 *      ReplicaSet keeps its revision (`SetNewReplicaSetAnnotations` never lowers it).
 *   The adopted ReplicaSet keeps its own old selector (old selector + pod-template-hash): ReplicaSet
 *   selectors are immutable too, but it only ever selects its own pods (they carry its hash), so it
 *   stays correct; the next rollout creates a ReplicaSet with the new selector.
 *   - Removing a key: every old ReplicaSet carries the remaining keys, so all are adopted and the
 *     whole rollout history survives (the Kubernetes docs' "selector removals … existing
 *     ReplicaSets are not orphaned").
 *   - Adding a key (or a key whose value differs only on the template): only the ReplicaSet of the
 *     rolled template carries it; older ReplicaSets (scaled to 0) stay orphaned and are deleted
 *     at the end, so no leftovers remain.
 *   Conditions: the rollout in step 1, if needed, must be safe on its own — a RollingUpdate
 *   strategy whose floor (replicas − maxUnavailable) is at least `--min-ready`, and not paused.
 *
 * `copy` — the field report's temporary copy, for everything else (a selector key changes value, so
 *   the new template can never run under the old selector; a Recreate strategy, whose rollout would
 *   take the Service dark; or a `--min-ready` above the rollout's own floor): create
 *   `<name>-migrating` with the new labels plus a marker label, wait until it is ready and in the
 *   Service's endpoints, delete the original (its pods go, the copy serves), create the Deployment
 *   with the new selector, wait until it is ready and in the endpoints, delete the copy. Costs one
 *   extra set of pods for a while. The copy's selector includes the marker, so it never adopts
 *   anything of the original's, and ControllerRef keeps the recreated Deployment off the copy's
 *   ReplicaSet (it only adopts orphans).
 *
 * A two-stage adopt for a changed value (first drop the key, then roll, then add it back) was
 * rejected: its intermediate, broader selector is exactly what overlaps sibling Deployments when a
 * version label was put in the selector to tell them apart.
 */
export type MigrationPath = 'adopt' | 'copy';

/** PathChoice is the chosen path with the reason in one sentence, and whether step 1 rolls the template. */
export interface PathChoice {
  readonly path: MigrationPath;
  readonly rollsTemplate: boolean;
  readonly reason: string;
}

/** PathInput is what the choice depends on. */
export interface PathInput {
  readonly change: ResolvedChange;
  readonly strategy: RollingParams;
  readonly replicas: number;
  readonly paused: boolean;
  readonly minReady: number;
}

/** choosePath picks the cheapest safe path (see the file comment). */
export function choosePath(input: PathInput): PathChoice {
  const c = input.change;
  if (!c.templateChanges)
    return { path: 'adopt', rollsTemplate: false, reason: 'the pods already carry the new selector: orphan the ReplicaSets and recreate, the new Deployment adopts them without a rollout' };
  if (!c.templateKeepsOldSelector)
    return { path: 'copy', rollsTemplate: true, reason: `the value of ${c.changed.join(', ')} changes, so no pod can match both selectors: a temporary copy carries the traffic` };
  if (input.paused) return { path: 'copy', rollsTemplate: true, reason: 'the Deployment is paused, so the template cannot roll: a temporary copy carries the traffic' };
  if (input.strategy.strategyType === 'Recreate')
    return { path: 'copy', rollsTemplate: true, reason: 'the Recreate strategy would stop every pod to roll the template: a temporary copy carries the traffic' };
  const floor = input.replicas - resolveFenceposts(input.strategy, input.replicas).maxUnavailable;
  if (floor < input.minReady)
    return { path: 'copy', rollsTemplate: true, reason: `rolling the template may leave ${floor} of ${input.replicas} ready (maxUnavailable), below --min-ready ${input.minReady}: a temporary copy carries the traffic` };
  return { path: 'adopt', rollsTemplate: true, reason: 'roll the template to carry the new labels (rolling update under the old selector), then orphan and recreate: the new Deployment adopts the rolled ReplicaSet' };
}
