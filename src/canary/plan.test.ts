import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelCluster } from '../migration/testing/model-cluster.ts';
import { controllerUidOf, nameOfObj, uidOf } from '../migration/manifests.ts';
import { imagesOf } from './manifests.ts';
import { findCanary, nextStep } from './plan.ts';
import { COMMAND_ANNOTATION, encodeCommand, TRACK_LABEL } from './record.ts';
import { ANALYSIS, cluster, drive, NS, observe, propose, type Clock, type DriveResult } from './testing/drive.ts';

const state = (c: ModelCluster) => {
  const f = findCanary(observe(c, 0).stable);
  return { phase: f?.status.phase, step: f?.status.stepIndex, message: f?.status.message ?? '', status: f?.status };
};
const stableOf = (c: ModelCluster) => c.deployments.get('web')!;

function command(c: ModelCluster, verb: 'promote' | 'abort' | 'retry', id: string): void {
  c.apply({ method: 'PATCH', path: `/apis/apps/v1/namespaces/${NS}/deployments/web`, patchType: 'merge', body: { metadata: { annotations: { [COMMAND_ANNOTATION]: encodeCommand({ verb, id, at: 0, by: 'alice' }) } } } });
}

/** replicasNeverFlap: the canary's count only grows and the stable's only shrinks, until the end phase. */
function assertNoFlapping(r: DriveResult, total: number): void {
  let maxCanary = 0;
  let minStable = total;
  for (const [canary, stable] of r.replicas) {
    assert.ok(canary >= maxCanary || canary === 0, `canary went back from ${maxCanary} to ${canary}: ${JSON.stringify(r.replicas)}`);
    maxCanary = Math.max(maxCanary, canary);
    if (stable < minStable) minStable = stable;
    else if (stable > minStable) break; // promotion or abort brings the stable back to full size, once
  }
}

test('a good canary goes 10 → 50 → 100 with closest-weight splits and is promoted', () => {
  const c = cluster(4);
  const clock: Clock = { now: 1_000_000 };
  const seen: string[] = [];
  const r = drive(c, clock, { proposed: propose(c, { steps: '10,50,100' }, ANALYSIS, clock.now) });
  assert.deepEqual(r.end, { kind: 'done', outcome: 'promoted', reason: 'promoted: web runs web:2' });
  // the replica split at each step: 10% → 1/3, 50% → 2/2, 100% → 4/0, then the stable takes over
  for (const [canary, stable] of r.replicas) if (!seen.includes(`${canary}/${stable}`)) seen.push(`${canary}/${stable}`);
  assert.deepEqual(seen, ['0/4', '1/4', '1/3', '2/3', '2/2', '4/2', '4/0', '4/4']);
  assert.deepEqual(imagesOf(stableOf(c)), { app: 'web:2' });
  assert.equal(c.deployments.has('web-canary'), false);
  assert.equal(state(c).phase, 'promoted');
  // two successful measurements per step below 100 %, none at 100 %
  assert.deepEqual(state(c).status!.measurements.map((m) => `${m.step}:${m.verdict}`), ['0:successful', '0:successful', '1:successful', '1:successful']);
  assertNoFlapping(r, 4);
  assert.equal(r.writes.filter((w) => w === 'advance').length, 3);
});

test('neither Deployment adopts the other\'s ReplicaSets (the stable selector is a subset of the canary labels)', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  const proposed = propose(c, { steps: '50' }, null, clock.now);
  // run to the point where both tracks have pods, then check ownership and labels
  const r = drive(c, clock, { proposed, killAfterWrites: 4 });
  assert.equal(r.killed, true);
  for (let i = 0; i < 5; i++) c.tick();
  const canary = c.deployments.get('web-canary')!;
  assert.ok(canary, 'canary exists');
  assert.deepEqual((canary.spec as { selector: unknown }).selector, { matchLabels: { app: 'web', [TRACK_LABEL]: 'canary' } });
  for (const rs of c.replicaSets.values()) {
    const owner = [...c.deployments.values()].find((d) => uidOf(d) === controllerUidOf(rs));
    assert.ok(owner, `replicaset ${nameOfObj(rs)} has an owner`);
    assert.equal(nameOfObj(owner).endsWith('-canary'), (rs.metadata.labels as Record<string, string>)[TRACK_LABEL] === 'canary', `replicaset ${nameOfObj(rs)} is owned by ${nameOfObj(owner)}`);
  }
  const podsByTrack = [...c.pods.values()].map((p) => p.labels[TRACK_LABEL] ?? 'stable').sort();
  assert.deepEqual(podsByTrack, ['canary', 'canary', 'stable', 'stable']);
});

test('a failing canary is aborted: stable back at full size on web:1, canary gone, reason names metric, value, threshold', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  const r = drive(c, clock, { proposed: propose(c, { steps: '10,50,100' }, ANALYSIS, clock.now), script: () => ({ value: 0.7, rate: 5 }) });
  assert.equal(r.end.kind, 'done');
  assert.equal(r.end.kind === 'done' && r.end.outcome, 'aborted');
  const msg = r.end.kind === 'done' ? r.end.reason : '';
  for (const says of ['success-rate = 0.7', 'result < 0.95', 'failureLimit 0', 'at 10%']) assert.ok(msg.includes(says), `${msg} should say ${says}`);
  assert.deepEqual(imagesOf(stableOf(c)), { app: 'web:1' });
  assert.equal((stableOf(c).spec as { replicas: number }).replicas, 4);
  assert.equal(c.deployments.has('web-canary'), false);
  // aborted at the first failed measurement: one measurement taken
  assert.equal(state(c).status!.measurements.length, 1);
});

