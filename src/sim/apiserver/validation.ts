import type { KubeObject } from '../../kube/types.ts';
import type { FieldError } from '../core/api-error.ts';
import { deepEqual, isPlainObject } from '../core/deep.ts';
import type { ResourceInfo } from './resources.ts';
import { labelSelectorFromSpec, matchesLabels } from '../core/selectors.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** goMap renders a string map as Go's %#v does: `map[string]string{"app":"web"}` (keys sorted). */
export function goMap(m: unknown): string {
  if (!isPlainObject(m)) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

/** goLabelSelector renders a metav1.LabelSelector as the validation messages of kube-apiserver do. */
export function goLabelSelector(sel: unknown): string {
  const s = isPlainObject(sel) ? sel : {};
  const exprs = Array.isArray(s['matchExpressions']) && s['matchExpressions'].length > 0
    ? `[]v1.LabelSelectorRequirement{${(s['matchExpressions'] as Record<string, unknown>[])
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e['key'])}, Operator:${JSON.stringify(e['operator'])}, Values:[]string{${((e['values'] as string[] | undefined) ?? []).map((v) => JSON.stringify(v)).join(', ')}}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goMap(s['matchLabels'])}, MatchExpressions:${exprs}}`;
}

function validateName(obj: KubeObject): FieldError[] {
  const name = obj.metadata.name ?? '';
  if (name === '') return [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }];
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
    return [{
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    }];
  return [];
}

function spec(obj: KubeObject | undefined): Record<string, unknown> {
  const s = obj?.['spec'];
  return isPlainObject(s) ? s : {};
}

function validatePodSpec(podSpec: unknown, path: string): FieldError[] {
  const ps = isPlainObject(podSpec) ? podSpec : {};
  const containers = Array.isArray(ps['containers']) ? (ps['containers'] as unknown[]) : [];
  if (containers.length === 0) return [{ field: `${path}.containers`, reason: 'FieldValueRequired', message: 'Required value' }];
  const out: FieldError[] = [];
  containers.forEach((c, i) => {
    const cc = isPlainObject(c) ? c : {};
    if (typeof cc['name'] !== 'string' || cc['name'] === '') out.push({ field: `${path}.containers[${i}].name`, reason: 'FieldValueRequired', message: 'Required value' });
    if (typeof cc['image'] !== 'string' || cc['image'] === '') out.push({ field: `${path}.containers[${i}].image`, reason: 'FieldValueRequired', message: 'Required value' });
  });
  return out;
}

function validateWorkload(obj: KubeObject, old: KubeObject | undefined, info: ResourceInfo): FieldError[] {
  const s = spec(obj);
  const out: FieldError[] = [];
  const replicas = s['replicas'];
  if (typeof replicas === 'number' && replicas < 0)
    out.push({ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0` });
  const selector = s['selector'];
  const template = isPlainObject(s['template']) ? s['template'] : {};
  const tmeta = isPlainObject(template['metadata']) ? template['metadata'] : {};
  const labels = isPlainObject(tmeta['labels']) ? (tmeta['labels'] as Record<string, string>) : {};
  if (!isPlainObject(selector)) {
    out.push({ field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' });
  } else {
    const reqs = labelSelectorFromSpec(selector);
    if (reqs.length === 0)
      out.push({ field: 'spec.selector', reason: 'FieldValueInvalid', message: `Invalid value: ${goLabelSelector(selector)}: empty selector is invalid for deployment` });
    else if (!matchesLabels(reqs, labels))
      out.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` });
    if (old && !deepEqual(spec(old)['selector'], selector))
      out.push({ field: 'spec.selector', reason: 'FieldValueInvalid', message: `Invalid value: ${goLabelSelector(selector)}: field is immutable` });
  }
  out.push(...validatePodSpec(template['spec'], 'spec.template.spec'));
  if (info.kind !== 'Deployment') return out;
  const strategy = isPlainObject(s['strategy']) ? s['strategy'] : {};
  if (strategy['type'] === 'Recreate' && strategy['rollingUpdate'] !== undefined)
    out.push({ field: 'spec.strategy.rollingUpdate', reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified when strategy `type` is \'Recreate\'' });
  return out;
}

/**
 * validateJob follows ValidateJob (pkg/apis/batch/validation/validation.go): a selector matching the
 * template's labels, a valid pod template whose restartPolicy is OnFailure or Never, non-negative
 * parallelism, completions and backoffLimit.
 */
function validateJob(obj: KubeObject): FieldError[] {
  const s = spec(obj);
  const out: FieldError[] = [];
  for (const field of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds'] as const) {
    const v = s[field];
    if (typeof v === 'number' && (v < 0 || (field === 'activeDeadlineSeconds' && v === 0)))
      out.push({ field: `spec.${field}`, reason: 'FieldValueInvalid', message: `Invalid value: ${v}: must be greater than ${field === 'activeDeadlineSeconds' ? '0' : 'or equal to 0'}` });
  }
  const template = isPlainObject(s['template']) ? s['template'] : {};
  const tmeta = isPlainObject(template['metadata']) ? template['metadata'] : {};
  const labels = isPlainObject(tmeta['labels']) ? (tmeta['labels'] as Record<string, string>) : {};
  const selector = s['selector'];
  if (!isPlainObject(selector)) out.push({ field: 'spec.selector', reason: 'FieldValueRequired', message: 'Required value' });
  else if (!matchesLabels(labelSelectorFromSpec(selector), labels))
    out.push({ field: 'spec.template.metadata.labels', reason: 'FieldValueInvalid', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` });
  const podSpec = isPlainObject(template['spec']) ? template['spec'] : {};
  const policy = podSpec['restartPolicy'];
  if (policy !== 'OnFailure' && policy !== 'Never')
    out.push({ field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(policy ?? '')}: supported values: "OnFailure", "Never"` });
  out.push(...validatePodSpec(template['spec'], 'spec.template.spec'));
  return out;
}

/**
 * validateObject returns the field errors the real API server would report for a create (`old`
 * undefined) or update of `obj`: name format, workload selector/template rules, selector
 * immutability, required containers and images. An empty array means valid.
 */
export function validateObject(info: ResourceInfo, obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const out = old ? [] : validateName(obj);
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(info.kind) && info.group === 'apps') out.push(...validateWorkload(obj, old, info));
  if (info.kind === 'Job' && info.group === 'batch') out.push(...validateJob(obj));
  if (info.kind === 'Pod' && info.group === '') out.push(...validatePodSpec(obj['spec'], 'spec'));
  return out;
}
