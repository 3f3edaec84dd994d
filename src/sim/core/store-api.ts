import type { KubeObject } from '../../kube/types.ts';
import type { ChangeType } from '../../model/watch-event.ts';

/**
 * The contract between the simulated API server's storage and everything in `sim/` that reads or
 * writes objects in-process (controllers, scheduler, kubelet, scenarios, tests). The HTTP API server
 * is one client of it; controllers are others. Implemented by `SimStorage` in `sim/apiserver/storage.ts`.
 *
 * Resources are named `resource.group` as Kubernetes does (`deployments.apps`, `events.events.k8s.io`),
 * or just `resource` for the core group (`pods`, `events`, `nodes`). Core `events` and
 * `events.events.k8s.io` are two views of the same stored objects.
 */
export type ResourceName = string;


/**
 * StoredChange is one committed write. `object` is the stored, frozen object (for DELETED: its
 * last state with the deletion's resourceVersion). It is shared, never copied: do not mutate.
 */
export interface StoredChange {
  readonly type: ChangeType;
  readonly resource: ResourceName;
  readonly object: KubeObject;
  readonly resourceVersion: string;
  /** The object's state before this change (MODIFIED and DELETED); lets watchers turn selector moves into ADDED/DELETED. */
  readonly previous?: KubeObject;
}

/** WriteOptions qualify one write. */
export interface WriteOptions {
  /** The field manager recorded in managedFields (e.g. `kubectl-set`, `deployment-controller`). If unset, no entry is recorded. */
  readonly fieldManager?: string;
  /** Write only the status subresource: spec/metadata changes (but annotations, per Kubernetes) are ignored, no generation bump. */
  readonly subresource?: 'status';
  /** Validate and return the would-be result without storing it or notifying anyone (`?dryRun=All`). */
  readonly dryRun?: boolean;
}

/** DeleteOptions qualify one delete. If unset, `propagationPolicy` is the resource's default (Background). */
export interface DeleteOptions {
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /**
   * Graceful deletion: a scheduled pod (spec.nodeName set) deleted with a positive grace period gets
   * `deletionTimestamp` + `deletionGracePeriodSeconds` and stays until the kubelet deletes it again
   * with 0. If unset (or 0), or for any other object, the object is removed at once.
   */
  readonly gracePeriodSeconds?: number;
  /** Validate and return the would-be result without changing anything (`?dryRun=All`). */
  readonly dryRun?: boolean;
}

/**
 * SimStore is the object store of the simulated cluster.
 * - Every write is atomic, assigns the next global resourceVersion (decimal, increasing) and
 *   notifies subscribers synchronously, after the commit, in commit order.
 * - Returned objects are frozen and shared: never mutate them; build a new object to write.
 * - create assigns uid, creationTimestamp, resourceVersion, generation (1 for kinds with spec);
 *   generateName is honoured. update bumps generation by the Kubernetes rules (spec change; for
 *   Deployments also an annotations change; never for status writes).
 * - Failures throw `SimApiError` (from `sim/core/api-error.ts`), carrying a Kubernetes `Status`:
 *   AlreadyExists (409), NotFound (404), Conflict (409, stale resourceVersion), Invalid (422).
 * - delete with a grace period or finalizers/foreground sets deletionTimestamp and returns the
 *   object; otherwise removes it and returns its last state. Dependents (ownerReferences) are
 *   garbage-collected per the propagation policy.
 */
export interface SimStore {
  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined;
  /** list returns the current objects, optionally in one namespace and matching a label selector (`app=web,tier!=db`). */
  list(resource: ResourceName, opts?: { readonly namespace?: string; readonly labelSelector?: string }): readonly KubeObject[];
  create(resource: ResourceName, obj: KubeObject, opts?: WriteOptions): KubeObject;
  /** update replaces the object; if `obj.metadata.resourceVersion` is set it must equal the stored one (else Conflict). */
  update(resource: ResourceName, obj: KubeObject, opts?: WriteOptions): KubeObject;
  delete(resource: ResourceName, namespace: string | undefined, name: string, opts?: DeleteOptions): KubeObject | undefined;
  /** subscribe calls `fn` for every committed change of `resource` ('*' for all) until unsubscribed. */
  subscribe(resource: ResourceName, fn: (change: StoredChange) => void): () => void;
  /** currentResourceVersion is the resourceVersion of the latest write. */
  currentResourceVersion(): string;
}
