// `npm run bench -- ingest` (or `node bench/ingest.bench.ts`): ingest throughput (objects and
// events per CPU-second) and memory per tracked object of OUR informer (kube/cluster-informers.ts),
// reading protobuf (its default) and JSON, against two anchors: @kubernetes/client-node's
// makeInformer, and JSON.parse alone of the same JSON bytes (the ceiling of any JSON client), on the
// same stream: 20k Pods + 2k Deployments listed, then a burst of modifications. The stream is captured from the simulated cluster
// (bench/ingest-capture.ts; BENCH_SOURCE=synthetic uses generated objects instead). Each side runs
// in its own child process with --expose-gc; the parent replays byte-identical LIST/WATCH responses
// (bench/ingest-stream.ts; the same objects pre-encoded as protobuf for a client that asks for it)
// and prints the sides next to each other with the ratios.
// Sizes: BENCH_PODS, BENCH_DEPLOYMENTS, BENCH_POD_UPDATES, BENCH_DEPLOYMENT_UPDATES; BENCH_ROUNDS timing
// runs of each side (default 2), then one heap run of each (ingest-child.ts: Reading says why apart).
import { spawn } from 'node:child_process';
import { captureFromSim } from './ingest-capture.ts';
import type { ChildResult, Reading } from './ingest-child.ts';
import { INGEST_SIDES, type IngestSide } from './ingest-child.ts';
import { makeIngestStream, protobufBytes, startReplayServer, type IngestStreamSize } from './ingest-stream.ts';

const SIZE: IngestStreamSize = {
  pods: Number(process.env.BENCH_PODS ?? 20_000),
  deployments: Number(process.env.BENCH_DEPLOYMENTS ?? 2_000),
  podUpdates: Number(process.env.BENCH_POD_UPDATES ?? 40_000),
  deploymentUpdates: Number(process.env.BENCH_DEPLOYMENT_UPDATES ?? 4_000),
};

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** Measurement is the best of a side's runs: every figure of ChildResult, reported by at least one run. */
type Measurement = { readonly [K in keyof ChildResult]: NonNullable<ChildResult[K]> };

const side = process.argv[2];
if (side !== undefined && (INGEST_SIDES as readonly string[]).includes(side)) {
  const { runChild } = await import('./ingest-child.ts');
  const m = await runChild(side as IngestSide, process.argv[3] ?? '', SIZE, process.argv[4] === 'heap' ? 'heap' : 'timing');
  process.stdout.write(`${JSON.stringify(m)}\n`);
  process.exit(0);
}

function measure(which: IngestSide, url: string, reading: Reading): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', import.meta.filename, which, url, reading], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${which} child exited ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`${which} child printed no result: ${out}`));
      }
    });
  });
}

const source = process.env.BENCH_SOURCE === 'synthetic' ? 'synthetic' : 'simulator';
const stream = source === 'synthetic' ? makeIngestStream(SIZE) : await captureFromSim(SIZE);
const pb = protobufBytes(stream);
const server = await startReplayServer(stream);
try {
  // Anchors first, then ours; every side ROUNDS times (interleaved), keeping its best run (less noise
  // from a busy machine); then one heap run of each side. A figure a run does not report is null;
  // the best of each figure is taken over the runs that report it.
  const runs: ChildResult[] = [];
  for (let round = 0; round < ROUNDS; round++) for (const which of INGEST_SIDES) runs.push(await measure(which, server.url, 'timing'));
  for (const which of INGEST_SIDES) runs.push(await measure(which, server.url, 'heap'));
  const best = (s: IngestSide): Measurement => {
    const mine = runs.filter((r) => r.side === s);
    const least = (f: (m: ChildResult) => number | null): number => {
      const reported = mine.map(f).filter((n): n is number => n !== null);
      if (reported.length === 0) throw new Error(`no run of ${s} reported every figure`);
      return Math.min(...reported);
    };
    return {
      ...mine[0]!,
      listSeconds: least((m) => m.listSeconds),
      burstSeconds: least((m) => m.burstSeconds),
      listCpuSeconds: least((m) => m.listCpuSeconds),
      burstCpuSeconds: least((m) => m.burstCpuSeconds),
      heapBytesPerObject: least((m) => m.heapBytesPerObject),
    };
  };
  const proto = best('ours-protobuf');
  const json = best('ours-json');
  const node = best('client-node');
  const parse = best('json-parse');
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
  const ratio = (o: number, a: number): string => `${(o / a).toFixed(o / a < 1 ? 3 : 2)}x`;
  const list = (m: Measurement): number => m.objects / m.listCpuSeconds;
  const watch = (m: Measurement): number => m.burstEvents / m.burstCpuSeconds;
  const row = (metric: string, f: (m: Measurement) => number, aim = ''): string =>
    `ingest: ${metric.padEnd(34)} ${fmt(f(proto)).padStart(10)} ${fmt(f(json)).padStart(10)} ${fmt(f(node)).padStart(12)} ${fmt(f(parse)).padStart(11)}  ${ratio(f(proto), f(node)).padStart(7)} ${ratio(f(proto), f(parse)).padStart(8)}${aim}`;
  process.stdout.write(
    [
      `ingest: stream (from the ${source}) ${fmt(stream.listObjects)} objects listed + ${fmt(stream.burstEvents)} watch events; JSON ${mb(stream.listBytes)} + ${mb(stream.burstBytes)} MB, protobuf ${mb(pb.listBytes)} + ${mb(pb.burstBytes)} MB (${ratio(pb.listBytes + pb.burstBytes, stream.listBytes + stream.burstBytes)})`,
      `ingest: ${'metric'.padEnd(34)} ${'ours/pb'.padStart(10)} ${'ours/json'.padStart(10)} ${'client-node'.padStart(12)} ${'JSON.parse'.padStart(11)}  ${'pb/node'.padStart(7)} ${'pb/parse'.padStart(8)}`,
      row('list (objects/CPU-s)', list, ' (aim >= 2x, >= 1x)'),
      row('watch (events/CPU-s)', watch, ' (aim >= 2x, >= 1x)'),
      row('list (objects/s, wall clock)', (m) => m.objects / m.listSeconds),
      row('watch (events/s, wall clock)', (m) => m.burstEvents / m.burstSeconds),
      row('heap per tracked object (bytes)', (m) => m.heapBytesPerObject, ' (aim <= 0.1x client-node)'),
      '',
    ].join('\n'),
  );
} finally {
  await server.close();
}
