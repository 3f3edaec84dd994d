import type { KubeObject, ListMeta } from '../../../kube/types.ts';
import type { Instant } from '../../../lib/clock.ts';
import { formatAge } from '../../../model/duration.ts';
import { isPlainObject } from '../../core/deep.ts';
import type { ResourceInfo } from '../resources.ts';
import { selectorString } from './scale.ts';

/** wantsTable tells whether an Accept header asks for server-side printing (`as=Table;g=meta.k8s.io`), as kubectl get does. */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

type Cell = string | number;
interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'date';
  readonly priority?: number;
  readonly cell: (o: KubeObject, now: Instant) => Cell;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const spec = (o: KubeObject): Obj => obj(o['spec']);
const status = (o: KubeObject): Obj => obj(o['status']);

const since = (t: unknown, now: Instant): string => (typeof t === 'string' && t !== '' ? formatAge(now - Date.parse(t)) : '<unknown>');
const age: Column = { name: 'Age', type: 'string', cell: (o, now) => since(o.metadata.creationTimestamp, now) };
const name: Column = { name: 'Name', type: 'string', cell: (o) => o.metadata.name ?? '' };

function templateContainers(o: KubeObject): Obj[] {
  const podSpec = obj(obj(spec(o)['template'])['spec']);
  return Array.isArray(podSpec['containers']) ? (podSpec['containers'] as unknown[]).map(obj) : [];
}
const containersCol: Column = { name: 'Containers', type: 'string', priority: 1, cell: (o) => templateContainers(o).map((c) => str(c['name'])).join(',') };
const imagesCol: Column = { name: 'Images', type: 'string', priority: 1, cell: (o) => templateContainers(o).map((c) => str(c['image'])).join(',') };
const selectorCol: Column = { name: 'Selector', type: 'string', priority: 1, cell: (o) => selectorString(spec(o)['selector']) };

function containerStatuses(o: KubeObject, key = 'containerStatuses'): Obj[] {
  const list = status(o)[key];
  return Array.isArray(list) ? (list as unknown[]).map(obj) : [];
}

