// `npm run bench -- ledger-load` (or `node bench/ledger-load.bench.ts`): API-server load of
// rollscope's watch-based tracker over a simulated day of releases in a 1,000-Deployment cluster
// (requests and response bytes, from the simulator's accounting), next to the anchor measured in
// the same run against the same cluster for the same simulated time: a poller that lists all
// ReplicaSets every simulated minute. Aim: the tracker's bytes ≤ 1% of the poller's.
// The day runs at BENCH_SPEED× (default 1440: one simulated day in 60 s). If the poller falls
// behind (a list takes longer than a simulated minute), its per-list cost is extrapolated to the
// 1,440 lists a day calls for, and the output says so.
import { startSim } from '../src/sim/index.ts';
import { deployment, setImage, startTracker, tokenOf } from './bench-support.ts';

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
const sim = await startSim({ speed: SPEED, nodes: '20x64cpu256Gi' });
const names: [string, string][] = [];
for (let n = 0; n < NAMESPACES; n++) sim.store.create('namespaces', { metadata: { name: `team-${n}` } });
for (let i = 0; i < DEPLOYMENTS; i++) {
  const ns = `team-${i % NAMESPACES}`;
  const name = `svc-${i}`;
  names.push([ns, name]);
  sim.store.create('deployments.apps', deployment(ns, name, `registry.local/${name}:1`, 1), { fieldManager: 'kubectl-create' });
}
const settled = (): boolean => sim.store.list('deployments.apps').filter((d) => (d.status as { availableReplicas?: number } | undefined)?.availableReplicas === 1).length >= DEPLOYMENTS;
for (const deadline = Date.now() + 300_000; !settled(); ) {
  if (Date.now() > deadline) throw new Error(`the ${DEPLOYMENTS} Deployments did not become available within 5 minutes`);
  await new Promise((r) => setTimeout(r, 500));
}

// The day's script, on the simulated clock: releases (image changes) and HPA scaling at random times.
let released = 0;
for (let i = 0; i < RELEASES; i++) {
  const [ns, name] = names[Math.floor(random() * names.length)]!;
  sim.clock.schedule(random() * DAY_MS, () => {
    setImage(sim, ns, name, `registry.local/${name}:r${i}`);
    released++;
  });
}
for (let i = 0; i < SCALES; i++) {
  const [ns, name] = names[Math.floor(random() * names.length)]!;
  sim.clock.schedule(random() * DAY_MS, () => {
    const d = sim.store.get('deployments.apps', ns, name);
    if (d) sim.store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), replicas: 1 + Math.floor(random() * 3) } }, { fieldManager: 'horizontal-pod-autoscaler' });
  });
}

sim.accounting.reset();
const startedSim = sim.clock.now();
const tracker = await startTracker(sim);

// The anchor: list all ReplicaSets once per simulated minute (sequentially; it measures itself).
const token = tokenOf(sim.kubeconfigYaml());
let pollRequests = 0;
let pollBytes = 0;
let stopPolling = false;
const poller = (async () => {
  let next = startedSim;
  while (!stopPolling) {
    const res = await fetch(`${sim.url}/apis/apps/v1/replicasets`, { headers: { authorization: `Bearer ${token}` } });
    pollBytes += (await res.arrayBuffer()).byteLength;
    pollRequests++;
    next += MINUTE;
    const wait = (next - sim.clock.now()) / SPEED;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
})();

await new Promise((r) => setTimeout(r, DAY_MS / SPEED));
stopPolling = true;
await poller;
const simulatedHours = (sim.clock.now() - startedSim) / 3_600_000;
if (process.env.BENCH_VERBOSE) for (const r of sim.accounting.rows()) process.stdout.write(`  ${r.verb} ${r.resource}: ${r.requests} requests, ${(r.bytes / 2 ** 20).toFixed(1)} MB\n`);
const totalRequests = sim.accounting.requests();
const totalBytes = sim.accounting.bytes();
const trackerRequests = totalRequests - pollRequests;
const trackerBytes = totalBytes - pollBytes;
const releasesInLedger = (await tracker.ledger.queryReleases({ limit: 1, triggers: ['image'] })).items.length;
await tracker.stop();
await sim.stop();

const dueLists = Math.round(simulatedHours * 60);
const perList = pollBytes / Math.max(1, pollRequests);
const pollDayBytes = pollRequests >= dueLists ? pollBytes : perList * dueLists;
const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
process.stdout.write(
  `ledger-load: ${DEPLOYMENTS} Deployments, ${simulatedHours.toFixed(1)} simulated hours at ${SPEED}×, ${released} releases + ${SCALES} scalings (image releases in the ledger: ${releasesInLedger > 0 ? 'yes' : 'NONE'})\n` +
    `ledger-load: rollscope (list once + watch): ${trackerRequests} requests, ${mb(trackerBytes)} MB\n` +
    `ledger-load: anchor, list all ReplicaSets every minute: ${pollRequests} lists done of ${dueLists} due (${mb(perList)} MB each) → ${mb(pollDayBytes)} MB${pollRequests >= dueLists ? '' : ' (extrapolated to every list due)'}\n` +
    `ledger-load: rollscope/poller ratio: bytes ${((100 * trackerBytes) / pollDayBytes).toFixed(2)}% (aim ≤ 1%), requests ${((100 * trackerRequests) / Math.max(pollRequests, dueLists)).toFixed(2)}%\n`,
);