test('no traffic is inconclusive: the canary pauses (never promotes), and promote continues it', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  const quiet = () => ({ value: null, rate: 0 });
  const r = drive(c, clock, { proposed: propose(c, { steps: '10,100' }, ANALYSIS, clock.now), script: quiet });
  assert.equal(r.end.kind, 'paused');
  assert.ok(r.end.kind === 'paused' && r.end.reason.includes('canary traffic 0 req/s is below the floor of 1 req/s'), JSON.stringify(r.end));
  assert.deepEqual(imagesOf(stableOf(c)), { app: 'web:1' });
  // a paused canary stays paused however long nobody looks
  clock.now += 3_600_000;
  assert.equal(drive(c, clock, { script: quiet }).end.kind, 'paused');
  command(c, 'promote', 'cmd-1');
  const r2 = drive(c, clock, { script: quiet });
  assert.equal(r2.end.kind === 'done' && r2.end.outcome, 'promoted');
  assert.deepEqual(imagesOf(stableOf(c)), { app: 'web:2' });
});

test('abort and retry commands', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  drive(c, clock, { proposed: propose(c, { steps: '25,100', pause: 'manual' }, null, clock.now) });
  assert.equal(state(c).phase, 'paused');
  command(c, 'abort', 'cmd-1');
  const r = drive(c, clock);
  assert.ok(r.end.kind === 'done' && r.end.outcome === 'aborted' && r.end.reason === 'aborted by alice', JSON.stringify(r.end));
  assert.equal(c.deployments.has('web-canary'), false);
  command(c, 'retry', 'cmd-2');
  const r2 = drive(c, clock);
  assert.equal(r2.end.kind, 'paused');
  assert.equal(state(c).status!.attempt, 2);
  command(c, 'promote', 'cmd-3');
  assert.equal(drive(c, clock).end.kind === 'done' && state(c).phase, 'promoted');
  // a command already handled does nothing the second time
  const before = JSON.stringify(stableOf(c));
  assert.equal(drive(c, clock).end.kind, 'done');
  assert.equal(JSON.stringify(stableOf(c)), before);
});

test('a timed pause keeps its deadline across a restart', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  const r = drive(c, clock, { proposed: propose(c, { steps: '50,100', pause: '10m' }, null, clock.now), killAfterWrites: 5 });
  assert.equal(r.writes.at(-1), 'pause', JSON.stringify(r.writes));
  const deadline = state(c).status!.pauseUntil!;
  assert.ok(deadline > clock.now);
  // restart 4 minutes later with another driver, after the first one's claim has run out
  clock.now += 240_000;
  const second = drive(c, clock, { driver: { id: 'driver-b', leaseMs: 15_000 }, maxIterations: 3 });
  assert.equal(state(c).status!.pauseUntil, deadline);
  assert.equal(second.writes.includes('advance'), false);
  drive(c, clock, { driver: { id: 'driver-b', leaseMs: 15_000 } });
  assert.equal(state(c).phase, 'promoted');
  assert.ok(clock.now >= deadline && clock.now < deadline + 60_000, `advanced at ${clock.now}, deadline ${deadline}`);
});

test('a second driver waits while the first one holds the canary', () => {
  const c = cluster(4);
  const clock: Clock = { now: 0 };
  drive(c, clock, { proposed: propose(c, { steps: '50,100' }, ANALYSIS, clock.now), killAfterWrites: 4 });
  const other = nextStep({ observed: observe(c, clock.now), driver: { id: 'driver-b', leaseMs: 15_000 }, proposed: null, failure: null });
  assert.equal(other.kind, 'held');
  assert.ok(other.kind === 'held' && other.by === 'driver-a');
  // a different canary cannot start while this one runs
  const clash = nextStep({ observed: observe(c, clock.now), driver: { id: 'driver-a', leaseMs: 15_000 }, proposed: propose(c, {}, null, clock.now, 'c2'), failure: null });
  assert.ok(clash.kind === 'blocked' && clash.hint.includes('rollscope canary abort deployment/web'), JSON.stringify(clash));
});

test('killed after any write and restarted: same end state, no step repeated or skipped', () => {
  const run = (killAt: number | null) => {
    const c = cluster(5);
    const clock: Clock = { now: 0 };
    const proposed = propose(c, { steps: '20,60,100', pause: '30s' }, ANALYSIS, clock.now);
    const writes: string[] = [];
    let r = drive(c, clock, { proposed, ...(killAt === null ? {} : { killAfterWrites: killAt }) });
    writes.push(...r.writes);
    if (r.killed) {
      clock.now += 20_000; // the old claim runs out; a new process takes over
      r = drive(c, clock, { driver: { id: 'driver-b', leaseMs: 15_000 } });
      writes.push(...r.writes);
    }
    const st = state(c).status!;
    return { end: r.end, image: imagesOf(stableOf(c)), canary: c.deployments.has('web-canary'), advances: writes.filter((w) => w === 'advance').length, steps: st.measurements.map((m) => m.step), phase: st.phase };
  };
  const want = run(null);
  assert.equal(want.phase, 'promoted');
  for (let k = 1; k < 40; k++) {
    const got = run(k);
    assert.deepEqual({ ...got, steps: [...new Set(got.steps)] }, { ...want, steps: [...new Set(want.steps)] }, `killed after write ${k}`);
  }
});
