// `npm run bench -- ledger-load` (or `node bench/ledger-load.bench.ts`): API-server load of
// rollscope's watch-based tracker over a simulated day of releases in a 1,000-Deployment cluster
// (requests and response bytes, from the simulator's accounting), next to the anchor measured in
// the same run against the same cluster for the same simulated time: a poller that lists all
// ReplicaSets (as JSON) every simulated minute. Aim (issue 16): the tracker's bytes ≤ 0.5% of the
// poller's, with a number of requests that does not grow with the day's changes.
// The simulated clock is a ManualClock the bench advances one simulated second at a time, paced to
// at most BENCH_SPEED× real time (default 1440: one simulated day in 60 s, slower when the machine
// cannot keep up), with seeded randomness: the cluster goes through the same states in every run,
// whatever the load, so the bytes are the same from run to run (a real-time clock let late timers
// merge controller work differently each run). The day ends at exactly BENCH_DAY_HOURS simulated
// hours (the accounting is read in the timer that ends it). The poller's 1,440 lists are measured
// exactly on the simulated clock: each is the body the server would send at that minute
// (list-bytes.ts, the server's own serialiser), checked against real HTTP lists before and after.
// Compression: the simulator gzips non-watch answers over 128 KiB for clients that ask, as
// kube-apiserver does, and rollscope asks, so its bytes are wire bytes (its decoded bytes are
// printed beside them). The anchor stays the issue's uncompressed JSON poller; a second ratio is
// against the same poller accepting gzip as kubectl and client-go do, sampled: the gzip size of
// the anchor's list is measured once per simulated hour and its ratio applied to that hour's lists.
import { request } from 'node:http';
import { HEARTBEAT_MS } from '../src/controllers/canary/heartbeat.ts';
import { DEFAULT_MIN_STREAM_TIMEOUT_S } from '../src/kube/reflector.ts';
import { seededRandom } from '../src/lib/seeded-random.ts';
import { ManualClock, startSim } from '../src/sim/index.ts';
import { parseFeatureGates } from '../src/sim/apiserver/feature-gates.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deployment, setImage, startTracker, tokenOf } from './bench-support.ts';
import { ListBytes } from './list-bytes.ts';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 1_000);
const NAMESPACES = 10;
const SPEED = Number(process.env.BENCH_SPEED ?? 1_440);
const DAY_MS = Number(process.env.BENCH_DAY_HOURS ?? 24) * 3_600_000;
const RELEASES = Number(process.env.BENCH_RELEASES ?? 240); // ten an hour
const SCALES = RELEASES * 2; // HPA-like scaling noise
const MINUTE = 60_000;

let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
// The day runs against three API servers, each in its own process (one after the other, the same
// seeded day): one as releases before 1.37 serve (no watch is compressed), one as 1.37 serves by
// default (WatchListCompression: the tracker's streaming lists are gzipped for their whole life),
// and that one with ManagedFieldsOptOut too (KEP-5958, alpha, off by default), which honours the
// tracker's `drop=metadata.managedFields` and leaves managedFields out of the Pods, ReplicaSets
// and Events it sends. BENCH_FEATURE_GATES (kube-apiserver's --feature-gates spelling, '' for the
// 1.37 defaults) runs one of them only.
if (process.env.BENCH_FEATURE_GATES === undefined) {
  let failed = 0;
  for (const gates of ['WatchListCompression=false', '', 'ManagedFieldsOptOut=true']) {
    const code = await new Promise<number>((done) => {
      spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BENCH_FEATURE_GATES: gates } }).on('exit', (c, signal) => done(c ?? (signal ? 1 : 0)));
    });
    if (code !== 0) failed++;
  }
  process.exit(failed === 0 ? 0 : 1);
}
const featureGates = parseFeatureGates(process.env.BENCH_FEATURE_GATES);
const serverName = !featureGates.WatchListCompression ? 'before 1.37' : featureGates.ManagedFieldsOptOut ? '1.37 + ManagedFieldsOptOut' : '1.37 default';
const serverKind = !featureGates.WatchListCompression
  ? 'a server as releases before 1.37 run (no WatchListCompression: no watch is compressed)'
  : featureGates.ManagedFieldsOptOut
    ? 'a 1.37 server with ManagedFieldsOptOut (KEP-5958, alpha) on'
    : 'a server as 1.37 runs by default (WatchListCompression on, no ManagedFieldsOptOut)';
