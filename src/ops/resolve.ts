import { apiFailureOf } from '../kube/http-errors.ts';
import { TrackerError } from '../lib/errors.ts';
import type { Unstructured } from '../track/status/fields.ts';
import type { KubeClient } from '../kube/api-client.ts';
import { notFoundError, objectPath, resourceOf, WORKLOAD_KINDS, type WorkloadRef } from './workload-target.ts';
import type { WorkloadTarget } from '../model/release.ts';

/** Resolved is a workload that exists, with the object as read. */
export interface Resolved {
  readonly target: WorkloadTarget;
  readonly object: Unstructured;
}

/**
 * getWorkload reads one workload; null when the server says 404. Other failures (403 with the
 * RBAC rule to grant, unreachable…) reject with their TrackerError.
 */
export async function getWorkload(client: KubeClient, target: WorkloadTarget, signal: AbortSignal): Promise<Unstructured | null> {
  try {
    const obj = await client.get(objectPath(target), { verb: 'get', resource: resourceOf(target.kind), namespace: target.namespace }, signal);
    return { ...obj, kind: target.kind, apiVersion: 'apps/v1' };
  } catch (e) {
    if (apiFailureOf(e)?.status === 404) return null;
    throw e;
  }
}

/**
 * resolveWorkload finds the workload a reference names in `namespace`. With a kind it is one GET
 * (NOT_FOUND if missing). A bare name is looked up among Deployments, StatefulSets and DaemonSets:
 * none → NOT_FOUND, more than one → AMBIGUOUS naming them all (pick one with TYPE/NAME).
 * `allowed` restricts the kinds (e.g. pause: Deployments only).
 */
export async function resolveWorkload(client: KubeClient, ref: WorkloadRef, namespace: string, signal: AbortSignal): Promise<Resolved> {
  if (ref.kind !== null) {
    const target = { kind: ref.kind, namespace, name: ref.name };
    const object = await getWorkload(client, target, signal);
    if (object === null) throw notFoundError(target);
    return { target, object };
  }
  const found: Resolved[] = [];
  for (const kind of WORKLOAD_KINDS) {
    const target = { kind, namespace, name: ref.name };
    const object = await getWorkload(client, target, signal);
    if (object !== null) found.push({ target, object });
  }
  const [only] = found;
  if (found.length === 1 && only) return only;
  if (found.length === 0)
    throw new TrackerError('NOT_FOUND', `no deployment, statefulset or daemonset named ${ref.name} in namespace ${namespace}`, {
      subject: `${namespace}/${ref.name}`,
      hint: 'check the name and the namespace (-n), or name the type: TYPE/NAME, e.g. deployment/web',
    });
  const names = found.map((f) => `${f.target.kind.toLowerCase()}/${ref.name}`);
  throw new TrackerError('AMBIGUOUS', `"${ref.name}" in namespace ${namespace} names ${found.length} workloads: ${names.join(', ')}`, {
    subject: `${namespace}/${ref.name}`,
    hint: `name the one you mean with TYPE/NAME, e.g. ${names[0] ?? 'deployment/web'}`,
  });
}
