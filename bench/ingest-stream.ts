// The stream both informers ingest in bench/ingest.bench.ts: real-shaped Pods and Deployments (as
// the simulated cluster and a real API server serve them: managedFields, status, owner references,
// service-account volumes …), a burst of modifications, and a replay server that serves the very
// same bytes to every client: LIST (paginated when asked, whole otherwise), WATCH held open until
// the client asks for the burst (`GET /bench/go`), so memory can be measured between the two.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeListBody, encodeMessage, encodeWatchFrame, protobufMessageOf } from '../src/lib/kube-protobuf/encode.ts';
import { PROTOBUF_MEDIA_TYPE } from '../src/lib/kube-protobuf/schema.ts';

/** IngestStreamSize sets the stream's size. */
export interface IngestStreamSize {
  readonly pods: number;
  readonly deployments: number;
  /** Pod modifications in the burst (each pod at most once per round, round-robin). */
  readonly podUpdates: number;
  readonly deploymentUpdates: number;
}

const T = '2026-01-01T00:00:00Z';

/** at is T plus `seconds`, as the API server writes times (second precision): pods start at their own moments. */
const at = (seconds: number): string => new Date(Date.parse(T) + seconds * 1000).toISOString().replace('.000Z', 'Z');

function makeDeployment(i: number, rv: number, generation: number): Record<string, unknown> {
  const name = `app-${i}`;
  const ns = `team-${i % 20}`;
  return {
    metadata: {
      name,
      namespace: ns,
      uid: `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(rv),
      generation,
      creationTimestamp: T,
      labels: { app: name, team: ns },
      annotations: { 'deployment.kubernetes.io/revision': String(generation) },
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {}, 'f:team': {} } }, 'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': {} } } } } } } },
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: T, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } }, 'f:status': { 'f:availableReplicas': {}, 'f:conditions': {}, 'f:observedGeneration': {}, 'f:readyReplicas': {}, 'f:replicas': {}, 'f:updatedReplicas': {} } } },
      ],
    },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: `registry.example.com/${ns}/${name}:1.${generation}`, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'production' }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: generation,
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 10,
      availableReplicas: 10,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${name}-5d9c7b8f4" has successfully progressed.` },
      ],
    },
  };
}

