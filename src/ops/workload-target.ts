import { collectionPath, resourceName } from '../kube/resources.ts';
import { TrackerError } from '../lib/errors.ts';
import { workloadKindFromName } from '../model/kind-names.ts';
import type { WorkloadKind, WorkloadTarget } from '../model/release.ts';

/** WORKLOAD_KINDS lists the kinds the write operations and `wait` accept. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * WorkloadRef is a parsed command-line reference: a kind and a name, or only a name (`kind`
 * null), which resolveWorkloadRef then looks up among all workload kinds.
 */
export interface WorkloadRef {
  readonly kind: WorkloadKind | null;
  readonly name: string;
}

/**
 * parseWorkloadRef reads `TYPE/NAME` or a bare `NAME`, kubectl style, for the command `command`.
 * Examples: "deploy/web" → {Deployment, web}; "web" → {null, web}.
 * Throws USAGE for a bad shape and UNSUPPORTED_KIND for a type that is not a workload (naming the
 * argument and the kinds that are supported).
 */
export function parseWorkloadRef(arg: string, command: string): WorkloadRef {
  const slash = arg.indexOf('/');
  if (slash < 0) {
    if (arg === '' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(arg))
      throw new TrackerError('USAGE', `rollscope ${command}: cannot read "${arg}" as TYPE/NAME`, { subject: arg, hint: `name a workload, e.g. rollscope ${command} deployment/web -n shop` });
    return { kind: null, name: arg };
  }
  const type = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  if (type === '' || name === '' || name.includes('/'))
    throw new TrackerError('USAGE', `rollscope ${command}: cannot read "${arg}" as TYPE/NAME`, { subject: arg, hint: `name a workload, e.g. rollscope ${command} deployment/web -n shop` });
  const kind = workloadKindFromName(type);
  if (!kind) throw unsupportedType(type, name, command, WORKLOAD_KINDS);
  return { kind, name };
}

/** unsupportedType is the UNSUPPORTED_KIND error for `type/name` given to `command`, which accepts `allowed`. */
export function unsupportedType(type: string, name: string, command: string, allowed: readonly WorkloadKind[]): TrackerError {
  return new TrackerError('UNSUPPORTED_KIND', `rollscope ${command} does not support type "${type}" (in ${type}/${name})`, {
    subject: `${type}/${name}`,
    hint: `use one of ${allowed.map((k) => k.toLowerCase()).join(', ')}`,
  });
}

/** objectPath is the URL path of one workload, e.g. /apis/apps/v1/namespaces/shop/deployments/web. */
export function objectPath(t: WorkloadTarget): string {
  return `${collectionPath(t.kind, t.namespace)}/${encodeURIComponent(t.name)}`;
}

/** resourceOf is the workload's resource with its group, as RBAC names it: `deployments.apps`. */
export const resourceOf = (kind: WorkloadKind): string => resourceName(kind);

/** describeTarget names a workload the way messages do: `deployment shop/web`. */
export const describeTarget = (t: WorkloadTarget): string => `${t.kind.toLowerCase()} ${t.namespace}/${t.name}`;

/** kubectlName names a workload the way kubectl prints it: `deployment.apps/web`. */
export const kubectlName = (t: { readonly kind: WorkloadKind; readonly name: string }): string => `${t.kind.toLowerCase()}.apps/${t.name}`;

/** notFoundError is the NOT_FOUND error for a workload, with a hint to list what exists. */
export function notFoundError(t: WorkloadTarget): TrackerError {
  const type = t.kind.toLowerCase();
  return new TrackerError('NOT_FOUND', `${type} ${t.name} not found in namespace ${t.namespace}`, {
    subject: describeTarget(t),
    hint: `check the name and the namespace (-n); list them with: kubectl get ${type}s -n ${t.namespace}`,
  });
}