process.stdout.write(`ledger-load: the API server: ${serverKind}\n`);
const sim = await startSim({ clock, random: seededRandom(7), nodes: '20x64cpu256Gi', featureGates });
const STEP_MS = 1_000;
/** advanceTo moves the simulated clock to `until` in steps of STEP_MS, no faster than SPEED× real time, letting I/O run between steps. */
async function advanceTo(until: number): Promise<void> {
  const fromSim = clock.now();
  const fromReal = performance.now();
  while (clock.now() < until) {
    const ahead = (clock.now() - fromSim) / SPEED - (performance.now() - fromReal);
    if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
    clock.advance(Math.min(STEP_MS, until - clock.now()));
    await new Promise((r) => setImmediate(r));
  }
}
const names: [string, string][] = [];
for (let n = 0; n < NAMESPACES; n++) sim.store.create('namespaces', { metadata: { name: `team-${n}` } });
for (let i = 0; i < DEPLOYMENTS; i++) {
  const ns = `team-${i % NAMESPACES}`;
  const name = `svc-${i}`;
  names.push([ns, name]);
  sim.store.create('deployments.apps', deployment(ns, name, `registry.local/${name}:1`, 1), { fieldManager: 'kubectl-create' });
}
const settled = (): boolean => sim.store.list('deployments.apps').filter((d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1).length >= DEPLOYMENTS;
for (const deadline = clock.now() + 3_600_000; !settled(); ) {
  if (clock.now() > deadline) throw new Error(`the ${DEPLOYMENTS} Deployments did not become available within a simulated hour`);
  clock.advance(STEP_MS);
  await new Promise((r) => setImmediate(r));
}
// The creation's own events expire (event TTL, 1 h) before the day starts, so the day does not
// depend on how long the setup took: the tracker's first list finds the day's traffic only.
for (const deadline = clock.now() + 2 * 3_600_000; sim.store.list('events').length > 0; ) {
  if (clock.now() > deadline) throw new Error(`the setup's ${sim.store.list('events').length} events did not expire within two simulated hours`);
  clock.advance(60_000);
  await new Promise((r) => setImmediate(r));
}

// The anchor's list, checked against the real server: the computed bytes must equal a real HTTP
// LIST's body, uncompressed and as gzipped for a client that asks (retried while the ReplicaSets
// change under the request). node:http sends only the headers given and does not decompress.
const token = tokenOf(sim.kubeconfigYaml());
const rsList = new ListBytes(sim, 'replicasets.apps', 'ReplicaSet', 'apps/v1');
function listOnWire(acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${sim.url}/apis/apps/v1/replicasets`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': acceptEncoding } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
async function checkAnchor(when: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const before = rsList.now();
    const zipped = rsList.gzipNow();
    const got = await listOnWire('identity');
    const gotZipped = await listOnWire('gzip');
    if (got === before && gotZipped === zipped.wireBytes && rsList.now() === before) return got;
    if (attempt >= 20) throw new Error(`${when}: the computed ReplicaSet list (${before} B, ${zipped.wireBytes} B gzipped) differs from the server's (${got} B, ${gotZipped} B gzipped)`);
  }
}
await checkAnchor('before the day');

sim.accounting.reset();
const startedSim = sim.clock.now();
// The day's script, on the simulated clock: releases (image changes) and HPA scaling at random times.
let released = 0;
for (let i = 0; i < RELEASES; i++) {
  const [ns, name] = names[Math.floor(random() * names.length)]!;
  sim.clock.schedule(startedSim + Math.floor(random() * DAY_MS) - sim.clock.now(), () => {
    setImage(sim, ns, name, `registry.local/${name}:r${i}`);
    released++;
  });
}
for (let i = 0; i < SCALES; i++) {
  const [ns, name] = names[Math.floor(random() * names.length)]!;
  sim.clock.schedule(startedSim + Math.floor(random() * DAY_MS) - sim.clock.now(), () => {
    const d = sim.store.get('deployments.apps', ns, name);
    if (d) sim.store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), replicas: 1 + Math.floor(random() * 3) } }, { fieldManager: 'horizontal-pod-autoscaler' });
  });
}

const sum = (rows: readonly { requests: number; bytes: number }[]): { requests: number; bytes: number } => rows.reduce((a, r) => ({ requests: a.requests + r.requests, bytes: a.bytes + r.bytes }), { requests: 0, bytes: 0 });
const tracker = await startTracker(sim);
const startup = sim.accounting.rows();
const startedReal = performance.now();

