import type { KubeObject } from '../../kube/types.ts';
import type { ResourceName } from '../core/store-api.ts';

/** FOREGROUND_FINALIZER marks an owner waiting for its blocking dependents (foreground cascading deletion). */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** StoredRef is one stored object with its resource. */
export interface StoredRef {
  readonly resource: ResourceName;
  readonly object: KubeObject;
}

/**
 * GcHost is what the garbage collector needs from storage. Writes commit immediately and notify
 * watchers; they never throw for objects that vanished meanwhile.
 */
export interface GcHost {
  /** dependentsOf lists the stored objects with an ownerReference to `uid`. */
  dependentsOf(uid: string): readonly StoredRef[];
  /** byUid finds a stored object by uid. */
  byUid(uid: string): StoredRef | undefined;
  /** deleteDependent deletes one dependent with a propagation policy (as the GC's own DELETE call). */
  deleteDependent(ref: StoredRef, policy: 'Background' | 'Foreground'): void;
  /** writeMetadata stores a new version of an object that differs only in metadata. */
  writeMetadata(ref: StoredRef, object: KubeObject): void;
  /** remove commits the final removal of an object (DELETED). */
  remove(ref: StoredRef): void;
}

/**
 * dependentPolicy is the propagation the garbage collector uses when it deletes a dependent
 * (garbagecollector.go attemptToDeleteItem): if the owner waits for its dependents (Foreground)
 * and the dependent has dependents of its own, Foreground; otherwise Background.
 */
export function dependentPolicy(host: GcHost, dep: KubeObject, ownerForeground: boolean): 'Background' | 'Foreground' {
  const uid = dep.metadata.uid;
  return ownerForeground && uid !== undefined && host.dependentsOf(uid).length > 0 ? 'Foreground' : 'Background';
}

/** cascade deletes every dependent of `ownerUid` (Background and Foreground policies). */
export function cascade(host: GcHost, ownerUid: string, ownerForeground: boolean): void {
  for (const dep of host.dependentsOf(ownerUid)) {
    if (dep.object.metadata.deletionTimestamp !== undefined) continue;
    host.deleteDependent(dep, dependentPolicy(host, dep.object, ownerForeground));
  }
}

/** orphan removes the ownerReferences to `ownerUid` from every dependent (Orphan policy). */
export function orphan(host: GcHost, ownerUid: string): void {
  for (const dep of host.dependentsOf(ownerUid)) {
    const refs = (dep.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
    const { ownerReferences: _drop, ...meta } = dep.object.metadata;
    host.writeMetadata(dep, { ...dep.object, metadata: refs.length > 0 ? { ...meta, ownerReferences: refs } : meta });
  }
}

/**
 * finalizeForeground completes a foreground deletion once no dependent with
 * `blockOwnerDeletion: true` remains: the `foregroundDeletion` finalizer is removed and, if no
 * other finalizer is left, the owner is removed. A no-op for owners not in foreground deletion.
 */
export function finalizeForeground(host: GcHost, ownerUid: string): void {
  const owner = host.byUid(ownerUid);
  if (!owner) return;
  const meta = owner.object.metadata;
  if (meta.deletionTimestamp === undefined || !(meta.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return;
  const blocking = host
    .dependentsOf(ownerUid)
    .some((d) => (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true));
  if (blocking) return;
  const finalizers = (meta.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
  if (finalizers.length > 0) {
    host.writeMetadata(owner, { ...owner.object, metadata: { ...meta, finalizers } });
    return;
  }
  const { finalizers: _drop, ...rest } = meta;
  host.remove({ resource: owner.resource, object: { ...owner.object, metadata: rest } });
}
