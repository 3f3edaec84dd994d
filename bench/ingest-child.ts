// One side of bench/ingest.bench.ts, run in its own process with --expose-gc: sync the list,
// measure the heap the informer holds per object, then ask for the burst and time it.
import { AppsV1Api, CoreV1Api, KubeConfig, makeInformer, type KubernetesObject } from '@kubernetes/client-node';
import { createClusterInformers } from '../src/kube/cluster-informers.ts';
import { createKubeHttp } from '../src/kube/client.ts';
import { kubeConfigFromYaml } from '../src/kube/kubeconfig.ts';
import type { WireFormat } from '../src/kube/protobuf-wire.ts';
import type { IngestStreamSize } from './ingest-stream.ts';

/**
 * IngestSide is one client under test: our informers reading protobuf (the default) or JSON,
 * client-node's informer, and `json-parse`: JSON.parse alone of the same bytes (the whole list
 * body, each watch line), the ceiling of any JSON client. It keeps what it parsed, so its heap is
 * that of the whole objects.
 */
export type IngestSide = 'ours-protobuf' | 'ours-json' | 'client-node' | 'json-parse';

/** INGEST_SIDES lists every side, anchors first. */
export const INGEST_SIDES: readonly IngestSide[] = ['client-node', 'json-parse', 'ours-json', 'ours-protobuf'];