// The anchor: one LIST of all ReplicaSets at the start of every simulated minute; at the start of
// every simulated hour its gzip size too (the sample for the poller that accepts gzip).
const anchorLists: number[] = [];
const gzipSamples: { readonly minute: number; readonly bytes: number; readonly wireBytes: number }[] = [];
const MINUTES = Math.round(DAY_MS / MINUTE);
const listEveryMinute = (k: number): void => {
  anchorLists.push(rsList.now());
  if (k % 60 === 0) gzipSamples.push({ minute: k, ...rsList.gzipNow() });
  if (k + 1 < MINUTES) sim.clock.schedule(startedSim + (k + 1) * MINUTE - sim.clock.now(), () => listEveryMinute(k + 1));
};
listEveryMinute(0);

// Requests at every simulated hour (read in timers on the simulated clock): they must not grow
// with the day — after the start only watches re-opened when the server ends them, and what runs
// on the real clock (the canary heartbeat), which the bench reports separately.
const HOURS = Math.round(DAY_MS / 3_600_000);
const hourly: { requests: number; byVerb: Map<string, number> }[] = [];
const snapshot = (): { requests: number; byVerb: Map<string, number> } => {
  const byVerb = new Map<string, number>();
  for (const r of sim.accounting.rows()) if (r.requests > 0) byVerb.set(`${r.verb} ${r.resource || '(discovery)'}`, (byVerb.get(`${r.verb} ${r.resource || '(discovery)'}`) ?? 0) + r.requests);
  return { requests: sum(sim.accounting.rows()).requests, byVerb };
};
for (let h = 1; h < HOURS; h++) sim.clock.schedule(startedSim + h * 3_600_000 - sim.clock.now(), () => hourly.push(snapshot()));

// The end of the day: the accounting is read in the timer itself, at simulated DAY_MS.
let day: { rows: ReturnType<typeof sim.accounting.rows>; at: number } | undefined;
sim.clock.schedule(startedSim + DAY_MS - sim.clock.now(), () => {
  day = { rows: sim.accounting.rows(), at: sim.clock.now() };
  hourly.push(snapshot());
});
await advanceTo(startedSim + DAY_MS);
if (day === undefined) throw new Error('the day did not end at its simulated time');
const realDaySeconds = (performance.now() - startedReal) / 1000;
// The tracker's own account of its watches: events received, lists (a relist would repeat the
// start's bytes), watches opened and why they were re-opened.
const watchStats = tracker.daemon.tracker.current()?.informers.stats() ?? [];
const releasesInLedger = (await tracker.ledger.queryReleases({ limit: 1, triggers: ['image'] })).items.length;
await tracker.stop();
await checkAnchor('after the day');
await sim.stop();

const simulatedHours = (day.at - startedSim) / 3_600_000;
const total = sum(day.rows);
const atStart = sum(startup);
const byResource = new Map<string, { list: number; listDecoded: number; watch: number; watchDecoded: number; other: number; otherDecoded: number }>();
for (const r of day.rows) {
  if (r.bytes === 0 && r.requests === 0) continue;
  const name = r.resource === '' ? '(discovery)' : r.resource;
  const e = byResource.get(name) ?? { list: 0, listDecoded: 0, watch: 0, watchDecoded: 0, other: 0, otherDecoded: 0 };
  if (r.verb === 'list') {
    e.list += r.bytes;
    e.listDecoded += r.decodedBytes;
  } else if (r.verb === 'watch') {
    e.watch += r.bytes;
    e.watchDecoded += r.decodedBytes;
  } else {
    e.other += r.bytes;
    e.otherDecoded += r.decodedBytes;
  }
  byResource.set(name, e);
}
const decodedTotal = day.rows.reduce((a, r) => a + r.decodedBytes, 0);
const gzipped = day.rows.reduce((a, r) => a + r.gzip, 0);
// What happened after the start: watches re-opened, and any request `serve` makes on the real clock
// (the canary heartbeat Lease; the canary and migration drivers observe the tracker's informers and
// make none), which a sped-up day compresses; they are projected to a day at speed 1 below.
const sinceStart = day.rows.map((r) => {
  const s0 = startup.find((s) => s.verb === r.verb && s.resource === r.resource);
  return { ...r, requests: r.requests - (s0?.requests ?? 0), bytes: r.bytes - (s0?.bytes ?? 0) };
});
const during = sinceStart.filter((r) => r.requests > 0).map((r) => `${r.verb} ${r.resource || '(discovery)'} ${r.requests}`);
const polls = sum(sinceStart.filter((r) => r.verb !== 'watch'));
const perRealDay = 86_400 / realDaySeconds;
const anchorBytes = anchorLists.reduce((a, b) => a + b, 0);
const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
const breakdown = [...byResource.entries()]
  .map(([name, e]) => ({ name, e, bytes: e.list + e.watch + e.other }))
  .filter((x) => x.bytes >= 1024)
  .sort((a, b) => b.bytes - a.bytes)
  .map(({ name, e }) => `${name} ${mb(e.watch)} watch${e.watchDecoded > e.watch ? ` (${mb(e.watchDecoded)} decoded)` : ''} + ${mb(e.list)} list${e.listDecoded > e.list ? ` (${mb(e.listDecoded)} decoded)` : ''}${e.other > 0 ? ` + ${mb(e.other)} other${e.otherDecoded > e.other ? ` (${mb(e.otherDecoded)} decoded)` : ''}` : ''}`);