function makePod(i: number, rv: number, restarts: number): Record<string, unknown> {
  const d = Math.floor(i / 10);
  const app = `app-${d}`;
  const ns = `team-${d % 20}`;
  const name = `${app}-5d9c7b8f4-${(i * 2654435761 >>> 0).toString(36).slice(0, 5).padEnd(5, 'x')}`;
  const node = `node-${i % 50}`;
  return {
    metadata: {
      name,
      generateName: `${app}-5d9c7b8f4-`,
      namespace: ns,
      uid: `p0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(rv),
      creationTimestamp: T,
      labels: { app, 'pod-template-hash': '5d9c7b8f4' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d9c7b8f4`, uid: `r0000000-0000-4000-8000-${String(d).padStart(12, '0')}`, controller: true, blockOwnerDeletion: true }],
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: T, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:pod-template-hash': {} }, 'f:ownerReferences': { '.': {}, [`k:{"uid":"r-${d}"}`]: {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: T, fieldsType: 'FieldsV1', subresource: 'status', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:hostIP': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': {}, 'f:startTime': {} } } },
      ],
    },
    spec: {
      volumes: [{ name: 'kube-api-access-x7k2p', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }], defaultMode: 420 } }],
      containers: [{ name: 'app', image: `registry.example.com/${ns}/${app}:1.1`, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'production' }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, volumeMounts: [{ name: 'kube-api-access-x7k2p', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }], terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: node,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at(i + 1) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(i + 1) },
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: at(i + 3 + restarts * 60) },
        { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: at(i + 3 + restarts * 60) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(i) },
      ],
      hostIP: `10.0.${i % 50}.1`,
      hostIPs: [{ ip: `10.0.${i % 50}.1` }],
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      podIPs: [{ ip: `10.244.${(i >> 8) & 255}.${i & 255}` }],
      startTime: at(i),
      containerStatuses: [
        {
          name: 'app',
          state: { running: { startedAt: at(i + 2 + restarts * 60) } },
          lastState: restarts > 0 ? { terminated: { exitCode: 1, reason: 'Error', startedAt: T, finishedAt: T, containerID: `containerd://${'c'.repeat(64)}` } } : {},
          ready: true,
          restartCount: restarts,
          image: `registry.example.com/${ns}/${app}:1.1`,
          imageID: `registry.example.com/${ns}/${app}@sha256:${'a'.repeat(64)}`,
          containerID: `containerd://${'b'.repeat(64)}`,
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
}

/** Collection is one resource's list and burst, pre-serialised. */
interface Collection {
  readonly path: string;
  readonly items: readonly string[]; // JSON of each item
  readonly listRv: string;
  readonly burst: Buffer; // newline-delimited watch events
  readonly burstEvents: number;
}

/** IngestStream is the generated data: counts and per-collection bytes. */
export interface IngestStream {
  readonly collections: readonly Collection[];
  readonly listObjects: number;
  readonly burstEvents: number;
  readonly listBytes: number;
  readonly burstBytes: number;
}

/** makeIngestStream generates the stream: pods and deployments, then the burst (status churn and rollouts). */
export function makeIngestStream(size: IngestStreamSize): IngestStream {
  let rv = 1000;
  const pods = Array.from({ length: size.pods }, (_, i) => JSON.stringify(makePod(i, ++rv, 0)));
  const deps = Array.from({ length: size.deployments }, (_, i) => JSON.stringify(makeDeployment(i, ++rv, 1)));
  const listRv = String(rv);
  const podBurst: string[] = [];
  for (let u = 0; u < size.podUpdates; u++) podBurst.push(`${JSON.stringify({ type: 'MODIFIED', object: { kind: 'Pod', apiVersion: 'v1', ...makePod(u % size.pods, ++rv, 1 + Math.floor(u / size.pods)) } })}\n`);
  const depBurst: string[] = [];
  for (let u = 0; u < size.deploymentUpdates; u++) depBurst.push(`${JSON.stringify({ type: 'MODIFIED', object: { kind: 'Deployment', apiVersion: 'apps/v1', ...makeDeployment(u % size.deployments, ++rv, 2 + Math.floor(u / size.deployments)) } })}\n`);
  const collections: Collection[] = [
    { path: '/api/v1/pods', items: pods, listRv, burst: Buffer.from(podBurst.join('')), burstEvents: podBurst.length },
    { path: '/apis/apps/v1/deployments', items: deps, listRv, burst: Buffer.from(depBurst.join('')), burstEvents: depBurst.length },
  ];
  return {
    collections,
    listObjects: size.pods + size.deployments,
    burstEvents: podBurst.length + depBurst.length,
    listBytes: collections.reduce((n, c) => n + c.items.reduce((m, s) => m + s.length, 0), 0),
    burstBytes: collections.reduce((n, c) => n + c.burst.length, 0),
  };
}

/** TYPES names each collection's apiVersion and kind (list items carry neither, as kube-apiserver serves them). */
const TYPES: Readonly<Record<string, { readonly apiVersion: string; readonly kind: string }>> = {
  '/api/v1/pods': { apiVersion: 'v1', kind: 'Pod' },
  '/apis/apps/v1/deployments': { apiVersion: 'apps/v1', kind: 'Deployment' },
};

/** ProtobufCollection is a collection encoded as kube-apiserver serves it with `Accept: application/vnd.kubernetes.protobuf`. */
interface ProtobufCollection {
  readonly apiVersion: string;
  readonly kind: string;
  readonly message: string;
  readonly items: readonly Record<string, unknown>[];
  readonly burst: Buffer; // length-prefixed WatchEvent frames
}

function typeOf(c: Collection): { apiVersion: string; kind: string; message: string } {
  const t = TYPES[c.path];
  const message = t && protobufMessageOf(t.apiVersion, t.kind);
  if (!t || !message) throw new Error(`bench: no protobuf type for ${c.path}`);
  return { ...t, message };
}

/** protobufOf encodes a collection's list items and burst as protobuf (the same objects as its JSON). */
function protobufOf(c: Collection): ProtobufCollection {
  const t = typeOf(c);
  const items = c.items.map((s) => JSON.parse(s) as Record<string, unknown>);
  const frames = c.burst
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const e = JSON.parse(l) as { type: string; object: Record<string, unknown> };
      return encodeWatchFrame(e.type, t.message, e.object);
    });
  return { ...t, items, burst: Buffer.concat(frames) };
}

