import type { RequestSubject } from '../../kube/http-errors.ts';
import type { Instant } from '../../lib/clock.ts';
import { controllerUidOf, isTerminating, labelsOf, nameOfObj } from '../../migration/manifests.ts';
import type { Observed, PodObs, ServiceObs } from '../../migration/observed.ts';
import { mapSelectorMatches, readLabels } from '../../migration/selector.ts';
import { fieldAt, isUnstructured, type Unstructured } from '../../track/status/fields.ts';
import type { MigrationApi } from './api.ts';

/**
 * Reads of the cluster for the migration controller: one observation per planner step (the
 * Deployment, its copy, the namespace's ReplicaSets, pods, Services and EndpointSlices), and the
 * namespace's objects the pre-flight checks look at.
 */

const apps = (ns: string, resource: string, name?: string): string => `/apis/apps/v1/namespaces/${ns}/${resource}${name === undefined ? '' : `/${name}`}`;
const subject = (verb: RequestSubject['verb'], resource: string, namespace: string): RequestSubject => ({ verb, resource, namespace });

/** readDeployment GETs one Deployment (with kind/apiVersion set); null when absent. */
export async function readDeployment(api: MigrationApi, ns: string, name: string, signal: AbortSignal): Promise<Unstructured | null> {
  const d = await api.get(apps(ns, 'deployments', name), subject('get', 'deployments.apps', ns), signal);
  return d === null ? null : { ...d, kind: 'Deployment', apiVersion: 'apps/v1' };
}

function podObs(p: Unstructured): PodObs {
  const conditions = fieldAt(p, 'status.conditions');
  const ready = Array.isArray(conditions) && (conditions as unknown[]).some((c) => isUnstructured(c) && c.type === 'Ready' && c.status === 'True');
  return { name: nameOfObj(p), labels: labelsOf(p), ownerUid: controllerUidOf(p), ready, terminating: isTerminating(p) };
}

/**
 * servicesWithEndpoints pairs each Service with the pods its EndpointSlices list as `ready`
 * (discovery.k8s.io/v1, label kubernetes.io/service-name). A cluster that serves no EndpointSlices
 * gets the endpoint-slice controller's rule applied to the pods instead: Ready, not terminating,
 * matching the selector.
 */
function servicesWithEndpoints(services: readonly Unstructured[], slices: readonly Unstructured[] | null, pods: readonly PodObs[]): ServiceObs[] {
  return services.map((s) => {
    const name = nameOfObj(s);
    const selector = readLabels(fieldAt(s, 'spec.selector'));
    if (slices === null) return { name, selector, readyPods: pods.filter((p) => p.ready && !p.terminating && mapSelectorMatches(selector, p.labels)).map((p) => p.name) };
    const ready = new Set<string>();
    for (const slice of slices) {
      if (labelsOf(slice)['kubernetes.io/service-name'] !== name || !Array.isArray(slice.endpoints)) continue;
      for (const e of slice.endpoints as unknown[]) {
        if (!isUnstructured(e) || fieldAt(e, 'conditions.ready') !== true) continue;
        const target = fieldAt(e, 'targetRef.name');
        if (typeof target === 'string') ready.add(target);
      }
    }
    return { name, selector, readyPods: [...ready] };
  });
}

/** endpointSlicesServed tells whether the cluster serves discovery.k8s.io/v1 (decided once per run). */
export async function endpointSlicesServed(api: MigrationApi, signal: AbortSignal): Promise<boolean> {
  const r = await api.get('/apis/discovery.k8s.io/v1', subject('get', 'endpointslices.discovery.k8s.io', ''), signal);
  return r !== null;
}

/** observe reads everything one planner step looks at. */
export async function observe(api: MigrationApi, ns: string, name: string, copyName: string, useSlices: boolean, now: () => Instant, signal: AbortSignal): Promise<Observed> {
  const [deployment, copy, replicaSets, podList, services, slices] = await Promise.all([
    readDeployment(api, ns, name, signal),
    readDeployment(api, ns, copyName, signal),
    api.list(apps(ns, 'replicasets'), subject('list', 'replicasets.apps', ns), signal),
    api.list(`/api/v1/namespaces/${ns}/pods`, subject('list', 'pods', ns), signal),
    api.list(`/api/v1/namespaces/${ns}/services`, subject('list', 'services', ns), signal),
    useSlices ? api.list(`/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, subject('list', 'endpointslices.discovery.k8s.io', ns), signal) : Promise.resolve(null),
  ]);
  const pods = podList.map(podObs);
  return { namespace: ns, name, deployment, copy, replicaSets, pods, services: servicesWithEndpoints(services, slices, pods), now: now() };
}

/** NamespaceObjects are what the pre-flight checks read. */
export interface NamespaceObjects {
  readonly services: readonly { readonly name: string; readonly selector: Readonly<Record<string, string>> }[];
  readonly pdbs: readonly Unstructured[];
  readonly hpas: readonly Unstructured[];
  readonly deployments: readonly Unstructured[];
  readonly replicaSets: readonly Unstructured[];
}

/** readNamespace lists the pre-flight's objects (PDBs and HPAs are [] where the cluster does not serve them). */
export async function readNamespace(api: MigrationApi, ns: string, signal: AbortSignal): Promise<NamespaceObjects> {
  const [services, pdbs, hpas, deployments, replicaSets] = await Promise.all([
    api.list(`/api/v1/namespaces/${ns}/services`, subject('list', 'services', ns), signal),
    api.list(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, subject('list', 'poddisruptionbudgets.policy', ns), signal),
    api.list(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, subject('list', 'horizontalpodautoscalers.autoscaling', ns), signal),
    api.list(apps(ns, 'deployments'), subject('list', 'deployments.apps', ns), signal),
    api.list(apps(ns, 'replicasets'), subject('list', 'replicasets.apps', ns), signal),
  ]);
  return { services: services.map((s) => ({ name: nameOfObj(s), selector: readLabels(fieldAt(s, 'spec.selector')) })), pdbs, hpas, deployments, replicaSets };
}