/** ChildResult is what a child prints (one JSON line); null where its Reading does not measure. */
export interface ChildResult {
  readonly side: IngestSide;
  /** Wall-clock seconds of each phase ('timing' runs). */
  readonly listSeconds: number | null;
  readonly burstSeconds: number | null;
  /** CPU seconds (user + system) this process spent in each phase: stable on a busy machine ('timing' runs). */
  readonly listCpuSeconds: number | null;
  readonly burstCpuSeconds: number | null;
  /** ('heap' runs.) */
  readonly heapBytesPerObject: number | null;
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

/**
 * Reading is what a child measures. Each side runs once per reading in a fresh process, because the
 * collection each needs would distort the other:
 * - 'timing' (list and watch CPU and wall-clock time): two plain full collections settle the heap
 *   before each timed phase, as an informer's heap would be in service.
 * - 'heap' (heap per tracked object): V8's most thorough collection (`flavor: 'last-resort'`:
 *   several memory-reducing full collections that also drop caches and discardable bytecode) before
 *   the baseline and before the reading. Two plain collections left this reading bimodal: whether
 *   V8 had, by the reading, freed about 3.6 MB of start-up heap held at the baseline (large-object
 *   space) and 0.8 MB of bytecode varied from run to run, moving a side's figure by ~230 B per
 *   object; with this collection three runs of each side read within 5 B per object. What stays is
 *   what the informer holds, plus the code compiled during the run. But the collection also shrinks
 *   the heap and drops compiled code, which slowed the watch burst after it by up to 40% on the
 *   allocation-heavy sides (client-node's informer: 7,557–10,349 events per CPU-second after it,
 *   12,287 after plain collections, the same hour), so no time is taken from a 'heap' run.
 */
export type Reading = 'timing' | 'heap';

/** settle collects garbage as `reading` needs (see Reading). */
function settle(reading: Reading): void {
  const g = (globalThis as { gc?: (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void }).gc;
  if (!g) throw new Error('run with --expose-gc');
  if (reading === 'heap') return g({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  g();
  g();
}

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

/** ours is rollscope's informers on the replayed LIST and WATCH (streamingList off: the replay serves the recorded LIST and WATCH bodies). */
function ours(url: string, counter: Counter, wire: WireFormat): Side {
  const ac = new AbortController();
  const informers = createClusterInformers({ http: createKubeHttp(kubeConfigFromYaml(`apiVersion: v1\nkind: Config\nclusters: [{name: bench, cluster: {server: '${url}', insecure-skip-tls-verify: true}}]\nusers: [{name: bench, user: {token: bench}}]\ncontexts: [{name: bench, context: {cluster: bench, user: bench}}]\ncurrent-context: bench\n`)), kinds: ['Pod', 'Deployment'], wire, streamingList: false });
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

/** jsonParse reads the same bytes with fetch and JSON.parse alone: the whole list body, then each watch line. */
function jsonParse(url: string, counter: Counter): Side {
  const ac = new AbortController();
  const held = new Map<string, unknown>();
  const run = async (path: string): Promise<void> => {
    const list = (await (await fetch(`${url}${path}`, { signal: ac.signal })).text());
    const body = JSON.parse(list) as { items: { metadata: { namespace: string; name: string } }[]; metadata: { resourceVersion: string } };
    for (const o of body.items) {
      held.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
      counter.tick();
    }
    const res = await fetch(`${url}${path}?watch=1&resourceVersion=${body.metadata.resourceVersion}`, { signal: ac.signal });
    const decoder = new TextDecoder();
    let rest = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const e = JSON.parse(rest.slice(0, nl)) as { object: { metadata: { namespace: string; name: string } } };
        rest = rest.slice(nl + 1);
        held.set(`${e.object.metadata.namespace}/${e.object.metadata.name}`, e.object);
        counter.tick();
      }
    }
  };
  let done: Promise<unknown> = Promise.resolve();
  return {
    start: () => {
      done = Promise.all([run('/api/v1/pods'), run('/apis/apps/v1/deployments')]).catch((e: unknown) => {
        if (ac.signal.aborted) return;
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        process.stderr.write(`json-parse side failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}${cause ? ` (cause: ${cause.code ?? ''} ${cause.message ?? ''})` : ''}\n`);
        process.exit(1);
      });
    },
    stop: async () => {
      ac.abort();
      await done;
    },
    held: () => held,
  };
}

function sideOf(side: IngestSide, url: string, counter: Counter): Side {
  switch (side) {
    case 'ours-protobuf':
      return ours(url, counter, 'protobuf');
    case 'ours-json':
      return ours(url, counter, 'json');
    case 'client-node':
      return clientNode(url, counter);
    case 'json-parse':
      return jsonParse(url, counter);
  }
}

/**
 * control sends one of the bench's own control requests (`/bench/watching`, `/bench/go`) and
 * returns the body. A request that fails at the socket (a run once died of `fetch failed`,
 * ECONNRESET, here) is retried a few times and each failure is reported on stderr: these
 * requests are idempotent and outside what is compared, so a retry cannot flatter any side.
 */
async function control(url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url)).text();
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? '';
      process.stderr.write(`ingest child: ${url} failed (attempt ${attempt}): ${e instanceof Error ? e.message : String(e)} ${cause}\n`);
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** STALL_MS: a phase that has not finished after this long is reported (what was counted) instead of waiting forever. */
const STALL_MS = 300_000;

/** within resolves with `p`, or rejects naming the phase and the count reached if `p` takes over STALL_MS. */
async function within(p: Promise<void>, phase: string, counter: Counter, want: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${phase} stalled: ${counter.count} of ${want} objects/events after ${STALL_MS / 1000} s`)), STALL_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * runChild measures one side against the replay server at `url`: both phases run in either
 * reading; a 'timing' run reports no heap figure (null) and a 'heap' run no times (null).
 */
export async function runChild(side: IngestSide, url: string, size: IngestStreamSize, reading: Reading): Promise<ChildResult> {
  const objects = size.pods + size.deployments;
  const burstEvents = size.podUpdates + size.deploymentUpdates;
  const counter = new Counter();
  const s = sideOf(side, url, counter);
  settle(reading);
  const heap0 = process.memoryUsage().heapUsed;
  const cpu = (since: NodeJS.CpuUsage): number => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1e6;
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  s.start();
  await within(counter.reached(objects), 'list', counter, objects);
  const listSeconds = (performance.now() - t0) / 1000;
  const listCpuSeconds = cpu(c0);
  // Let both watches open (the burst goes only to open watches) and the list pages be released.
  while ((await control(`${url}/bench/watching`)) !== 'yes') await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  settle(reading);
  const heapBytesPerObject = (process.memoryUsage().heapUsed - heap0) / objects;
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  await control(`${url}/bench/go`);
  await within(counter.reached(objects + burstEvents), 'burst', counter, objects + burstEvents);
  const burstSeconds = (performance.now() - t1) / 1000;
  const burstCpuSeconds = cpu(c1);
  void s.held();
  await s.stop();
  if (reading === 'heap') return { side, listSeconds: null, burstSeconds: null, listCpuSeconds: null, burstCpuSeconds: null, heapBytesPerObject, objects, burstEvents };
  return { side, listSeconds, burstSeconds, listCpuSeconds, burstCpuSeconds, heapBytesPerObject: null, objects, burstEvents };
}
