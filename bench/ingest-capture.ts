// Captures the ingest benchmark's stream from the simulated cluster: Deployments and Pods are
// written to the simulator (controllers off, so nothing else changes), listed over its HTTP API,
// and a burst of modifications is recorded from its real WATCH responses. The bytes are then
// replayed identically to both informers (bench/ingest-stream.ts), so the comparison measures the
// clients, not the simulator.
import { startSim } from '../src/sim/index.ts';
import type { KubeObject } from '../src/kube/types.ts';
import type { IngestStream, IngestStreamSize } from './ingest-stream.ts';

const T = '2026-01-01T00:00:00Z';

/** at is T plus `seconds`, as the API server writes times (second precision): pods start at their own moments. */
const at = (seconds: number): string => new Date(Date.parse(T) + seconds * 1000).toISOString().replace('.000Z', 'Z');
const TEAMS = 20;

function deployment(i: number, image: string): KubeObject {
  const name = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: `team-${i % TEAMS}`, labels: { app: name }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'production' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
      },
    },
  };
}

function deploymentStatus(d: KubeObject): KubeObject {
  return {
    ...d,
    status: {
      observedGeneration: d.metadata.generation,
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 10,
      availableReplicas: 10,
      conditions: [
        { type: 'Available', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
        { type: 'Progressing', status: 'True', lastUpdateTime: T, lastTransitionTime: T, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${d.metadata.name}-5d9c7b8f4" has successfully progressed.` },
      ],
    },
  };
}

function pod(i: number): KubeObject {
  const d = Math.floor(i / 10);
  const app = `app-${d}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-5d9c7b8f4-${i.toString(36).padStart(5, '0')}`,
      generateName: `${app}-5d9c7b8f4-`,
      namespace: `team-${d % TEAMS}`,
      labels: { app, 'pod-template-hash': '5d9c7b8f4' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d9c7b8f4`, uid: `rs-${d}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{ name: 'app', image: `registry.example.com/${app}:1.1`, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'production' }], resources: { requests: { cpu: '100m', memory: '128Mi' } } }],
      nodeName: `node-${i % 50}`,
    },
  };
}

function podStatus(p: KubeObject, i: number, restarts: number): KubeObject {
  const ip = `10.244.${(i >> 8) & 255}.${i & 255}`;
  const containers = (p.spec as { containers: { name: string; image: string }[] }).containers;
  return {
    ...p,
    status: {
      phase: 'Running',
      // Each pod reaches each condition at its own moment, as in a real cluster.
      conditions: ['PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'].map((type, k) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at(i + k + (k > 2 ? restarts * 60 : 0)) })),
      hostIP: `10.0.${i % 50}.1`,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: at(i),
      containerStatuses: containers.map((c) => ({
        name: c.name,
        state: { running: { startedAt: at(i + 2 + restarts * 60) } },
        lastState: restarts > 0 ? { terminated: { exitCode: 1, reason: 'Error', startedAt: at(i + 2), finishedAt: at(i + restarts * 60) } } : {},
        ready: true,
        restartCount: restarts,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${'a'.repeat(64)}`,
        containerID: `containerd://${i.toString(16).padStart(64, '0')}`,
        started: true,
      })),
      qosClass: 'Burstable',
    },
  };
}

/** captureFromSim builds the stream from the simulator; see the file comment. */
export async function captureFromSim(size: IngestStreamSize): Promise<IngestStream> {
  const sim = await startSim({ controllers: false });
  try {
    const store = sim.store;
    for (let t = 0; t < TEAMS; t++) store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${t}` } });
    for (let i = 0; i < size.deployments; i++) {
      const d = store.create('deployments.apps', deployment(i, `registry.example.com/app-${i}:1.1`), { fieldManager: 'kubectl-client-side-apply' });
      store.update('deployments.apps', deploymentStatus(d), { subresource: 'status', fieldManager: 'kube-controller-manager' });
    }
    for (let i = 0; i < size.pods; i++) {
      const p = store.create('pods', pod(i), { fieldManager: 'kube-controller-manager' });
      store.update('pods', podStatus(p, i, 0), { subresource: 'status', fieldManager: 'kubelet' });
    }
    const token = /token:\s*"?([^"\s]+)"?/.exec(sim.kubeconfigYaml())?.[1] ?? '';
    const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
    const paths = ['/api/v1/pods', '/apis/apps/v1/deployments'] as const;
    const lists = await Promise.all(paths.map(async (path) => (await (await fetch(`${sim.url}${path}`, { headers })).json()) as { metadata: { resourceVersion: string }; items: unknown[] }));
    const listRv = lists[0]!.metadata.resourceVersion;

    const watches = paths.map((path) => recordWatch(`${sim.url}${path}?watch=true&resourceVersion=${listRv}`, headers));
    for (let u = 0; u < size.podUpdates; u++) {
      const i = u % size.pods;
      const p = store.get('pods', `team-${Math.floor(i / 10) % TEAMS}`, pod(i).metadata.name!)!;
      store.update('pods', podStatus(p, i, 1 + Math.floor(u / size.pods)), { subresource: 'status', fieldManager: 'kubelet' });
      if (u % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    for (let u = 0; u < size.deploymentUpdates; u++) {
      const i = u % size.deployments;
      const d = store.get('deployments.apps', `team-${i % TEAMS}`, `app-${i}`)!;
      store.update('deployments.apps', { ...deployment(i, `registry.example.com/app-${i}:2.${u}`), metadata: d.metadata }, { fieldManager: 'kubectl-set' });
      if (u % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    const bursts = await Promise.all(watches.map((w, k) => w.until(k === 0 ? size.podUpdates : size.deploymentUpdates)));
    const collections = paths.map((path, k) => ({
      path,
      items: lists[k]!.items.map((item) => JSON.stringify(item)),
      listRv,
      burst: bursts[k]!,
      burstEvents: k === 0 ? size.podUpdates : size.deploymentUpdates,
    }));
    return {
      collections,
      listObjects: size.pods + size.deployments,
      burstEvents: size.podUpdates + size.deploymentUpdates,
      listBytes: collections.reduce((n, c) => n + c.items.reduce((m, s) => m + s.length, 0), 0),
      burstBytes: collections.reduce((n, c) => n + c.burst.length, 0),
    };
  } finally {
    await sim.stop();
  }
}

/** recordWatch opens a watch and keeps its raw bytes; `until(n)` resolves with them once n event lines arrived. */
function recordWatch(url: string, headers: Record<string, string>): { until(n: number): Promise<Buffer> } {
  const ac = new AbortController();
  const chunks: Buffer[] = [];
  let lines = 0;
  let want = Infinity;
  let done: (b: Buffer) => void = () => {};
  const finished = new Promise<Buffer>((r) => (done = r));
  const check = (): void => {
    if (lines < want) return;
    ac.abort();
    done(Buffer.concat(chunks));
  };
  void (async () => {
    try {
      const res = await fetch(url, { headers, signal: ac.signal });
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        const b = Buffer.from(chunk);
        chunks.push(b);
        for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
        check();
      }
    } catch {
      // aborted once complete
    }
  })();
  return {
    until(n) {
      want = n;
      check();
      return finished;
    },
  };
}
