// `npm run bench -- ingest` (or `node bench/ingest.bench.ts`): ingest throughput (events/s) and
// memory per tracked object of OUR informer (kube/cluster-informers.ts) against the anchor,
// @kubernetes/client-node's makeInformer, on the same stream: 20k Pods + 2k Deployments listed,
// then a burst of modifications. The stream is captured from the simulated cluster
// (bench/ingest-capture.ts; BENCH_SOURCE=synthetic uses generated objects instead). Each side runs
// in its own child process with --expose-gc; the parent replays byte-identical LIST/WATCH responses
// (bench/ingest-stream.ts) and prints both side by side with the ratios.
// Sizes: BENCH_PODS, BENCH_DEPLOYMENTS, BENCH_POD_UPDATES, BENCH_DEPLOYMENT_UPDATES.
import { spawn } from 'node:child_process';
import { captureFromSim } from './ingest-capture.ts';
import { makeIngestStream, startReplayServer, type IngestStreamSize } from './ingest-stream.ts';

const SIZE: IngestStreamSize = {
  pods: Number(process.env.BENCH_PODS ?? 20_000),
  deployments: Number(process.env.BENCH_DEPLOYMENTS ?? 2_000),
  podUpdates: Number(process.env.BENCH_POD_UPDATES ?? 40_000),
  deploymentUpdates: Number(process.env.BENCH_DEPLOYMENT_UPDATES ?? 4_000),
};

/** Measurement is what one child reports. */
interface Measurement {
  readonly side: 'ours' | 'client-node';
  readonly listSeconds: number;
  readonly burstSeconds: number;
  readonly heapBytesPerObject: number;
  readonly objects: number;
  readonly burstEvents: number;
}

const side = process.argv[2];
if (side === 'ours' || side === 'client-node') {
  const { runChild } = await import('./ingest-child.ts');
  const m = await runChild(side, process.argv[3] ?? '', SIZE);
  process.stdout.write(`${JSON.stringify(m)}\n`);
  process.exit(0);
}

function measure(which: 'ours' | 'client-node', url: string): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', import.meta.filename, which, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${which} child exited ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as Measurement);
      } catch {
        reject(new Error(`${which} child printed no result: ${out}`));
      }
    });
  });
}

const source = process.env.BENCH_SOURCE === 'synthetic' ? 'synthetic' : 'simulator';
const stream = source === 'synthetic' ? makeIngestStream(SIZE) : await captureFromSim(SIZE);
const server = await startReplayServer(stream);
try {
  // Anchor first, then ours; each side twice, keeping its best run (less noise from a busy machine).
  const runs: Measurement[] = [];
  for (let round = 0; round < 2; round++) for (const which of ['client-node', 'ours'] as const) runs.push(await measure(which, server.url));
  const best = (s: Measurement['side']): Measurement => {
    const mine = runs.filter((r) => r.side === s);
    return mine.reduce((a, b) => ({
      ...a,
      listSeconds: Math.min(a.listSeconds, b.listSeconds),
      burstSeconds: Math.min(a.burstSeconds, b.burstSeconds),
      heapBytesPerObject: Math.min(a.heapBytesPerObject, b.heapBytesPerObject),
    }));
  };
  const ours = best('ours');
  const anchor = best('client-node');
  const rate = (n: number, s: number): number => n / s;
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const listOurs = rate(ours.objects, ours.listSeconds);
  const listAnchor = rate(anchor.objects, anchor.listSeconds);
  const burstOurs = rate(ours.burstEvents, ours.burstSeconds);
  const burstAnchor = rate(anchor.burstEvents, anchor.burstSeconds);
  const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
  process.stdout.write(
    [
      `ingest: stream (from the ${source}) ${fmt(stream.listObjects)} objects listed (${mb(stream.listBytes)} MB) + ${fmt(stream.burstEvents)} watch events (${mb(stream.burstBytes)} MB)`,
      `ingest: ${'metric'.padEnd(30)} ${'ours'.padStart(12)} ${'client-node'.padStart(12)}  ratio`,
      `ingest: ${'list throughput (objects/s)'.padEnd(30)} ${fmt(listOurs).padStart(12)} ${fmt(listAnchor).padStart(12)}  ${(listOurs / listAnchor).toFixed(2)}x`,
      `ingest: ${'watch throughput (events/s)'.padEnd(30)} ${fmt(burstOurs).padStart(12)} ${fmt(burstAnchor).padStart(12)}  ${(burstOurs / burstAnchor).toFixed(2)}x (aim >= 2x)`,
      `ingest: ${'heap per object (bytes)'.padEnd(30)} ${fmt(ours.heapBytesPerObject).padStart(12)} ${fmt(anchor.heapBytesPerObject).padStart(12)}  ${(ours.heapBytesPerObject / anchor.heapBytesPerObject).toFixed(3)}x (aim <= 0.2x)`,
      '',
    ].join('\n'),
  );
} finally {
  await server.close();
}
