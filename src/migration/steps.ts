import type { Unstructured } from '../track/status/fields.ts';

/**
 * The steps a migration planner returns. A write step is one API call, idempotent under the
 * planner's level-triggering: after it, the next observation shows its effect and the planner
 * moves on; if it failed or the process died, the same step is computed again.
 */

/** StepName names the step for progress lines, dry-run output and the ledger. */
export type StepName =
  | 'start'
  | 'roll-template'
  | 'mark-carrier'
  | 'orphan-original'
  | 'create-copy'
  | 'delete-original'
  | 'recreate'
  | 'delete-leftovers'
  | 'delete-copy'
  | 'finalize'
  | 'revert-template'
  | 'unmark-original';

/** WaitOn says what a wait step waits for. `rollout` waits use the same status engine as `rollscope wait`. */
export type WaitOn = 'rollout' | 'gone' | 'released' | 'endpoints' | 'min-ready' | 'cleanup';

/** ApiCall is one request, as a dry run prints it. */
export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Content type for PATCH. */
  readonly patchType?: 'merge';
  readonly body?: unknown;
}

/** Step is the planner's answer. */
export type Step =
  | { readonly kind: 'write'; readonly name: StepName; readonly describe: string; readonly call: ApiCall }
  | { readonly kind: 'wait'; readonly on: WaitOn; readonly object: string; readonly describe: string }
  | { readonly kind: 'done'; readonly outcome: 'migrated' | 'unchanged'; readonly describe: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly hint: string }
  | { readonly kind: 'blocked'; readonly reason: string; readonly hint: string };

const deployPath = (ns: string, name?: string): string => `/apis/apps/v1/namespaces/${ns}/deployments${name === undefined ? '' : `/${name}`}`;
const rsPath = (ns: string, name: string): string => `/apis/apps/v1/namespaces/${ns}/replicasets/${name}`;

/** patchDeployment is a JSON merge patch of a Deployment. */
export function patchDeployment(name: StepName, ns: string, deployment: string, body: Unstructured, describe: string): Step {
  return { kind: 'write', name, describe, call: { method: 'PATCH', path: deployPath(ns, deployment), patchType: 'merge', body } };
}

/** patchReplicaSet is a JSON merge patch of a ReplicaSet. */
export function patchReplicaSet(name: StepName, ns: string, rs: string, body: Unstructured, describe: string): Step {
  return { kind: 'write', name, describe, call: { method: 'PATCH', path: rsPath(ns, rs), patchType: 'merge', body } };
}

/** createDeployment is a POST of a manifest. */
export function createDeployment(name: StepName, ns: string, manifest: Unstructured, describe: string): Step {
  return { kind: 'write', name, describe, call: { method: 'POST', path: deployPath(ns), body: manifest } };
}

/** deleteDeployment is a DELETE with a propagation policy and a UID precondition (never deletes a namesake). */
export function deleteDeployment(name: StepName, ns: string, deployment: string, uid: string, propagationPolicy: 'Orphan' | 'Background', describe: string): Step {
  return { kind: 'write', name, describe, call: { method: 'DELETE', path: deployPath(ns, deployment), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy, preconditions: { uid } } } };
}

/** deleteReplicaSet is a DELETE of one leftover ReplicaSet with a UID precondition. */
export function deleteReplicaSet(ns: string, rs: string, uid: string, describe: string): Step {
  return { kind: 'write', name: 'delete-leftovers', describe, call: { method: 'DELETE', path: rsPath(ns, rs), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid } } } };
}

/** wait builds a wait step. */
export function wait(on: WaitOn, object: string, describe: string): Step {
  return { kind: 'wait', on, object, describe };
}