/** protobufBytes is what the stream weighs as protobuf: every list item's message plus every watch frame. */
export function protobufBytes(stream: IngestStream): { readonly listBytes: number; readonly burstBytes: number } {
  let listBytes = 0;
  let burstBytes = 0;
  for (const c of stream.collections) {
    const p = protobufOf(c);
    for (const item of p.items) listBytes += encodeMessage(p.message, item).length;
    burstBytes += p.burst.length;
  }
  return { listBytes, burstBytes };
}

/** ReplayServer serves an IngestStream over HTTP on 127.0.0.1. */
export interface ReplayServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * startReplayServer serves LIST (with limit/continue), WATCH (held open; the burst on GET /bench/go)
 * for the stream — as protobuf to a client whose Accept names Kubernetes protobuf first (the same
 * objects, pre-encoded), JSON otherwise.
 */
export async function startReplayServer(stream: IngestStream): Promise<ReplayServer> {
  const waiting = new Map<string, Set<{ res: ServerResponse; burst: Buffer }>>();
  const protobuf = new Map(stream.collections.map((c) => [c.path, protobufOf(c)]));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/bench/watching') {
      // Whether every collection has a watch open (the burst goes only to open watches).
      res.end(stream.collections.every((c) => (waiting.get(c.path)?.size ?? 0) > 0) ? 'yes' : 'no');
      return;
    }
    if (url.pathname === '/bench/go') {
      for (const c of stream.collections) for (const w of waiting.get(c.path) ?? []) w.res.write(w.burst);
      res.end('ok');
      return;
    }
    const c = stream.collections.find((x) => x.path === url.pathname);
    if (!c) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` }));
      return;
    }
    const pb = (req.headers.accept ?? '').trim().startsWith(PROTOBUF_MEDIA_TYPE) ? protobuf.get(c.path) : undefined;
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'content-type': pb ? `${PROTOBUF_MEDIA_TYPE};stream=watch` : 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      const set = waiting.get(c.path) ?? new Set();
      waiting.set(c.path, set);
      const w = { res, burst: pb ? pb.burst : c.burst };
      set.add(w);
      res.on('close', () => set.delete(w));
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? '0') || c.items.length;
    const offset = Number(url.searchParams.get('continue') ?? '0') || 0;
    const page = c.items.slice(offset, offset + limit);
    const next = offset + limit < c.items.length ? String(offset + limit) : '';
    if (pb) {
      res.writeHead(200, { 'content-type': PROTOBUF_MEDIA_TYPE });
      res.end(encodeListBody(pb.message, pb.apiVersion, `${pb.kind}List`, { resourceVersion: c.listRv, ...(next ? { continue: next } : {}) }, pb.items.slice(offset, offset + limit)));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"${c.listRv}"${next ? `,"continue":"${next}"` : ''}},"items":[${page.join(',')}]}`);
  });
  // Idle keep-alive connections are never closed by the server. With Node's default (close after
  // 5 s idle) the JSON.parse side, which blocks its event loop for seconds parsing a whole
  // unpaginated list on a loaded machine, resumed and sent its next request on a connection the
  // server had closed meanwhile: most likely the `fetch failed` (ECONNRESET) that failed that side's runs.
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
