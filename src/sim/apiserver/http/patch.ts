import type { KubeObject } from '../../../kube/types.ts';
import { notFound, unsupportedMediaType } from '../../core/api-error.ts';
import { isPlainObject } from '../../core/deep.ts';
import { fieldSetOf } from '../managed-fields.ts';
import { applyJsonPatch, parseJsonPatch } from '../patch/json-patch.ts';
import { applyMergePatch } from '../patch/merge.ts';
import { applyStrategicPatch } from '../patch/strategic.ts';
import { apiVersionOf } from '../resources.ts';
import type { StorageWriteOptions } from '../storage.ts';
import { fieldManagerOf, isDryRun, parseBody, parseObjectBody } from './body.ts';
import { checkFields } from './field-validation.ts';
import type { ApiCall } from './context.ts';
import { sendJson } from './respond.ts';
import { replicasFromScale, scaleOf } from './scale.ts';
import { requireNamespace } from './write.ts';

/** PatchType is a supported PATCH Content-Type. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const CONTENT_TYPES: Readonly<Record<string, PatchType>> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** patchTypeOf maps a Content-Type to the patch type; 415 for anything else. */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const t = CONTENT_TYPES[base];
  if (!t) throw unsupportedMediaType(base);
  return t;
}

/** applyPatch applies one patch body of the given type to `base` and returns the patched value. */
export function applyPatch(type: PatchType, base: KubeObject, call: ApiCall): unknown {
  switch (type) {
    case 'json':
      return applyJsonPatch(base, parseJsonPatch(parseBody(call)));
    case 'merge':
      return applyMergePatch(base, parseBody(call));
    case 'strategic':
    case 'apply':
      return applyStrategicPatch(base, parseBody(call, type === 'apply'));
  }
}

function asObject(v: unknown, fallback: KubeObject): KubeObject {
  if (!isPlainObject(v)) return fallback;
  return { ...v, metadata: isPlainObject(v['metadata']) ? v['metadata'] : {} };
}

/**
 * servePatch answers a PATCH (JSON patch, merge, strategic merge, server-side apply) of an object,
 * its status or its scale. A patch that carries `metadata.resourceVersion` is a precondition (409
 * if stale); otherwise it applies to the latest version. Apply of a missing object creates it.
 */
export function servePatch(call: ApiCall): void {
  const { route, state } = call;
  const name = route.name ?? '';
  const type = patchTypeOf(call.req.headers['content-type']);
  const opts: StorageWriteOptions = {
    fieldManager: fieldManagerOf(call),
    dryRun: isDryRun(call),
    ...(type === 'apply' ? { operation: 'Apply' as const, appliedFields: fieldSetOf(parseObjectBody(call, true)) } : {}),
    ...(route.subresource === 'status' ? { subresource: 'status' as const } : {}),
  };
  if (route.subresource !== 'scale' && type !== 'json') checkFields(call, route.info, parseBody(call, type === 'apply'), type === 'apply' ? 'apply' : 'decode');
  const current = state.store.get(route.info.key, route.namespace, name);
  if (!current) {
    if (type !== 'apply' || route.subresource !== undefined) throw notFound(route.info, name);
    const applied = parseObjectBody(call, true);
    const obj = { ...applied, metadata: { ...applied.metadata, name, ...(route.namespace === undefined ? {} : { namespace: route.namespace }) } };
    requireNamespace(call, route.namespace);
    sendJson(call, 201, state.store.create(route.info.key, obj, opts));
    return;
  }
  const base = route.subresource === 'scale' ? scaleOf(current) : current;
  const patched = asObject(applyPatch(type, base, call), base);
  const rv = patched.metadata.resourceVersion;
  const precondition = rv !== undefined && rv !== base.metadata.resourceVersion ? rv : current.metadata.resourceVersion;
  if (route.subresource === 'scale') {
    const spec = { ...(isPlainObject(current['spec']) ? current['spec'] : {}), replicas: replicasFromScale(patched) };
    const next = { ...current, metadata: { ...current.metadata, resourceVersion: precondition ?? '' }, spec };
    sendJson(call, 200, scaleOf(state.store.update(route.info.key, next, opts)));
    return;
  }
  if (type === 'json') checkFields(call, route.info, patched);
  const next = { ...patched, apiVersion: apiVersionOf(route.info), kind: route.info.kind, metadata: { ...patched.metadata, name, resourceVersion: precondition ?? '' } };
  sendJson(call, 200, state.store.update(route.info.key, next, opts));
}
