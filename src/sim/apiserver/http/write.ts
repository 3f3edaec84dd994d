import { checkFields } from './field-validation.ts';
import type { KubeObject } from '../../../kube/types.ts';
import { badRequest, isSimApiError, methodNotAllowed, notFound, SimApiError, failureStatus } from '../../core/api-error.ts';
import { isPlainObject } from '../../core/deep.ts';
import { apiVersionOf } from '../resources.ts';
import type { DeleteOptions } from '../../core/store-api.ts';
import { fieldManagerOf, isDryRun, parseObjectBody } from './body.ts';
import type { ApiCall } from './context.ts';
import { currentObjects } from './list-get.ts';
import { sendJson, successStatus } from './respond.ts';
import { replicasFromScale, scaleOf } from './scale.ts';
import { listJson } from './serialize.ts';

// Registries with ReturnDeletedObject: a DELETE answers with the object rather than a Success Status.
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'namespaces']);
// Registries with AllowCreateOnUpdate: a PUT of a missing object creates it.
const CREATE_ON_UPDATE = new Set(['events', 'events.events.k8s.io', 'leases.coordination.k8s.io']);

function checkTypeAndNamespace(call: ApiCall, obj: KubeObject): KubeObject {
  const { info, namespace } = call.route;
  const want = apiVersionOf(info);
  if (obj.apiVersion !== undefined && obj.apiVersion !== want)
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`, `send apiVersion ${want}`);
  if (obj.kind !== undefined && obj.kind !== info.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${info.kind})`, `send kind ${info.kind}`);
  if (!info.namespaced) return obj;
  if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && namespace !== undefined && obj.metadata.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request', 'drop metadata.namespace or use the same namespace in the URL');
  return { ...obj, metadata: { ...obj.metadata, namespace: namespace ?? obj.metadata.namespace ?? 'default' } };
}

/** requireNamespace rejects writes into a namespace that does not exist or is terminating (NamespaceLifecycle admission). */
export function requireNamespace(call: ApiCall, namespace: string | undefined): void {
  if (!call.route.info.namespaced || namespace === undefined) return;
  const ns = call.state.store.get('namespaces', undefined, namespace);
  if (!ns) throw notFound({ resource: 'namespaces', group: '', kind: 'Namespace' }, namespace);
  if (ns.metadata.deletionTimestamp !== undefined && call.verb === 'create')
    throw new SimApiError(
      failureStatus({ code: 403, reason: 'Forbidden', message: `${call.route.info.resource} "${call.route.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, details: { name: call.route.name ?? '', kind: call.route.info.resource } }),
      'wait for the namespace to be deleted, then recreate it',
    );
}

/** serveCreate answers a POST to a collection: 201 with the stored object. */
export function serveCreate(call: ApiCall): void {
  if (call.route.subresource !== undefined || call.route.name !== undefined) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  const obj = checkTypeAndNamespace(call, parseObjectBody(call));
  checkFields(call, call.route.info, obj);
  requireNamespace(call, obj.metadata.namespace);
  const created = call.state.store.create(call.route.info.key, obj, { fieldManager: fieldManagerOf(call), dryRun: isDryRun(call) });
  sendJson(call, 201, created);
}

/** serveUpdate answers a PUT of an object, its status, or its scale. */
export function serveUpdate(call: ApiCall): void {
  const { route, state } = call;
  const name = route.name ?? '';
  const body = parseObjectBody(call);
  if (body.metadata.name !== undefined && body.metadata.name !== name)
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`, 'use the same name in the body and the URL');
  const opts = { fieldManager: fieldManagerOf(call), dryRun: isDryRun(call) };
  if (route.subresource === 'scale') {
    const current = state.store.get(route.info.key, route.namespace, name);
    if (!current) throw notFound(route.info, name);
    const rv = body.metadata.resourceVersion;
    const next = { ...current, metadata: { ...current.metadata, ...(rv ? { resourceVersion: rv } : {}) }, spec: { ...(isPlainObject(current['spec']) ? current['spec'] : {}), replicas: replicasFromScale(body) } };
    sendJson(call, 200, scaleOf(state.store.update(route.info.key, next, opts)));
    return;
  }
  if (route.subresource !== undefined && route.subresource !== 'status') throw notFound(route.info, name);
  const obj = checkTypeAndNamespace(call, { ...body, metadata: { ...body.metadata, name } });
  checkFields(call, route.info, obj);
  try {
    const updated = state.store.update(route.info.key, obj, { ...opts, ...(route.subresource === 'status' ? { subresource: 'status' as const } : {}) });
    sendJson(call, 200, updated);
  } catch (e) {
    if (!(isSimApiError(e) && e.status.code === 404 && CREATE_ON_UPDATE.has(route.info.key))) throw e;
    requireNamespace(call, obj.metadata.namespace);
    sendJson(call, 201, state.store.create(route.info.key, obj, opts));
  }
}

function deleteOptionsOf(call: ApiCall): DeleteOptions {
  let body: Record<string, unknown> = {};
  if (call.body.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(call.body);
    } catch {
      throw badRequest('the body of the request is not valid DeleteOptions JSON', 'send {"kind":"DeleteOptions","apiVersion":"v1",…} or no body');
    }
    if (isPlainObject(parsed)) body = parsed;
  }
  const q = call.query;
  const rawPolicy = body['propagationPolicy'] ?? q.get('propagationPolicy') ?? (body['orphanDependents'] === true ? 'Orphan' : undefined);
  const policy = typeof rawPolicy === 'string' ? rawPolicy : undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy))
    throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  const grace = body['gracePeriodSeconds'] ?? (q.get('gracePeriodSeconds') !== null ? Number(q.get('gracePeriodSeconds')) : undefined);
  const pre = isPlainObject(body['preconditions']) ? body['preconditions'] : {};
  const dryRun = Array.isArray(body['dryRun']) ? body['dryRun'].includes('All') : isDryRun(call);
  return {
    ...(typeof policy === 'string' ? { propagationPolicy: policy as 'Background' | 'Foreground' | 'Orphan' } : {}),
    ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    preconditions: {
      ...(typeof pre['uid'] === 'string' ? { uid: pre['uid'] } : {}),
      ...(typeof pre['resourceVersion'] === 'string' ? { resourceVersion: pre['resourceVersion'] } : {}),
    },
    dryRun,
  };
}

