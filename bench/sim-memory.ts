// The memory half of sim-watch.bench.ts, run in its own process (node --expose-gc) so the heap it
// measures holds nothing but the store: creates 10,000 Deployments and 100,000 Pods directly
// through the store and prints heap/RSS deltas, against the objects' JSON size as the anchor.
import type { KubeObject } from '../src/kube/types.ts';
import { ManualClock } from '../src/sim/core/clock.ts';
import { seededRandom } from '../src/sim/scenarios/script.ts';
import { createSimStorage } from '../src/sim/apiserver/storage.ts';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 10_000);
const PODS_PER_DEPLOYMENT = 10; // 100,000 pods in all
const NAMESPACES = 100;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench does)');
  collect();
  collect();
}

function deployment(ns: string, name: string): KubeObject {
  const labels = { app: name, team: ns };
  return {
    metadata: { name, namespace: ns, labels, annotations: { 'kubernetes.io/change-cause': `kubectl set image deployment/${name} app=registry.acme.io/${name}:1.0.0` } },
    spec: {
      replicas: PODS_PER_DEPLOYMENT,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: `registry.acme.io/${ns}/${name}:1.0.0`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '50m', memory: '64Mi' } } }] },
      },
    },
  };
}

function pod(ns: string, owner: string, i: number, node: number): KubeObject {
  const at = '2026-01-01T00:00:00Z';
  return {
    metadata: {
      name: `${owner}-7d9f8c6b5-${i.toString(36).padStart(5, 'x')}`,
      namespace: ns,
      labels: { app: owner, team: ns, 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${owner}-7d9f8c6b5`, uid: `uid-${owner}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: `sim-node-${node}`,
      containers: [{ name: 'app', image: `registry.acme.io/${ns}/${owner}:1.0.0`, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '50m', memory: '64Mi' } } }],
    },
    status: {
      phase: 'Running',
      conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: at })),
      podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      startTime: at,
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: `registry.acme.io/${ns}/${owner}:1.0.0`, imageID: `registry.acme.io/${ns}/${owner}@sha256:${'ab'.repeat(32)}`, state: { running: { startedAt: at } } }],
    },
  };
}

gc();
const before = process.memoryUsage();
const clock = new ManualClock();
const store = createSimStorage(clock, { random: seededRandom(1) });
let jsonBytes = 0;
const started = performance.now();
for (let n = 0; n < NAMESPACES; n++) store.create('namespaces', { metadata: { name: `ns-${n}` } });
let podIndex = 0;
for (let d = 0; d < DEPLOYMENTS; d++) {
  const ns = `ns-${d % NAMESPACES}`;
  const name = `app-${d}`;
  jsonBytes += JSON.stringify(store.create('deployments.apps', deployment(ns, name))).length;
  for (let p = 0; p < PODS_PER_DEPLOYMENT; p++) jsonBytes += JSON.stringify(store.create('pods', pod(ns, name, podIndex++, (podIndex % 500) + 1))).length;
}
const seconds = (performance.now() - started) / 1000;
gc();
const after = process.memoryUsage();
const objects = DEPLOYMENTS + podIndex;
const mb = (b: number): string => (b / 2 ** 20).toFixed(0);
const heap = after.heapUsed - before.heapUsed;
const rss = after.rss - before.rss;
process.stdout.write(
  `sim-memory: ${DEPLOYMENTS} deployments + ${podIndex} pods created in ${seconds.toFixed(1)} s (${Math.round(objects / seconds)} objects/s)\n` +
    `sim-memory: heap +${mb(heap)} MB, rss +${mb(rss)} MB; ${Math.round(heap / objects)} heap bytes per object vs ${Math.round(jsonBytes / objects)} JSON bytes ` +
    `(heap/JSON ratio ${(heap / jsonBytes).toFixed(2)}; the change log for watch resumption is included)\n`,
);
if (store.list('pods').length !== podIndex) throw new Error('store lost pods');
