import type { KubeObject } from '../../kube/types.ts';
import type { SimContext } from '../core/context.ts';
import { deepEqual } from '../core/deep.ts';
import { int, record, records, text } from '../core/fields.ts';
import { labelSelectorFromSpec, matchesLabels } from '../core/selectors.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * The simulated EndpointSlice and Endpoints controllers (Kubernetes pkg/controller/endpointslice and
 * pkg/controller/endpoint), for every Service with a selector:
 * - one endpoint per pod that matches the selector and has an IP and is not finished, with
 *   conditions `ready` (pod Ready and not terminating), `serving` (pod Ready, terminating or not) and
 *   `terminating` (deletionTimestamp set) — so a terminating pod is `ready: false` at once;
 *   `targetRef` to the pod and its `nodeName`;
 * - ports resolved per pod (a named `targetPort` looked up in the pod's container ports); pods that
 *   resolve differently get separate slices, as the real controller groups endpoints by port set;
 * - slices labelled `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`, owned by
 *   the Service (garbage-collected with it), named `<service>-<suffix>`, rewritten only on change;
 * - core/v1 Endpoints named like the Service: ready addresses, `notReadyAddresses` for pods not yet
 *   ready, terminating pods left out (publishNotReadyAddresses unset).
 */

const MANAGED_BY = 'endpointslice-controller.k8s.io';
const SLICES = 'endpointslices.discovery.k8s.io';

interface ServicePort {
  readonly name: string;
  readonly protocol: string;
  readonly targetPort: number | string;
}

function servicePorts(svc: KubeObject): ServicePort[] {
  return records(record(svc.spec).ports).map((p) => ({
    name: text(p.name) ?? '',
    protocol: text(p.protocol) ?? 'TCP',
    targetPort: typeof p.targetPort === 'string' ? p.targetPort : (int(p.targetPort) ?? int(p.port) ?? 0),
  }));
}

/** resolvePort finds a Service port's target on one pod: a number as is, a name among its container ports. */
function resolvePort(pod: KubeObject, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of records(record(pod.spec).containers)) for (const p of records(c.ports)) if (text(p.name) === target) return int(p.containerPort);
  return undefined;
}

