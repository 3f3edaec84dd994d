import { TrackerError } from '../lib/errors.ts';
import { kindFromName, type NamedKind } from '../model/kind-names.ts';
import { splitTypeName } from './type-name-args.ts';

/** StatusKind is a kind `rollscope status` can fetch from a cluster. */
export type StatusKind = NamedKind;

/** StatusTarget names one object: kind and name (the namespace comes from -n). */
export interface StatusTarget {
  readonly kind: StatusKind;
  readonly name: string;
}

/**
 * parseStatusTarget reads `TYPE/NAME` (or `TYPE NAME` as two arguments), kubectl style.
 * Examples: ["deploy/web"] → {Deployment, web}; ["sts", "db"] → {StatefulSet, db}.
 * Throws USAGE (bad shape) or UNSUPPORTED_KIND (unknown type), naming the argument.
 */
export function parseStatusTarget(args: readonly string[]): StatusTarget {
  const parts = splitTypeName(args);
  if (parts === undefined)
    throw new TrackerError('USAGE', `cannot read "${args.join(' ')}" as TYPE/NAME`, { subject: args.join(' '), hint: 'name one object, e.g. rollscope status deployment/web -n shop' });
  const { type, name } = parts;
  const kind = kindFromName(type);
  if (!kind)
    throw new TrackerError('UNSUPPORTED_KIND', `rollscope status does not support type "${type}" (in ${type}/${name})`, {
      subject: `${type}/${name}`,
      hint: 'use one of deployment, statefulset, daemonset, replicaset, pod, job',
    });
  return { kind, name };
}
