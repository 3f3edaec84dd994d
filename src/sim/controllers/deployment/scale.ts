import { asReplicaSet, creationOrder, specReplicas, type ReplicaSet } from '../apps.ts';
import { FIELD_MANAGER, Resource, recordEvent, type DeploymentEnv, type DeploymentRef } from './env.ts';
import { proportionalSizes } from './proportional.ts';
import { Annotation, numericAnnotation, setReplicasAnnotations } from './revision.ts';
import { isRollingUpdate, maxSurge } from './rolling.ts';

/**
 * Scaling ReplicaSets (Kubernetes `sync.go` `scale`, `scaleReplicaSet`, `scaleReplicaSetAndRecordEvent`).
 * Every scale writes `spec.replicas` with the desired/max replica annotations and records
 * `ScalingReplicaSet` `Scaled <up|down> replica set <name> to <new> from <old>`.
 */

/** ScaleResult says whether the size changed and gives the ReplicaSet as stored afterwards. */
export interface ScaleResult {
  readonly scaled: boolean;
  readonly rs: ReplicaSet;
}

/**
 * scaleReplicaSet sets a ReplicaSet's size and replica annotations if either differs; records the
 * event only when the size changed. `direction` is the word used in the event.
 */
export function scaleReplicaSet(env: DeploymentEnv, ref: DeploymentRef, rs: ReplicaSet, newScale: number, direction: string): ScaleResult {
  const d = ref.d;
  const oldScale = rs.spec.replicas ?? 1;
  const replicas = specReplicas(d);
  const annotations = setReplicasAnnotations(rs.metadata.annotations ?? {}, replicas, replicas + maxSurge(d.spec));
  const sizeChanged = oldScale !== newScale;
  if (!sizeChanged && !annotations.changed) return { scaled: false, rs };
  const next = { ...rs, metadata: { ...rs.metadata, annotations: annotations.annotations }, spec: { ...rs.spec, replicas: newScale } };
  const written = asReplicaSet(env.store.update(Resource.replicaSets, next, { fieldManager: FIELD_MANAGER }));
  if (sizeChanged) {
    recordEvent(env, d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${written.metadata.name ?? ''} to ${newScale} from ${oldScale}`);
  }
  return { scaled: sizeChanged, rs: written };
}

/** scaleReplicaSetAndRecordEvent scales one ReplicaSet to `newScale`, choosing "up" or "down"; a no-op when equal. */
export function scaleReplicaSetAndRecordEvent(env: DeploymentEnv, ref: DeploymentRef, rs: ReplicaSet, newScale: number): ScaleResult {
  const current = rs.spec.replicas ?? 1;
  if (current === newScale) return { scaled: false, rs };
  return scaleReplicaSet(env, ref, rs, newScale, current < newScale ? 'up' : 'down');
}

const isActive = (rs: ReplicaSet | undefined): rs is ReplicaSet => rs !== undefined && (rs.spec.replicas ?? 1) > 0;

/**
 * isSaturated: the new ReplicaSet runs the full size, was last sized for it, and all of it is available.
 */
export function isSaturated(ref: DeploymentRef, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = numericAnnotation(rs, Annotation.desiredReplicas);
  if (desired === undefined) return false;
  const replicas = specReplicas(ref.d);
  return (rs.spec.replicas ?? 1) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** findActiveOrLatest returns the only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => creationOrder(b, a));
  const active = [...newestFirst, newRS].filter(isActive);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * scale resizes a Deployment's ReplicaSets after a change of `spec.replicas` (or while paused):
 * a single active ReplicaSet takes the full size; a saturated new one sends the old ones to 0;
 * otherwise (RollingUpdate) every active ReplicaSet scales proportionally.
 */
export function scale(env: DeploymentEnv, ref: DeploymentRef, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const replicas = specReplicas(ref.d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if ((only.spec.replicas ?? 1) === replicas) return;
    scaleReplicaSetAndRecordEvent(env, ref, only, replicas);
    return;
  }
  if (isSaturated(ref, newRS)) {
    for (const old of oldRSs.filter(isActive)) scaleReplicaSetAndRecordEvent(env, ref, old, 0);
    return;
  }
  if (!isRollingUpdate(ref.d.spec)) return;
  const active = [...oldRSs, newRS].filter(isActive);
  const byName = new Map(active.map((rs) => [rs.metadata.name ?? '', rs]));
  const plan = proportionalSizes(
    ref.d.spec,
    ref.d.status?.replicas ?? 0,
    active.map((rs) => ({
      name: rs.metadata.name ?? '',
      replicas: rs.spec.replicas ?? 1,
      createdAt: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
      maxReplicasAnnotation: numericAnnotation(rs, Annotation.maxReplicas),
    })),
  );
  for (const step of plan.sizes) {
    const rs = byName.get(step.name);
    if (rs) scaleReplicaSet(env, ref, rs, step.to, plan.direction);
  }
}