// At speed 1 a streaming list lasts 1–2 h (the reflector's minStreamTimeoutSeconds, 3600 s,
// randomised up to twice that), so a day has about 16 of them per kind where the day above, at
// SPEED×, had one. When each ends the reflector re-streams or resumes (src/kube/stream-plan.ts);
// with this day's steady rates it decides the same way every time, so a day at speed 1 costs, per
// kind, either 32 initial bursts plus every change compressed, or one initial burst, a first
// stream's changes compressed and the rest plain. Measured here per resource: the initial burst
// (the watch bytes when the tracker had synced) and the day's changes, on the wire and decoded.
const STREAMS_PER_DAY = 86_400 / (1.5 * DEFAULT_MIN_STREAM_TIMEOUT_S);
const speed1 = [...new Set(day.rows.filter((r) => r.verb === 'watch' && r.gzip > 0).map((r) => r.resource))].map((resource) => {
  const s0 = startup.find((r) => r.verb === 'watch' && r.resource === resource);
  const d = day!.rows.find((r) => r.verb === 'watch' && r.resource === resource)!;
  const initialWire = s0?.bytes ?? 0;
  const eventsWire = d.bytes - initialWire;
  const eventsDecoded = d.decodedBytes - (s0?.decodedBytes ?? 0);
  const ratio = eventsDecoded > 0 ? eventsWire / eventsDecoded : 1;
  const restream = (1 - ratio) * (eventsDecoded / STREAMS_PER_DAY) > initialWire;
  const bytes = restream ? eventsWire + STREAMS_PER_DAY * initialWire : initialWire + eventsWire / STREAMS_PER_DAY + (eventsDecoded * (STREAMS_PER_DAY - 1)) / STREAMS_PER_DAY;
  return { resource, initialWire, eventsWire, eventsDecoded, restream, bytes, dayBytes: d.bytes };
});
const speed1Bytes = total.bytes + speed1.reduce((a, k) => a + k.bytes - k.dayBytes, 0);
// The poller that accepts gzip: each minute's list scaled by the gzip ratio sampled at the start of its hour.
const gzipAnchorBytes = anchorLists.reduce((a, b, k) => {
  const sample = gzipSamples.findLast((s) => s.minute <= k) ?? gzipSamples[0]!;
  return a + b * (sample.wireBytes / sample.bytes);
}, 0);
const gzipRatios = gzipSamples.map((s) => (100 * s.wireBytes) / s.bytes);
const watchLine = watchStats
  .filter((w) => w.events > 0 || w.lists > 0)
  .map((w) => {
    const bytes = day!.rows.find((r) => r.verb === 'watch' && r.resource === (w.kind === 'Pod' || w.kind === 'Event' ? w.kind.toLowerCase() + 's' : `${w.kind.toLowerCase()}s.apps`))?.bytes ?? 0;
    return `${w.kind} ${w.events} events${w.events > 0 ? ` (${Math.round(bytes / w.events)} B each)` : ''}, ${w.lists} list${w.relists > 0 ? ` (${w.relists} relists)` : ''}, ${w.watches} watch${w.watches === 1 ? '' : 'es'}${w.restarts.timeout + w.restarts.expired + w.restarts.error > 0 ? ` (re-opened: ${w.restarts.timeout} timeout, ${w.restarts.expired} expired, ${w.restarts.error} error)` : ''}`;
  })
  .join('; ');