/** podPhaseReason computes the STATUS column of `kubectl get pods` (printers.go printPod, simplified for init containers). */
export function podPhaseReason(o: KubeObject): string {
  let reason = str(status(o)['reason']) || str(status(o)['phase']);
  let hasRunning = false;
  for (const cs of containerStatuses(o).reverse()) {
    const state = obj(cs['state']);
    const waiting = obj(state['waiting']);
    const terminated = obj(state['terminated']);
    if (str(waiting['reason']) !== '') reason = str(waiting['reason']);
    else if (str(terminated['reason']) !== '') reason = str(terminated['reason']);
    else if (isPlainObject(state['terminated'])) reason = num(terminated['signal']) !== 0 ? `Signal:${num(terminated['signal'])}` : `ExitCode:${num(terminated['exitCode'])}`;
    else if (isPlainObject(state['running']) && cs['ready'] === true) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning) reason = 'Running';
  if (o.metadata.deletionTimestamp !== undefined) reason = status(o)['reason'] === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(o: KubeObject, now: Instant): string {
  let restarts = 0;
  let last = 0;
  for (const cs of containerStatuses(o)) {
    restarts += num(cs['restartCount']);
    const finished = str(obj(obj(cs['lastState'])['terminated'])['finishedAt']);
    if (finished !== '') last = Math.max(last, Date.parse(finished));
  }
  return restarts > 0 && last > 0 ? `${restarts} (${formatAge(now - last)} ago)` : String(restarts);
}

function eventObject(o: KubeObject): string {
  const io = obj(o['involvedObject'] ?? o['regarding']);
  return `${str(io['kind']).toLowerCase()}/${str(io['name'])}`;
}

function eventLastSeen(o: KubeObject, now: Instant): string {
  const series = obj(o['series']);
  const t = str(series['lastObservedTime']) || str(o['lastTimestamp']) || str(o['deprecatedLastTimestamp']) || str(o['eventTime']) || o.metadata.creationTimestamp;
  return since(t, now);
}

function hasCondition(o: KubeObject, type: string): boolean {
  const conds = Array.isArray(status(o)['conditions']) ? (status(o)['conditions'] as unknown[]).map(obj) : [];
  return conds.some((c) => c['type'] === type && c['status'] === 'True');
}

/** jobStatusCell is the STATUS column of `kubectl get jobs` (printers.go printJob, 1.30+). */
function jobStatusCell(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp !== undefined) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** jobCompletions is the COMPLETIONS column: `succeeded/completions`, or `n/1 of P` for a work queue. */
function jobCompletions(o: KubeObject): string {
  const succeeded = num(status(o)['succeeded']);
  if (typeof spec(o)['completions'] === 'number') return `${succeeded}/${num(spec(o)['completions'])}`;
  const parallelism = num(spec(o)['parallelism']);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** jobDuration is the DURATION column: start to completion, or to now while running; empty before start. */
function jobDuration(o: KubeObject, now: Instant): string {
  const start = str(status(o)['startTime']);
  if (start === '') return '';
  const done = str(status(o)['completionTime']);
  return formatAge((done === '' ? now : Date.parse(done)) - Date.parse(start));
}

// Columns per kind, as kube-apiserver's printers (pkg/printers/internalversion/printers.go) define them.
const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  Deployment: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${num(status(o)['readyReplicas'])}/${num(spec(o)['replicas'])}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(status(o)['updatedReplicas']) },
    { name: 'Available', type: 'integer', cell: (o) => num(status(o)['availableReplicas']) },
    age, containersCol, imagesCol, selectorCol,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(spec(o)['replicas']) },
    { name: 'Current', type: 'integer', cell: (o) => num(status(o)['replicas']) },
    { name: 'Ready', type: 'integer', cell: (o) => num(status(o)['readyReplicas']) },
    age, containersCol, imagesCol, selectorCol,
  ],
  StatefulSet: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${num(status(o)['readyReplicas'])}/${num(spec(o)['replicas'])}` },
    age, containersCol, imagesCol,
  ],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (o) => num(status(o)['desiredNumberScheduled']) },
    { name: 'Current', type: 'integer', cell: (o) => num(status(o)['currentNumberScheduled']) },
    { name: 'Ready', type: 'integer', cell: (o) => num(status(o)['numberReady']) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(status(o)['updatedNumberScheduled']) },
    { name: 'Available', type: 'integer', cell: (o) => num(status(o)['numberAvailable']) },
    { name: 'Node Selector', type: 'string', cell: (o) => { const ns = obj(obj(obj(spec(o)['template'])['spec'])['nodeSelector']); const s = Object.keys(ns).sort().map((k) => `${k}=${str(ns[k])}`).join(','); return s === '' ? '<none>' : s; } },
    age, containersCol, imagesCol, selectorCol,
  ],
  Job: [
    name,
    { name: 'Status', type: 'string', cell: jobStatusCell },
    { name: 'Completions', type: 'string', cell: jobCompletions },
    { name: 'Duration', type: 'string', cell: jobDuration },
    age, containersCol, imagesCol, selectorCol,
  ],
  Pod: [
    name,
    { name: 'Ready', type: 'string', cell: (o) => `${containerStatuses(o).filter((c) => c['ready'] === true).length}/${Array.isArray(spec(o)['containers']) ? (spec(o)['containers'] as unknown[]).length : 0}` },
    { name: 'Status', type: 'string', cell: (o) => podPhaseReason(o) },
    { name: 'Restarts', type: 'string', cell: (o, now) => podRestarts(o, now) },
    age,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => str(status(o)['podIP']) || '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => str(spec(o)['nodeName']) || '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: (o) => str(status(o)['nominatedNodeName']) || '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' },
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: eventLastSeen },
    { name: 'Type', type: 'string', cell: (o) => str(o['type']) },
    { name: 'Reason', type: 'string', cell: (o) => str(o['reason']) },
    { name: 'Object', type: 'string', cell: eventObject },
    { name: 'Message', type: 'string', cell: (o) => str(o['message'] ?? o['note']) },
  ],
  Namespace: [name, { name: 'Status', type: 'string', cell: (o) => str(status(o)['phase']) }, age],
  Node: [
    name,
    { name: 'Status', type: 'string', cell: (o) => { const conds = Array.isArray(status(o)['conditions']) ? (status(o)['conditions'] as unknown[]).map(obj) : []; const ready = conds.find((c) => c['type'] === 'Ready'); const s = ready?.['status'] === 'True' ? 'Ready' : 'NotReady'; return spec(o)['unschedulable'] === true ? `${s},SchedulingDisabled` : s; } },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    age,
    { name: 'Version', type: 'string', cell: (o) => str(obj(status(o)['nodeInfo'])['kubeletVersion']) },
  ],
  Service: [
    name,
    { name: 'Type', type: 'string', cell: (o) => str(spec(o)['type']) },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(spec(o)['clusterIP']) || '<none>' },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', cell: (o) => (Array.isArray(spec(o)['ports']) ? (spec(o)['ports'] as unknown[]).map(obj).map((p) => `${num(p['port'])}/${str(p['protocol']) || 'TCP'}`).join(',') : '<none>') },
    age,
  ],
  ConfigMap: [name, { name: 'Data', type: 'integer', cell: (o) => Object.keys(obj(o['data'])).length + Object.keys(obj(o['binaryData'])).length }, age],
  Secret: [name, { name: 'Type', type: 'string', cell: (o) => str(o['type']) }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(obj(o['data'])).length }, age],
  ControllerRevision: [
    name,
    { name: 'Controller', type: 'string', cell: (o) => { const c = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true); return c ? `${c.kind.toLowerCase()}.${c.apiVersion.split('/')[0] ?? ''}/${c.name}` : '<none>'; } },
    { name: 'Revision', type: 'integer', cell: (o) => num(o['revision']) },
    age,
  ],
  Lease: [name, { name: 'Holder', type: 'string', cell: (o) => str(spec(o)['holderIdentity']) }, age],
  // kubectl's printers (pkg/printers/internalversion): at most three endpoints, then "+ N more...".
  EndpointSlice: [
    name,
    { name: 'AddressType', type: 'string', cell: (o) => str(o['addressType']) },
    { name: 'Ports', type: 'string', cell: (o) => { const ps = Array.isArray(o['ports']) ? (o['ports'] as unknown[]).map(obj) : []; return ps.length ? ps.map((p) => String(num(p['port']))).join(',') : '<unset>'; } },
    { name: 'Endpoints', type: 'string', cell: (o) => { const ips = (Array.isArray(o['endpoints']) ? (o['endpoints'] as unknown[]).map(obj) : []).flatMap((e) => (Array.isArray(e['addresses']) ? (e['addresses'] as unknown[]).map(str) : [])); return ips.length === 0 ? '<unset>' : ips.length > 3 ? `${ips.slice(0, 3).join(',')} + ${ips.length - 3} more...` : ips.join(','); } },
    age,
  ],
  Endpoints: [
    name,
    { name: 'Endpoints', type: 'string', cell: (o) => { const pairs = (Array.isArray(o['subsets']) ? (o['subsets'] as unknown[]).map(obj) : []).flatMap((sub) => { const ports = Array.isArray(sub['ports']) ? (sub['ports'] as unknown[]).map(obj) : []; const addrs = Array.isArray(sub['addresses']) ? (sub['addresses'] as unknown[]).map(obj) : []; return addrs.flatMap((a) => (ports.length ? ports.map((p) => `${str(a['ip'])}:${num(p['port'])}`) : [str(a['ip'])])); }); return pairs.length === 0 ? '<none>' : pairs.length > 3 ? `${pairs.slice(0, 3).join(',')} + ${pairs.length - 3} more...` : pairs.join(','); } },
    age,
  ],
};

/** partialMetadata is the row object for `includeObject=Metadata`. */
function partialMetadata(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/**
 * tableFor renders objects as a meta.k8s.io/v1 Table (server-side printing, what `kubectl get`
 * asks for), with the real printers' columns. `includeObject`: None | Metadata (default) | Object.
 */
export function tableFor(info: ResourceInfo, items: readonly KubeObject[], meta: ListMeta, includeObject: string, now: Instant): unknown {
  const columns = COLUMNS[info.kind] ?? [name, { name: 'Created At', type: 'date', cell: (o: KubeObject) => o.metadata.creationTimestamp ?? '' }];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.name === 'Name' ? 'name' : '', description: '', priority: c.priority ?? 0 })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      ...(includeObject === 'None' ? {} : { object: includeObject === 'Object' ? o : partialMetadata(o) }),
    })),
  };
}
