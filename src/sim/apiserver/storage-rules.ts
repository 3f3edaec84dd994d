import type { KubeObject, ObjectMeta } from '../../kube/types.ts';
import { conflict } from '../core/api-error.ts';
import { cloneJson, deepEqual, isPlainObject } from '../core/deep.ts';
import { podQosClass } from './defaults.ts';
import { toEventsV1 } from '../core/event-view.ts';
import type { ResourceInfo } from './resources.ts';
import { labelSelectorFromSpec, matchesLabels } from '../core/selectors.ts';
import type { DeleteOptions, ResourceName, StoredChange } from '../core/store-api.ts';

// The per-kind write rules of the API server's registry strategies that SimStorage applies.

/** Mutable is a clone of an object being prepared for storage. */
export type Mutable = Record<string, unknown> & { metadata: Record<string, unknown> };

/** eventsView renders a stored core Event change as its events.k8s.io/v1 view. */
export function eventsView(c: StoredChange, resource: ResourceName): StoredChange {
  const base = { type: c.type, resource, object: toEventsV1(c.object), resourceVersion: c.resourceVersion };
  return c.previous ? { ...base, previous: toEventsV1(c.previous) } : base;
}

/** hasItems tells whether a value is a non-empty array. */
export function hasItems(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** withMeta returns the object with some metadata fields replaced. */
export function withMeta(obj: KubeObject, patch: Partial<Record<keyof ObjectMeta, unknown>>): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, ...patch } as ObjectMeta };
}

/** isNoop tells whether a write changes nothing but resourceVersion/managedFields (the server then skips it). */
export function isNoop(old: KubeObject, next: Mutable): boolean {
  const strip = (o: Record<string, unknown>): unknown => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o['metadata'] as Record<string, unknown>;
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(old), strip(next));
}

/** JOB_UID_LABEL selects a Job's pods (its generated selector). */
export const JOB_UID_LABEL = 'batch.kubernetes.io/controller-uid';
/** JOB_NAME_LABEL names a Job on its pods. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

/**
 * prepareJobForCreate generates a Job's selector as the Job strategy does (pkg/registry/batch/job/strategy.go
 * generateSelector) unless `spec.manualSelector` is true: the template gets the controller-uid and
 * job-name labels (the `batch.kubernetes.io/` ones and the legacy unprefixed pair) and the selector
 * matches the uid label.
 */
export function prepareJobForCreate(obj: Mutable, uid: string): void {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {};
  if (spec['manualSelector'] === true) return;
  const template = isPlainObject(spec['template']) ? spec['template'] : {};
  const tmeta = isPlainObject(template['metadata']) ? { ...template['metadata'] } : {};
  const name = typeof obj.metadata['name'] === 'string' ? obj.metadata['name'] : '';
  tmeta['labels'] = { ...(isPlainObject(tmeta['labels']) ? tmeta['labels'] : {}), [JOB_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, 'controller-uid': uid, 'job-name': name };
  obj['spec'] = { ...spec, selector: { matchLabels: { [JOB_UID_LABEL]: uid } }, template: { ...template, metadata: tmeta } };
}

/** prepareStatusForCreate resets status as each kind's create strategy does. */
export function prepareStatusForCreate(info: ResourceInfo, obj: Mutable): void {
  if (!info.subresources.includes('status') || info.kind === 'Node') return;
  if (info.kind === 'Pod') obj['status'] = { phase: 'Pending', qosClass: podQosClass(obj['spec']) };
  else if (info.kind === 'Namespace') obj['status'] = { phase: 'Active' };
  else if (info.kind === 'Service') obj['status'] = { loadBalancer: {} };
  else obj['status'] = {};
}

/** mergeStatusWrite builds the object a status-subresource write stores: the old object with the new status and annotations. */
export function mergeStatusWrite(info: ResourceInfo, old: KubeObject, input: KubeObject): Mutable {
  const obj = cloneJson(old) as unknown as Mutable;
  if (input['status'] === undefined) delete obj['status'];
  else obj['status'] = cloneJson(input['status']);
  const annotations = input.metadata.annotations;
  if (annotations === undefined || Object.keys(annotations).length === 0) delete obj.metadata['annotations'];
  else obj.metadata['annotations'] = cloneJson(annotations);
  if (info.kind === 'Pod' && input.metadata.labels !== undefined) obj.metadata['labels'] = cloneJson(input.metadata.labels);
  return obj;
}

/** checkPreconditions enforces DeleteOptions.preconditions (uid, resourceVersion): 409 Conflict when they do not hold. */
export function checkPreconditions(info: ResourceInfo, old: KubeObject, opts: DeleteOptions): void {
  const name = old.metadata.name ?? '';
  const uid = opts.preconditions?.uid;
  if (uid !== undefined && uid !== old.metadata.uid)
    throw conflict(info, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
  const rv = opts.preconditions?.resourceVersion;
  if (rv !== undefined && rv !== old.metadata.resourceVersion)
    throw conflict(info, name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${old.metadata.resourceVersion ?? ''}`);
}

/** selectorMatches tells whether an object's labels match a workload's `spec.selector` (for controllers and tests). */
export function selectorMatches(selector: unknown, obj: KubeObject): boolean {
  const reqs = labelSelectorFromSpec(selector);
  return reqs.length > 0 && matchesLabels(reqs, obj.metadata.labels);
}

