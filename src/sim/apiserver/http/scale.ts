import type { KubeObject } from '../../../kube/types.ts';
import { isPlainObject } from '../../core/deep.ts';

/** selectorString renders a metav1.LabelSelector as the string form (`app=web,tier in (a,b)`), as Scale.status.selector does. */
export function selectorString(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const parts: string[] = [];
  const ml = isPlainObject(selector['matchLabels']) ? selector['matchLabels'] : {};
  for (const k of Object.keys(ml).sort()) parts.push(`${k}=${String(ml[k])}`);
  const exprs = Array.isArray(selector['matchExpressions']) ? (selector['matchExpressions'] as Record<string, unknown>[]) : [];
  for (const e of exprs) {
    const key = String(e['key']);
    const values = Array.isArray(e['values']) ? (e['values'] as string[]).slice().sort().join(',') : '';
    if (e['operator'] === 'In') parts.push(`${key} in (${values})`);
    else if (e['operator'] === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (e['operator'] === 'Exists') parts.push(key);
    else if (e['operator'] === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

/** scaleOf renders the autoscaling/v1 Scale of a workload (`/scale` subresource). */
export function scaleOf(obj: KubeObject): KubeObject {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  const status = isPlainObject(obj['status']) ? obj['status'] : {};
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 0;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp } as KubeObject['metadata'],
    spec: replicas === 0 ? {} : { replicas },
    status: { replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0, selector: selectorString(spec['selector']) },
  };
}

/** replicasFromScale reads `spec.replicas` of a Scale body (0 if absent, as omitempty means). */
export function replicasFromScale(scale: unknown): number {
  const spec = isPlainObject(scale) && isPlainObject(scale['spec']) ? scale['spec'] : {};
  return typeof spec['replicas'] === 'number' ? spec['replicas'] : 0;
}