// What each hour added (by verb and resource), and how much of it ran on the real clock.
const growth = hourly
  .map((h, i) => {
    const before = i === 0 ? new Map(startup.filter((r) => r.requests > 0).map((r) => [`${r.verb} ${r.resource || '(discovery)'}`, r.requests] as const)) : hourly[i - 1]!.byVerb;
    const added = [...h.byVerb].map(([k, n]) => [k, n - (before.get(k) ?? 0)] as const).filter(([, n]) => n > 0);
    return `${i + 1}h +${added.reduce((a, [, n]) => a + n, 0)}${added.length > 0 ? ` (${added.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`;
  })
  .join('; ');
process.stdout.write(
  `ledger-load: ${DEPLOYMENTS} Deployments, ${simulatedHours.toFixed(2)} simulated hours at ${SPEED}×, ${released} releases + ${SCALES} scalings (image releases in the ledger: ${releasesInLedger > 0 ? 'yes' : 'NONE'})\n` +
    `ledger-load: rollscope (list once + watch): ${total.requests} requests (${atStart.requests} while starting; during the day: ${during.join(', ') || 'none'}), ${mb(total.bytes)} MB on the wire (${mb(decodedTotal)} MB decoded; ${gzipped} answers gzipped)\n` +
    `ledger-load: rollscope MB on the wire by resource (decoded where gzip made it smaller: lists above 128 KiB; streaming lists on 1.37): ${breakdown.join('; ')}\n` +
    `ledger-load: the tracker's watches: ${watchLine}\n` +
    `ledger-load: polls on the real clock during the day: ${polls.requests} requests, ${(polls.bytes / 1024).toFixed(0)} KB in ${realDaySeconds.toFixed(1)} real s; a day at speed 1 would have ${Math.round(polls.requests * perRealDay)} of them, ${mb(polls.bytes * perRealDay)} MB (not in the figure above)\n` +
    `ledger-load: at speed 1 a day also has what runs on the real clock, a fixed number per hour whatever the releases: the watches re-opened when the server ends them (${speed1.length > 0 ? `a streaming list after 1–2 h, then re-streamed or resumed as below; a resumed watch every 5–10 min: at most ${watchStats.length} × ${86_400 / 300} = ${(watchStats.length * 86_400) / 300} requests` : `timeoutSeconds 300–600 s, no relist: ${watchStats.length} watches × ${86_400 / 600}–${86_400 / 300} = ${(watchStats.length * 86_400) / 600}–${(watchStats.length * 86_400) / 300} requests`}) and the canary heartbeat (${Math.round(86_400_000 / Math.floor(HEARTBEAT_MS / 3))} Lease writes)\n` +
    `ledger-load: requests by simulated hour (cumulative, since the tracker started): ${hourly.map((h, i) => `${i + 1}h ${h.requests}`).join(', ')}\n` +
    `ledger-load: requests at 12 h ${hourly[Math.min(11, hourly.length - 1)]?.requests ?? '?'}, at 24 h ${hourly.at(-1)?.requests ?? '?'}; after the start, per hour: ${growth}\n` +
    `ledger-load: anchor, list all ReplicaSets (JSON) every simulated minute: ${anchorLists.length} lists (${mb(Math.min(...anchorLists))}–${mb(Math.max(...anchorLists))} MB each) → ${mb(anchorBytes)} MB\n` +
    `ledger-load: rollscope/poller ratio (${serverName}): bytes ${((100 * total.bytes) / anchorBytes).toFixed(3)}% (aim ≤ 0.5%), requests ${((100 * total.requests) / anchorLists.length).toFixed(2)}%\n` +
    (speed1.length === 0
      ? ''
      : `ledger-load: the same day at speed 1 (${STREAMS_PER_DAY.toFixed(0)} streaming lists a day per kind, ${DEFAULT_MIN_STREAM_TIMEOUT_S / 3600}–${(2 * DEFAULT_MIN_STREAM_TIMEOUT_S) / 3600} h each): ${speed1.map((k) => `${k.resource} ${k.restream ? 're-streams' : 'resumes'} (changes ${mb(k.eventsDecoded)} MB decoded, ${mb(k.eventsWire)} compressed; the objects again ${(k.initialWire / 1024).toFixed(0)} KB) → ${mb(k.bytes)} MB`).join('; ')}; the day ≈ ${mb(speed1Bytes)} MB = ${((100 * speed1Bytes) / anchorBytes).toFixed(3)}% of the poller (aim ≤ 0.5%)\n`) +
    `ledger-load: the same poller accepting gzip as kubectl/client-go do (level 1 above 128 KiB, as the server sends it), sampled: the gzip size of the list measured at ${gzipSamples.length} of the ${anchorLists.length} minutes (once per simulated hour, ${Math.min(...gzipRatios).toFixed(1)}–${Math.max(...gzipRatios).toFixed(1)}% of the JSON) and applied to that hour's lists → ${mb(gzipAnchorBytes)} MB; rollscope/gzip-poller bytes ${((100 * total.bytes) / gzipAnchorBytes).toFixed(2)}%\n`,
);
