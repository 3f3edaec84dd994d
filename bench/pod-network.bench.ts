// The pod network's cost at scale (issue: 10,000 Deployments / 100,000 Pods must still fit): N Running
// pods with a container port go through the real pod network (network/pod-network.ts), each listening
// on its own loopback address, and we measure heap, RSS and file descriptors per listening pod. The
// anchor, measured in the same run, is what the same pods cost in the simulator's store alone. One
// request to a sample of pods checks that they really answer.
import { readdirSync } from 'node:fs';
import type { KubeObject } from '../src/kube/types.ts';
import { startSim } from '../src/sim/index.ts';
import { LISTENER_RESERVE, openFileLimit, startPodNetwork } from '../src/sim/network/pod-network.ts';

const N = Number(process.env.BENCH_LISTENING_PODS ?? 5_000);

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench does)');
  collect();
  collect();
}

const fds = (): number => readdirSync('/proc/self/fd').length;

function pod(i: number, ip: string): KubeObject {
  const at = '2026-01-01T00:00:00Z';
  return {
    metadata: { name: `web-${i}`, namespace: 'bench', labels: { app: 'web' } },
    spec: { nodeName: 'sim-node-1', containers: [{ name: 'app', image: 'registry.acme.io/web:1.0.0', ports: [{ containerPort: 8080 }] }] },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
      containerStatuses: [{ name: 'app', ready: true, started: true, restartCount: 0, image: 'registry.acme.io/web:1.0.0', state: { running: { startedAt: at } } }],
    },
  };
}

const sim = await startSim({ controllers: false });
try {
  sim.store.create('namespaces', { metadata: { name: 'bench' } });
  const block = 100 + Math.floor(Math.random() * 100);
  const ipOf = (i: number): string => `127.${block}.${(i >> 8) & 255}.${i & 255}`;

  // Anchor: the pods in the store, no network.
  gc();
  const h0 = process.memoryUsage();
  for (let i = 0; i < N; i++) {
    const p = pod(i, ipOf(i));
    const created = sim.store.create('pods', p); // status is a subresource: written apart, as the kubelet does
    sim.store.update('pods', { ...created, status: p.status }, { subresource: 'status' });
  }
  gc();
  const h1 = process.memoryUsage();
  const storePerPod = (h1.heapUsed - h0.heapUsed) / N;

  // The network over the same pods.
  const fd0 = fds();
  const started = performance.now();
  const stop = startPodNetwork(sim.context, (m) => process.stderr.write(`${m}\n`));
  // listen() completes asynchronously: wait until every pod holds its descriptor.
  for (let waited = 0; fds() - fd0 < N && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - started) / 1000;
  gc();
  const h2 = process.memoryUsage();
  const fd1 = fds();
  const sample = [0, Math.floor(N / 2), N - 1];
  const answers = await Promise.all(sample.map(async (i) => (await fetch(`http://${ipOf(i)}:8080/`)).status));
  if (answers.some((s) => s !== 200)) throw new Error(`sample pods did not answer: ${answers.join(',')}`);
  const heapPer = (h2.heapUsed - h1.heapUsed) / N;
  const rssPer = (h2.rss - h1.rss) / N;
  const fdPer = (fd1 - fd0) / N;
  const limit = openFileLimit();
  const per100k = (b: number): string => `${((b * 100_000) / 2 ** 20).toFixed(0)} MB`;
  process.stdout.write(
    `pod-network: ${N} listening pods in ${seconds.toFixed(2)} s; per pod ${Math.round(heapPer)} B heap, ${Math.round(rssPer)} B RSS, ${fdPer.toFixed(2)} file descriptors\n` +
      `pod-network: anchor, the same pod in the store: ${Math.round(storePerPod)} B heap → network/store ratio ${(heapPer / storePerPod).toFixed(2)}\n` +
      `pod-network: 100,000 listening pods would take ${per100k(heapPer)} heap, ${per100k(rssPer)} RSS and ${Math.round(fdPer * 100_000)} descriptors; this process may open ${limit} (${Math.max(0, limit - LISTENER_RESERVE)} for pods), so larger clusters declare no container ports or raise ulimit -n\n`,
  );
  stop();
} finally {
  await sim.stop();
}
