// `npm run bench -- detection-latency` (or `node bench/detection-latency.bench.ts`): release-detection
// latency — a template change served (the write to the simulated cluster) → its release stored in
// the ledger — p50/p99 over a few hundred changes, by an in-process `rollscope serve`. Anchor,
// measured in the same run on the same writes: the change's arrival at a bare watch (raw fetch of
// `?watch=true` on Deployments, parsing lines and nothing else). Aim: p99 < 100 ms.
// The simulator serves as Kubernetes 1.37 does, so the tracker syncs with compressed streaming
// lists; BENCH_LIST_AND_WATCH=1 runs it as `serve --list-and-watch` (LIST and WATCH, uncompressed).
import { setTimeout as sleep } from 'node:timers/promises';
import { startSim } from '../src/sim/index.ts';
import { deployment, percentile, setImage, startTracker, tokenOf, waitFor } from './bench-support.ts';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 300);
const WORKLOADS = 30;
const NS = 'latency';

const sim = await startSim({ speed: 1 });
sim.store.create('namespaces', { metadata: { name: NS } });
for (let i = 0; i < WORKLOADS; i++) sim.store.create('deployments.apps', deployment(NS, `app-${i}`, 'app:0'), { fieldManager: 'kubectl-create' });

const stored = new Map<string, number>(); // image → when its release was first stored
const listAndWatch = process.env.BENCH_LIST_AND_WATCH === '1';
process.stdout.write(`detection-latency: the tracker syncs with ${listAndWatch ? 'LIST and WATCH (--list-and-watch)' : 'streaming lists, gzipped by the server (1.37)'}\n`);
const tracker = await startTracker(sim, { listAndWatch, onRelease: (r) => { const img = r.images[0]?.image; if (img && !stored.has(img)) stored.set(img, performance.now()); } });
await waitFor('the initial releases', () => stored.size >= 1);

// The anchor: a bare watch on Deployments that notes when each image first arrives.
const seen = new Map<string, number>();
const abort = new AbortController();
const res = await fetch(`${sim.url}/apis/apps/v1/namespaces/${NS}/deployments?watch=true&resourceVersion=${sim.store.currentResourceVersion()}`, {
  headers: { authorization: `Bearer ${tokenOf(sim.kubeconfigYaml())}` },
  signal: abort.signal,
});
const watching = (async () => {
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const ev = JSON.parse(line) as { object?: { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } };
        const img = ev.object?.spec?.template?.spec?.containers?.[0]?.image;
        if (img && !seen.has(img)) seen.set(img, performance.now());
      }
    }
  } catch {
    // aborted at the end
  }
})();

const written = new Map<string, number>();
for (let n = 1; n <= CHANGES; n++) {
  const image = `app:${n}`;
  written.set(image, performance.now());
  setImage(sim, NS, `app-${n % WORKLOADS}`, image);
  await sleep(20 + (n % 7) * 3); // a change every ~30 ms, spread over the workloads
}
await waitFor('every change in the ledger and at the bare watch', () => [...written.keys()].every((i) => stored.has(i) && seen.has(i)), 30_000);
abort.abort();
await watching;

const tracker_ms = [...written].map(([img, t]) => stored.get(img)! - t);
const anchor_ms = [...written].map(([img, t]) => seen.get(img)! - t);
const f = (v: number): string => v.toFixed(1);
const p50 = percentile(tracker_ms, 50);
const p99 = percentile(tracker_ms, 99);
const a50 = percentile(anchor_ms, 50);
const a99 = percentile(anchor_ms, 99);
process.stdout.write(
  `detection-latency: ${CHANGES} template changes → release stored in the ledger: p50 ${f(p50)} ms, p99 ${f(p99)} ms, max ${f(Math.max(...tracker_ms))} ms (aim p99 < 100 ms: ${p99 < 100 ? 'met' : 'MISSED'})\n` +
    `detection-latency: anchor, arrival at a bare watch: p50 ${f(a50)} ms, p99 ${f(a99)} ms\n` +
    `detection-latency: tracker/anchor ratio p50 ${(p50 / a50).toFixed(1)}×, p99 ${(p99 / a99).toFixed(1)}×; tracker overhead over the bare watch p50 ${f(p50 - a50)} ms, p99 ${f(p99 - a99)} ms\n`,
);
await tracker.stop();
await sim.stop();
