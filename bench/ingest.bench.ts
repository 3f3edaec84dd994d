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
import type { ChildResult } from './ingest-child.ts';
import { makeIngestStream, startReplayServer, type IngestStreamSize } from './ingest-stream.ts';

const SIZE: IngestStreamSize = {
  pods: Number(process.env.BENCH_PODS ?? 20_000),
  deployments: Number(process.env.BENCH_DEPLOYMENTS ?? 2_000),
  podUpdates: Number(process.env.BENCH_POD_UPDATES ?? 40_000),
  deploymentUpdates: Number(process.env.BENCH_DEPLOYMENT_UPDATES ?? 4_000),
};

/** Measurement is what one child reports (see ChildResult). */
type Measurement = ChildResult;

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
      listCpuSeconds: Math.min(a.listCpuSeconds, b.listCpuSeconds),
      burstCpuSeconds: Math.min(a.burstCpuSeconds, b.burstCpuSeconds),
      heapBytesPerObject: Math.min(a.heapBytesPerObject, b.heapBytesPerObject),
    }));
  };
  const ours = best('ours');
  const anchor = best('client-node');
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
  const row = (metric: string, o: number, a: number, aim = ''): string =>
    `ingest: ${metric.padEnd(40)} ${fmt(o).padStart(10)} ${fmt(a).padStart(12)}  ${(o / a).toFixed(o / a < 1 ? 3 : 2)}x${aim}`;
  process.stdout.write(
    [
      `ingest: stream (from the ${source}) ${fmt(stream.listObjects)} objects listed (${mb(stream.listBytes)} MB) + ${fmt(stream.burstEvents)} watch events (${mb(stream.burstBytes)} MB)`,
      `ingest: ${'metric'.padEnd(40)} ${'ours'.padStart(10)} ${'client-node'.padStart(12)}  ratio`,
      row('list throughput (objects/CPU-s)', ours.objects / ours.listCpuSeconds, anchor.objects / anchor.listCpuSeconds),
      row('watch throughput (events/CPU-s)', ours.burstEvents / ours.burstCpuSeconds, anchor.burstEvents / anchor.burstCpuSeconds, ' (aim >= 2x)'),
      row('list throughput (objects/s, wall clock)', ours.objects / ours.listSeconds, anchor.objects / anchor.listSeconds),
      row('watch throughput (events/s, wall clock)', ours.burstEvents / ours.burstSeconds, anchor.burstEvents / anchor.burstSeconds),
      row('heap per tracked object (bytes)', ours.heapBytesPerObject, anchor.heapBytesPerObject, ' (aim <= 0.2x)'),
      '',
    ].join('\n'),
  );
} finally {
  await server.close();
}