/** gracePeriodDefault is the grace period a pod delete uses when the client sends none: the pod's terminationGracePeriodSeconds. */
function withPodGrace(call: ApiCall, opts: DeleteOptions, name: string): DeleteOptions {
  if (call.route.info.key !== 'pods' || opts.gracePeriodSeconds !== undefined) return opts;
  const pod = call.state.store.get('pods', call.route.namespace, name);
  const spec = pod && isPlainObject(pod['spec']) ? pod['spec'] : {};
  const grace = typeof spec['terminationGracePeriodSeconds'] === 'number' ? spec['terminationGracePeriodSeconds'] : 30;
  return { ...opts, gracePeriodSeconds: grace };
}

/** serveDelete answers a DELETE of one object: 200 (gone) or 202 (pending: finalizers, foreground, graceful). */
export function serveDelete(call: ApiCall): void {
  const { route, state } = call;
  const name = route.name ?? '';
  const opts = withPodGrace(call, deleteOptionsOf(call), name);
  const gone = state.store.delete(route.info.key, route.namespace, name, opts);
  const still = state.store.get(route.info.key, route.namespace, name);
  if (still && !opts.dryRun) {
    sendJson(call, 202, still);
    return;
  }
  if (RETURNS_DELETED_OBJECT.has(route.info.key) || !gone) {
    sendJson(call, 200, gone ?? {});
    return;
  }
  sendJson(call, 200, successStatus({ name, group: route.info.group, kind: route.info.resource, ...(gone.metadata.uid ? { uid: gone.metadata.uid } : {}) }));
}

/** serveDeleteCollection deletes every selected object and answers with the list of them. */
export function serveDeleteCollection(call: ApiCall): void {
  const { route, state } = call;
  const opts = deleteOptionsOf(call);
  const gone: KubeObject[] = [];
  for (const o of currentObjects(call)) {
    const d = state.store.delete(route.info.key, o.metadata.namespace, o.metadata.name ?? '', opts);
    if (d) gone.push(d);
  }
  sendJson(call, 200, listJson(route.info.kind, apiVersionOf(route.info), { resourceVersion: state.store.currentResourceVersion() }, gone));
}