function podReady(pod: KubeObject): boolean {
  return records(record(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

function ownerRef(svc: KubeObject): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** startEndpointSliceController keeps EndpointSlices and Endpoints of every selector Service current. */
export function startEndpointSliceController(ctx: SimContext): () => void {
  const { store } = ctx;
  const suffix = (): string => Array.from({ length: 5 }, () => 'bcdfghjklmnpqrstvwxz2456789'[Math.floor(ctx.random() * 27)]).join('');

  const reconcile = (key: string): void => {
    const [namespace = '', name = ''] = key.split('/');
    const svc = store.get('services', namespace, name);
    const selector = record(record(svc?.spec).selector);
    if (!svc || Object.keys(selector).length === 0 || svc.metadata.deletionTimestamp !== undefined) return; // deleted: its slices go with it (ownerReferences)
    const ports = servicePorts(svc);
    const pods = store.list('pods', { namespace }).filter((p) => {
      const phase = text(record(p.status).phase);
      return matchesLabels(labelSelectorFromSpec({ matchLabels: selector }), p.metadata.labels) && text(record(p.status).podIP) !== undefined && phase !== 'Succeeded' && phase !== 'Failed';
    });
    // Group endpoints by their resolved ports (one slice per distinct port set).
    const groups = new Map<string, { ports: Record<string, unknown>[]; endpoints: Record<string, unknown>[] }>();
    const subsets = new Map<string, { ports: Record<string, unknown>[]; addresses: Record<string, unknown>[]; notReadyAddresses: Record<string, unknown>[] }>();
    for (const pod of [...pods].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      const resolved = ports.map((p) => ({ name: p.name, protocol: p.protocol, port: resolvePort(pod, p.targetPort) })).filter((p) => p.port !== undefined);
      const sig = JSON.stringify(resolved);
      const ready = podReady(pod);
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const ip = text(record(pod.status).podIP) ?? '';
      const nodeName = text(record(pod.spec).nodeName);
      const targetRef = { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid };
      const g = groups.get(sig) ?? { ports: resolved, endpoints: [] as Record<string, unknown>[] };
      g.endpoints.push({ addresses: [ip], conditions: { ready: ready && !terminating, serving: ready, terminating }, ...(nodeName === undefined ? {} : { nodeName }), targetRef });
      groups.set(sig, g);
      if (!terminating) {
        const sub = subsets.get(sig) ?? { ports: resolved, addresses: [] as Record<string, unknown>[], notReadyAddresses: [] as Record<string, unknown>[] };
        (ready ? sub.addresses : sub.notReadyAddresses).push({ ip, ...(nodeName === undefined ? {} : { nodeName }), targetRef });
        subsets.set(sig, sub);
      }
    }
    if (groups.size === 0) groups.set('[]', { ports: ports.map((p) => ({ name: p.name, protocol: p.protocol, port: typeof p.targetPort === 'number' ? p.targetPort : undefined })).filter((p) => p.port !== undefined), endpoints: [] });

    const existing = store.list(SLICES, { namespace, labelSelector: `kubernetes.io/service-name=${name},endpointslice.kubernetes.io/managed-by=${MANAGED_BY}` });
    const spare = [...existing];
    for (const g of groups.values()) {
      const labels = { ...(svc.metadata.labels ?? {}), 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY };
      const body = { addressType: 'IPv4', endpoints: g.endpoints, ports: g.ports };
      const current = spare.shift();
      if (current === undefined) {
        store.create(SLICES, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${name}-${suffix()}`, namespace, labels, ownerReferences: [ownerRef(svc)] }, ...body }, { fieldManager: MANAGED_BY });
      } else {
        const c = current as KubeObject & Record<string, unknown>;
        if (deepEqual({ addressType: c.addressType, endpoints: c.endpoints ?? [], ports: c.ports ?? [] }, body) && deepEqual(c.metadata.labels, labels)) continue;
        store.update(SLICES, { ...current, metadata: { ...current.metadata, labels }, ...body }, { fieldManager: MANAGED_BY });
      }
    }
    for (const extra of spare) store.delete(SLICES, namespace, extra.metadata.name ?? '');

    const endpoints = { subsets: [...subsets.values()].map((s) => ({ ...(s.addresses.length ? { addresses: s.addresses } : {}), ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}), ports: s.ports })) };
    const ep = store.get('endpoints', namespace, name);
    if (ep === undefined)
      store.create('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels: { ...(svc.metadata.labels ?? {}) } }, ...(endpoints.subsets.length ? endpoints : {}) }, { fieldManager: 'endpoint-controller' });
    else if (!deepEqual((ep as KubeObject & { subsets?: unknown }).subsets ?? [], endpoints.subsets)) {
      const { subsets: _old, ...rest } = ep as KubeObject & { subsets?: unknown };
      store.update('endpoints', { ...rest, ...(endpoints.subsets.length ? endpoints : {}) }, { fieldManager: 'endpoint-controller' });
    }
  };

  const queue = new WorkQueue({ clock: ctx.clock, process: reconcile });
  const servicesSelecting = (pod: KubeObject): string[] =>
    store
      .list('services', { namespace: pod.metadata.namespace ?? '' })
      .filter((s) => {
        const sel = record(record(s.spec).selector);
        return Object.keys(sel).length > 0 && matchesLabels(labelSelectorFromSpec({ matchLabels: sel }), pod.metadata.labels);
      })
      .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);

  const unsubscribers = [
    store.subscribe('services', (c) => queue.add(`${c.object.metadata.namespace}/${c.object.metadata.name}`)),
    store.subscribe('pods', (c) => {
      for (const key of new Set([...servicesSelecting(c.object), ...(c.previous ? servicesSelecting(c.previous) : [])])) queue.add(key);
    }),
  ];
  for (const s of store.list('services')) queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
  return () => {
    for (const u of unsubscribers) u();
    queue.stop();
  };
}
