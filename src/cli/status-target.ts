import { TrackerError } from '../lib/errors.ts';

/** StatusKind is a kind `rollscope status` can fetch from a cluster. */
export type StatusKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Pod' | 'Job';

/** StatusTarget names one object: kind and name (the namespace comes from -n). */
export interface StatusTarget {
  readonly kind: StatusKind;
  readonly name: string;
}

/** KIND_ALIASES maps what users type (kubectl's names, short names, plurals, group-qualified) to a kind. */
const KIND_ALIASES: Readonly<Record<string, StatusKind>> = {
  deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment', 'deployment.apps': 'Deployment', 'deployments.apps': 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet', 'statefulset.apps': 'StatefulSet', 'statefulsets.apps': 'StatefulSet',
  daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet', 'daemonset.apps': 'DaemonSet', 'daemonsets.apps': 'DaemonSet',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet', 'replicaset.apps': 'ReplicaSet', 'replicasets.apps': 'ReplicaSet',
  pod: 'Pod', pods: 'Pod', po: 'Pod',
  job: 'Job', jobs: 'Job', 'job.batch': 'Job', 'jobs.batch': 'Job',
};

/**
 * parseStatusTarget reads `TYPE/NAME` (or `TYPE NAME` as two arguments), kubectl style.
 * Examples: ["deploy/web"] → {Deployment, web}; ["sts", "db"] → {StatefulSet, db}.
 * Throws USAGE (bad shape) or UNSUPPORTED_KIND (unknown type), naming the argument.
 */
export function parseStatusTarget(args: readonly string[]): StatusTarget {
  const [first = '', second] = args;
  const slash = first.indexOf('/');
  const [type, name] = second !== undefined && slash < 0 ? [first, second] : [first.slice(0, Math.max(0, slash)), first.slice(slash + 1)];
  if (args.length > 2 || (second !== undefined && slash >= 0) || type === '' || name === '' || name.includes('/'))
    throw new TrackerError('USAGE', `cannot read "${args.join(' ')}" as TYPE/NAME`, { subject: args.join(' '), hint: 'name one object, e.g. rollscope status deployment/web -n shop' });
  const kind = KIND_ALIASES[type.toLowerCase()];
  if (!kind)
    throw new TrackerError('UNSUPPORTED_KIND', `rollscope status does not support type "${type}" (in ${type}/${name})`, {
      subject: `${type}/${name}`,
      hint: 'use one of deployment, statefulset, daemonset, replicaset, pod, job',
    });
  return { kind, name };
}
