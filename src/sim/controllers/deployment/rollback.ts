import { asDeployment, type Deployment, type ReplicaSet } from '../apps.ts';
import { FIELD_MANAGER, Resource, recordEvent, type DeploymentEnv, type DeploymentRef } from './env.ts';
import { allReplicaSets, getAllReplicaSetsAndSyncRevision } from './new-replica-set.ts';
import { equalIgnoreHash, withoutHashLabel } from './replica-sets.ts';
import { Annotation, isSkippedAnnotation, revisionOf } from './revision.ts';

/**
 * The legacy controller-side rollback (Kubernetes `rollback.go`): a Deployment annotated
 * `deprecated.deployment.rollback.to: N` (the old `spec.rollbackTo` of extensions/v1beta1) gets the
 * template and annotations of the ReplicaSet with revision N (0 = the previous revision), and the
 * annotation is cleared. Modern `kubectl rollout undo` patches the template itself instead, so it
 * never comes here; the re-promoted ReplicaSet is renumbered by the normal sync either way.
 */

/** Rollback event reasons (`deployment_util.go`). */
export const RollbackReason = {
  done: 'DeploymentRollback',
  revisionNotFound: 'DeploymentRollbackRevisionNotFound',
  templateUnchanged: 'DeploymentRollbackTemplateUnchanged',
} as const;

/** rollbackTo reads the requested revision; undefined when absent or not an integer (ignored, as Kubernetes does). */
export function rollbackTo(d: Deployment): bigint | undefined {
  const v = d.metadata.annotations?.[Annotation.rollbackTo];
  if (v === undefined || v === '' || !/^-?\d{1,19}$/.test(v)) return undefined;
  return BigInt(v);
}

/** lastRevision is the second-highest revision among the ReplicaSets (the one before the current), 0 if none. */
export function lastRevision(rsList: readonly ReplicaSet[]): bigint {
  let max = 0n;
  let second = 0n;
  for (const rs of rsList) {
    const v = revisionOf(rs);
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

function withoutRollbackTo(annotations: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== Annotation.rollbackTo));
}

/** clearRollbackTo removes the annotation with a plain update (which bumps the generation). */
function writeDeployment(env: DeploymentEnv, ref: DeploymentRef, d: Deployment): void {
  const next = { ...d, metadata: { ...d.metadata, annotations: withoutRollbackTo(d.metadata.annotations ?? {}) } };
  ref.d = asDeployment(env.store.update(Resource.deployments, next, { fieldManager: FIELD_MANAGER }));
}

/** rollback performs a requested legacy rollback and clears the request. */
export function rollback(env: DeploymentEnv, ref: DeploymentRef, rsList: ReplicaSet[]): void {
  const sets = getAllReplicaSetsAndSyncRevision(env, ref, rsList, true);
  const all = allReplicaSets(sets);
  const d = ref.d;
  let revision = rollbackTo(d) ?? 0n;
  if (revision === 0n) {
    revision = lastRevision(all);
    if (revision === 0n) {
      recordEvent(env, d, 'Warning', RollbackReason.revisionNotFound, 'Unable to find last revision.');
      writeDeployment(env, ref, d);
      return;
    }
  }
  const target = all.find((rs) => revisionOf(rs) === revision);
  if (!target) {
    recordEvent(env, d, 'Warning', RollbackReason.revisionNotFound, 'Unable to find the revision to rollback to.');
    writeDeployment(env, ref, d);
    return;
  }
  const name = d.metadata.name ?? '';
  if (equalIgnoreHash(d.spec.template, target.spec.template)) {
    recordEvent(env, d, 'Warning', RollbackReason.templateUnchanged, `The rollback revision contains the same template as current deployment ${JSON.stringify(name)}`);
    writeDeployment(env, ref, d);
    return;
  }
  // Take the ReplicaSet's template (minus the hash label) and its annotations, keeping the
  // Deployment's own values of the controller-owned keys.
  const kept = Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => isSkippedAnnotation(k)));
  const copied = Object.fromEntries(Object.entries(target.metadata.annotations ?? {}).filter(([k]) => !isSkippedAnnotation(k)));
  const template = withoutHashLabel(target.spec.template);
  writeDeployment(env, ref, { ...d, metadata: { ...d.metadata, annotations: { ...kept, ...copied } }, spec: { ...d.spec, template } });
  recordEvent(env, ref.d, 'Normal', RollbackReason.done, `Rolled back deployment ${JSON.stringify(name)} to revision ${revision}`);
}
