// One side of bench/ingest.bench.ts, run in its own process with --expose-gc: sync the list,
// measure the heap the informer holds per object, then ask for the burst and time it.
import { AppsV1Api, CoreV1Api, KubeConfig, makeInformer, type KubernetesObject } from '@kubernetes/client-node';
import { createClusterInformers } from '../src/kube/cluster-informers.ts';
import { createKubeHttp } from '../src/kube/client.ts';
import { kubeConfigFromYaml } from '../src/kube/kubeconfig.ts';
import type { IngestStreamSize } from './ingest-stream.ts';

/** ChildResult is what a child prints (one JSON line). */
export interface ChildResult {
  readonly side: 'ours' | 'client-node';
  /** Wall-clock seconds of each phase. */
  readonly listSeconds: number;
  readonly burstSeconds: number;
  /** CPU seconds (user + system) this process spent in each phase: stable on a busy machine. */
  readonly listCpuSeconds: number;
  readonly burstCpuSeconds: number;
  readonly heapBytesPerObject: number;
  readonly objects: number;
  readonly burstEvents: number;
}

function kubeConfig(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server: url, skipTLSVerify: true }],
    users: [{ name: 'bench', token: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  return kc;
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  g();
  g();
};

/** Counter resolves `reached(n)` once `count` hits n. */
class Counter {
  count = 0;
  #want = Infinity;
  #resolve: () => void = () => {};
  tick(): void {
    if (++this.count >= this.#want) this.#resolve();
  }
  reached(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    this.#want = n;
    return new Promise((r) => (this.#resolve = r));
  }
}

/** Side is one informer implementation under test. */
interface Side {
  start(): void;
  stop(): Promise<void>;
  /** Something holding every object, kept alive across the heap measurement. */
  held(): unknown;
}

function ours(url: string, counter: Counter): Side {
  const ac = new AbortController();
  const informers = createClusterInformers({ http: createKubeHttp(kubeConfigFromYaml(`apiVersion: v1\nkind: Config\nclusters: [{name: bench, cluster: {server: '${url}', insecure-skip-tls-verify: true}}]\nusers: [{name: bench, user: {token: bench}}]\ncontexts: [{name: bench, context: {cluster: bench, user: bench}}]\ncurrent-context: bench\n`)), kinds: ['Pod', 'Deployment'] });
  informers.onDelta(() => counter.tick());
  let done: Promise<void> = Promise.resolve();
  return {
    start: () => {
      done = informers.start(ac.signal);
    },
    stop: async () => {
      ac.abort();
      await done;
    },
    held: () => informers,
  };
}

function clientNode(url: string, counter: Counter): Side {
  const kc = kubeConfig(url);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const pods = makeInformer<KubernetesObject>(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  const deps = makeInformer<KubernetesObject>(kc, '/apis/apps/v1/deployments', () => apps.listDeploymentForAllNamespaces());
  for (const inf of [pods, deps]) {
    inf.on('add', () => counter.tick());
    inf.on('update', () => counter.tick());
    inf.on('error', (e: unknown) => process.stderr.write(`client-node informer error: ${String(e)}\n`));
  }
  return {
    start: () => {
      void pods.start();
      void deps.start();
    },
    stop: async () => {
      await pods.stop();
      await deps.stop();
    },
    held: () => [pods, deps],
  };
}

/** runChild measures one side against the replay server at `url`. */
export async function runChild(side: 'ours' | 'client-node', url: string, size: IngestStreamSize): Promise<ChildResult> {
  const objects = size.pods + size.deployments;
  const burstEvents = size.podUpdates + size.deploymentUpdates;
  const counter = new Counter();
  const s = side === 'ours' ? ours(url, counter) : clientNode(url, counter);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu = (since: NodeJS.CpuUsage): number => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1e6;
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  s.start();
  await counter.reached(objects);
  const listSeconds = (performance.now() - t0) / 1000;
  const listCpuSeconds = cpu(c0);
  await new Promise((r) => setTimeout(r, 200)); // let both watches open and the list pages be released
  gc();
  const heapBytesPerObject = (process.memoryUsage().heapUsed - heap0) / objects;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  await fetch(`${url}/bench/go`);
  await counter.reached(objects + burstEvents);
  const burstSeconds = (performance.now() - t1) / 1000;
  const burstCpuSeconds = cpu(c1);
  void s.held();
  await s.stop();
  return { side, listSeconds, burstSeconds, listCpuSeconds, burstCpuSeconds, heapBytesPerObject, objects, burstEvents };
}
