// `npm run bench -- stats-load` (or `node bench/stats-load.bench.ts`): does `/api/v1/stats` stall
// ingest? An in-process `rollscope serve` on a SQLite ledger pre-filled with BENCH_STATS_RELEASES
// (default 20,000) releases over the last 30 days; release-detection latency (template change
// served → release stored, as in detection-latency.bench.ts) p50/p99 over BENCH_CHANGES changes,
// measured idle (the anchor) and while 4 clients call `/api/v1/stats?since=30d` back to back: as
// rollscope serves them (worker thread, identical queries shared), with 4 distinct queries (the
// worker alone), and, for reference, computed inline on the event loop (how it was before).
// Aim: p99 under load ≤ 2× the idle p99.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSim } from '../src/sim/index.ts';
import { openSqliteLedger } from '../src/store/sqlite/store.ts';
import { deployment, percentile, setImage, startTracker, waitFor, type BenchTracker } from './bench-support.ts';
import { fillLedger } from './ledger-synth.ts';

const RELEASES = Number(process.env.BENCH_STATS_RELEASES ?? 20_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 300);
const CLIENTS = 4;
const WORKLOADS = 30;
const NS = 'latency';
const DAY_MS = 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'rollscope-stats-load-'));
const path = join(dir, 'ledger.db');
const sim = await startSim({ speed: 1 });
sim.store.create('namespaces', { metadata: { name: NS } });
for (let i = 0; i < WORKLOADS; i++) sim.store.create('deployments.apps', deployment(NS, `app-${i}`, 'app:0'), { fieldManager: 'kubectl-create' });

{
  const filler = openSqliteLedger({ path, stats: 'inline' });
  await fillLedger(filler.driver, { releases: RELEASES, workloads: Math.max(1, Math.floor(RELEASES / 10)), namespaces: 20, clusters: 1, end: sim.clock.now() - 60_000, spanMs: 30 * DAY_MS });
  await filler.close();
}

const stored = new Map<string, number>(); // image → when its release was first stored
let round = 0;

/** detect writes CHANGES template changes ~30 ms apart and returns each one's write → stored latency. */
async function detect(): Promise<number[]> {
  round++;
  const written = new Map<string, number>();
  for (let n = 1; n <= CHANGES; n++) {
    const image = `app:${round}.${n}`;
    written.set(image, performance.now());
    setImage(sim, NS, `app-${n % WORKLOADS}`, image);
    await sleep(20 + (n % 7) * 3);
  }
  await waitFor('every change in the ledger', () => [...written.keys()].every((i) => stored.has(i)), 60_000);
  return [...written].map(([img, t]) => (stored.get(img) ?? NaN) - t);
}

/** underStatsLoad runs `detect` while CLIENTS clients call /api/v1/stats back to back; returns latencies and the stats calls' durations. */
async function underStatsLoad(url: string, distinct = false): Promise<{ detection: number[]; stats: number[]; errors: number }> {
  let stop = false;
  let calls = 0;
  let errors = 0;
  const stats: number[] = [];
  const clients = Array.from({ length: CLIENTS }, async (_, c) => {
    while (!stop) {
      const t = performance.now();
      // distinct: an absolute `until` that differs in every call (by the millisecond), so no two queries are alike
      const until = distinct ? `&until=${new Date(sim.clock.now() + 1_000 + c + 4 * calls++).toISOString()}` : '';
      let res: Response;
      try {
        res = await fetch(`${url}/api/v1/stats?since=30d${until}`);
      } catch {
        errors++; // a kept-alive connection closed under the client (counted and printed, then retried)
        continue;
      }
      const body = (await res.json()) as { total?: { releases?: number } };
      if (!res.ok || (body.total?.releases ?? 0) < RELEASES) throw new Error(`stats answered ${res.status} with ${body.total?.releases} releases, expected ≥ ${RELEASES}`);
      stats.push(performance.now() - t);
    }
  });
  await sleep(500); // the clients are in full swing (and the worker started) before the first change
  const detection = await detect();
  stop = true;
  await Promise.all(clients);
  return { detection, stats, errors };
}

async function start(mode: 'worker' | 'inline'): Promise<BenchTracker> {
  const ledger = openSqliteLedger({ path, stats: mode });
  const t = await startTracker(sim, { ledger, onRelease: (r) => { const img = r.images[0]?.image; if (img && !stored.has(img)) stored.set(img, performance.now()); } });
  await waitFor('the initial releases', () => stored.size >= 1);
  return t;
}

let tracker = await start('worker');
const idle = await detect();
const worker = await underStatsLoad(tracker.daemon.url);
const distinct = await underStatsLoad(tracker.daemon.url, true);
await tracker.stop();
tracker = await start('inline');
const inline = await underStatsLoad(tracker.daemon.url);
await tracker.stop();
await sim.stop();
rmSync(dir, { recursive: true, force: true });

const f = (v: number): string => v.toFixed(1);
const i50 = percentile(idle, 50);
const i99 = percentile(idle, 99);
const line = (name: string, r: { detection: number[]; stats: number[]; errors: number }): string => {
  const p99 = percentile(r.detection, 99);
  return `stats-load: ${name}: detection p50 ${f(percentile(r.detection, 50))} ms, p99 ${f(p99)} ms → p99 ${(p99 / i99).toFixed(2)}× idle; ${r.stats.length} stats calls, p50 ${f(percentile(r.stats, 50))} ms, p99 ${f(percentile(r.stats, 99))} ms${r.errors > 0 ? `, ${r.errors} connection errors` : ''}\n`;
};
const ratio = percentile(worker.detection, 99) / i99;
process.stdout.write(
  `stats-load: ${RELEASES.toLocaleString('en')} releases in the ledger (SQLite), ${CHANGES} template changes per phase, ${CLIENTS} clients on /api/v1/stats?since=30d\n` +
    `stats-load: anchor, idle: detection p50 ${f(i50)} ms, p99 ${f(i99)} ms\n` +
    line('stats in a worker thread, shared by identical queries (default)', worker) +
    line('the same, 4 distinct queries (nothing shared)', distinct) +
    line('reference, stats inline on the event loop (before)', inline) +
    `stats-load: p99 under load / idle p99 = ${ratio.toFixed(2)}× (aim ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'})\n`,
);
