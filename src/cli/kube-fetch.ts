import type { KubeHttp } from '../kube/client.ts';
import { apiFailureOf, type RequestSubject } from '../kube/http-errors.ts';
import { projectEvent } from '../model/project-event.ts';
import { projectPod } from '../model/project-pod.ts';
import type { EventRecord, PodRecord } from '../model/records.ts';
import { fieldAt, isUnstructured, mapField, stringField, type Unstructured } from '../track/status/fields.ts';
import type { StatusKind, StatusTarget } from './status-target.ts';

/** StatusSnapshot is what one `rollscope status` reads from a cluster: the object, its current pods, and related events. */
export interface StatusSnapshot {
  /** The object; null when the server says 404. */
  readonly object: Unstructured | null;
  /** Pods of the object's current revision (see currentPods). */
  readonly pods: readonly PodRecord[];
  /** Events in the namespace about the object, its ReplicaSets and those pods. */
  readonly events: readonly EventRecord[];
}

/** WHERE says which API path serves each kind. */
const WHERE: Readonly<Record<StatusKind, { readonly prefix: string; readonly resource: string; readonly group: string }>> = {
  Deployment: { prefix: '/apis/apps/v1', resource: 'deployments', group: 'apps' },
  StatefulSet: { prefix: '/apis/apps/v1', resource: 'statefulsets', group: 'apps' },
  DaemonSet: { prefix: '/apis/apps/v1', resource: 'daemonsets', group: 'apps' },
  ReplicaSet: { prefix: '/apis/apps/v1', resource: 'replicasets', group: 'apps' },
  Pod: { prefix: '/api/v1', resource: 'pods', group: '' },
  Job: { prefix: '/apis/batch/v1', resource: 'jobs', group: 'batch' },
};

/** MAX_PAGES bounds the LIST pages read per collection (500 items each): a one-shot status must not crawl huge namespaces. */
const MAX_PAGES = 10;

/**
 * fetchStatusSnapshot makes plain GETs for one verdict: the object, then (unless it is a Pod or
 * missing) its ReplicaSets (Deployments only), its pods by label selector, and the namespace's
 * events. Errors other than the object's 404 propagate as TrackerErrors (RBAC, unreachable…).
 */
export async function fetchStatusSnapshot(http: KubeHttp, target: StatusTarget, namespace: string, signal: AbortSignal): Promise<StatusSnapshot> {
  const w = WHERE[target.kind];
  const subject = (verb: RequestSubject['verb'], resource: string): RequestSubject => ({ verb, resource, namespace });
  const resourceName = w.group === '' ? w.resource : `${w.resource}.${w.group}`;
  const ns = encodeURIComponent(namespace);
  let object: Unstructured;
  try {
    object = await getJson(http, `${w.prefix}/namespaces/${ns}/${w.resource}/${encodeURIComponent(target.name)}`, {}, subject('get', resourceName), signal);
  } catch (e) {
    if (apiFailureOf(e)?.status === 404) return { object: null, pods: [], events: [] };
    throw e;
  }
  if (target.kind === 'Pod') {
    const events = await listAll(http, `/api/v1/namespaces/${ns}/events`, { fieldSelector: `involvedObject.name=${target.name}` }, subject('list', 'events'), signal);
    return { object, pods: [], events: projectAll(events, projectEvent) };
  }
  const selector = labelSelector(fieldAt(object, 'spec.selector'));
  const replicaSets =
    target.kind === 'Deployment' ? await listAll(http, `/apis/apps/v1/namespaces/${ns}/replicasets`, { labelSelector: selector }, subject('list', 'replicasets.apps'), signal) : [];
  const pods = projectAll(await listAll(http, `/api/v1/namespaces/${ns}/pods`, { labelSelector: selector }, subject('list', 'pods'), signal), (o) => projectPod(o));
  const current = currentPods(object, pods, replicaSets);
  const names = new Set([target.name, ...replicaSets.map((rs) => stringField(rs, 'metadata.name')), ...current.map((p) => p.name)]);
  const events = projectAll(await listAll(http, `/api/v1/namespaces/${ns}/events`, {}, subject('list', 'events'), signal), projectEvent).filter((e) => names.has(e.involved.name));
  return { object, pods: current, events };
}

/**
 * currentPods selects the pods of the object's newest revision: for a Deployment, the pods whose
 * pod-template-hash is that of its ReplicaSet at the Deployment's revision; for a StatefulSet, the
 * pods at status.updateRevision; otherwise the pods it controls.
 */
export function currentPods(object: Unstructured, pods: readonly PodRecord[], replicaSets: readonly Unstructured[]): PodRecord[] {
  const uid = stringField(object, 'metadata.uid');
  switch (stringField(object, 'kind')) {
    case 'Deployment': {
      const revision = mapField(object, 'metadata.annotations')['deployment.kubernetes.io/revision'];
      const rs = replicaSets.find((r) => isControlledBy(r, uid) && mapField(r, 'metadata.annotations')['deployment.kubernetes.io/revision'] === revision);
      const hash = rs ? mapField(rs, 'metadata.labels')['pod-template-hash'] : undefined;
      return hash === undefined ? [...pods] : pods.filter((p) => p.templateHash === hash);
    }
    case 'StatefulSet': {
      const revision = stringField(object, 'status.updateRevision');
      return pods.filter((p) => p.owner?.uid === uid && (revision === '' || p.templateHash === revision));
    }
    default:
      return pods.filter((p) => p.owner === null || p.owner.uid === uid);
  }
}

function isControlledBy(obj: Unstructured, uid: string): boolean {
  const refs = fieldAt(obj, 'metadata.ownerReferences');
  return Array.isArray(refs) && refs.some((r) => isUnstructured(r) && r.controller === true && r.uid === uid);
}

/**
 * labelSelector writes a LabelSelector as a query string: matchLabels as `k=v`, matchExpressions
 * as `k in (a,b)`, `k notin (a)`, `k`, `!k`. Example: {matchLabels: {app: web}} → "app=web".
 */
export function labelSelector(sel: unknown): string {
  const parts = Object.entries(mapField(sel, 'matchLabels')).map(([k, v]) => `${k}=${v}`);
  const exprs = fieldAt(sel, 'matchExpressions');
  for (const e of Array.isArray(exprs) ? exprs.filter(isUnstructured) : []) {
    const key = stringField(e, 'key');
    const values = Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : [];
    const op = stringField(e, 'operator');
    if (op === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (op === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (op === 'Exists') parts.push(key);
    else if (op === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

async function getJson(http: KubeHttp, path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured> {
  const res = await http.get(path, query, subject, signal);
  const body: unknown = await res.json();
  return isUnstructured(body) ? body : {};
}

async function listAll(http: KubeHttp, path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Unstructured[]> {
  const items: Unstructured[] = [];
  let cont = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = await getJson(http, path, { ...query, limit: '500', ...(cont === '' ? {} : { continue: cont }) }, subject, signal);
    const pageItems = list.items;
    if (Array.isArray(pageItems)) items.push(...pageItems.filter(isUnstructured));
    cont = stringField(list, 'metadata.continue');
    if (cont === '') break;
  }
  return items;
}

function projectAll<T>(objects: readonly Unstructured[], project: (o: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string }): T[] {
  return objects.flatMap((o) => {
    const r = project(o);
    return r.ok ? [r.value] : []; // a malformed item must not hide the verdict of the others
  });
}
