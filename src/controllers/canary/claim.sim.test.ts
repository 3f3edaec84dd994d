// A driver's claim on a canary across a pause longer than the claim, on the simulated cluster over
// real HTTP with a manual clock: two canary controllers (controller.ts) share the canary — A drives
// it, B follows. Through a 90 s timed pause (and, in the second test, a manual pause) with 20 s
// claims A renews in time, every time, and B never takes over; once A is killed (its run aborted:
// no release, no last write — what SIGKILL leaves), B takes over right after A's last claim runs
// out, keeps the recorded pause deadline (or waits for `promote`) and promotes.
//
// The manual clock moves only while every live driver is waiting on it (a sleep pending on its
// clock), so neither the machine's load nor the pace of the pump can make a live driver late.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { COMMAND_ANNOTATION, encodeCommand, type CanaryStatus } from '../../canary/record.ts';
import { proposeCanary } from '../../canary/propose.ts';
import { buildSteps } from '../../canary/steps.ts';
import { createKubeClient } from '../../kube/api-client.ts';
import { kubeConfigFromYaml } from '../../kube/kubeconfig.ts';
import type { Clock } from '../../lib/clock.ts';
import { ManualClock, startSim, type Sim } from '../../sim/index.ts';
import type { StoredChange } from '../../sim/core/store-api.ts';
import type { Unstructured } from '../../track/status/fields.ts';
import { migrationApi, type MigrationApi } from '../migration/api.ts';
import { runCanary, type CanaryRunOutcome } from './controller.ts';

const LEASE_MS = 20_000;
const PAUSE = '90s';

let sim: Sim;
let manual: ManualClock;
let api: MigrationApi;
before(async () => {
  manual = new ManualClock();
  sim = await startSim({ clock: manual });
  api = migrationApi(createKubeClient(kubeConfigFromYaml(sim.kubeconfigYaml())));
});
after(() => sim.stop());

/** A driver's view of the manual clock, counting the sleeps it has pending (it waits on the clock while > 0). */
interface DriverClock {
  readonly clock: Clock;
  pending(): number;
}

function driverClock(): DriverClock {
  let pending = 0;
  const clock: Clock = {
    now: () => manual.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        pending++;
        const done = (): void => {
          pending--;
          signal?.removeEventListener('abort', onAbort);
        };
        const cancel = manual.schedule(ms, () => {
          done();
          resolve();
        });
        const onAbort = (): void => {
          cancel();
          done();
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
  return { clock, pending: () => pending };
}

/**
 * pumpUntil advances the manual clock in 100 ms steps while every live driver waits on it (or, when
 * none has moved for 300 ms of real time, anyway: a driver waiting on the cluster needs time to pass
 * too), until `cond` holds.
 */
async function pumpUntil(what: string, cond: () => boolean, live: () => readonly DriverClock[], maxSimMs = 600_000): Promise<void> {
  const end = manual.now() + maxSimMs;
  let idleSince = Date.now();
  while (!cond()) {
    if (manual.now() > end) throw new Error(`${what} did not happen within ${maxSimMs / 1000} s of simulated time`);
    if (live().every((d) => d.pending() > 0) || Date.now() - idleSince > 300) {
      manual.advance(100);
      idleSince = Date.now();
    }
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * pausedScenario runs the canary of `ns`/web (4 × web:1 → web:2, steps 50 → 100, `pause` after 50)
 * with A driving and B following, up to 20 s (simulated) before the end of a timed pause — or 70 s
 * into a manual one — and checks that A held the canary alone, renewing with at least a quarter of
 * its claim left; then kills A and checks that B takes over as A's claim runs out. B is left driving.
 */
async function pausedScenario(ns: string, pause: string) {
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const deployment = (name: string): Unstructured | undefined => sim.store.get('deployments.apps', ns, name);
  const replicas = (name: string): number => ((deployment(name)?.spec as { replicas?: number } | undefined)?.replicas ?? 0);
  sim.store.create('deployments.apps', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
  });
  await pumpUntil('web rolled out', () => (deployment('web')?.status as { availableReplicas?: number } | undefined)?.availableReplicas === 4, () => []);

  // every status written and every replica count, as the store commits them
  const statuses: CanaryStatus[] = [];
  const counts: [number, number][] = [];
  const off = sim.store.subscribe('deployments.apps', (ch: StoredChange) => {
    if (ch.object.metadata.namespace !== ns) return;
    const text = (ch.object.metadata.annotations as Record<string, string> | undefined)?.['rollscope.io/canary-status'];
    if (ch.object.metadata.name === 'web' && text !== undefined && text !== JSON.stringify(statuses.at(-1) ?? null)) statuses.push(JSON.parse(text) as CanaryStatus);
    const c: [number, number] = [ch.type === 'DELETED' && ch.object.metadata.name === 'web-canary' ? 0 : replicas('web-canary'), replicas('web')];
    if (counts.at(-1)?.join() !== c.join()) counts.push(c);
  });
  const latest = (): CanaryStatus | undefined => statuses.at(-1);

  const steps = buildSteps({ steps: '50', pauseSteps: pause });
  assert.ok(steps.ok);
  const proposed = proposeCanary({ id: `c-${ns}`, stable: deployment('web')!, images: { app: 'web:2' }, steps: steps.value, analysis: null, baseline: false, services: [], hpaReplicas: null, now: manual.now() });
  const run = (id: string, clock: DriverClock, signal: AbortSignal, start: boolean): Promise<CanaryRunOutcome> =>
    runCanary(ns, 'web', { api, prometheus: null, driver: { id, leaseMs: LEASE_MS }, proposed: start ? proposed : null, timeoutMs: 3_600_000, clock: clock.clock, signal });
  const [ca, cb] = [driverClock(), driverClock()];
  const [killA, stopB] = [new AbortController(), new AbortController()];
  let aAlive = true;
  const live = (): DriverClock[] => (aAlive ? [ca, cb] : [cb]);
  const a = run('driver-a', ca, killA.signal, true);
  await pumpUntil('the start', () => latest() !== undefined, () => [ca]);
  const b = { ended: false, outcome: null as Promise<CanaryRunOutcome> | null };
  b.outcome = run('driver-b', cb, stopB.signal, false).finally(() => (b.ended = true));

  const pausing = (s: CanaryStatus | undefined): boolean => s !== undefined && (s.pauseUntil !== null || s.phase === 'paused');
  await pumpUntil('the pause of step 1', () => pausing(latest()), live);
  const paused = latest()!;
  // most of the pause — three and a half claims — with both drivers alive
  const killAt = paused.pauseUntil !== null ? paused.pauseUntil - 20_000 : paused.updatedAt + 70_000;
  await pumpUntil('the moment to kill A', () => manual.now() >= killAt, live);
  assert.deepEqual([...new Set(statuses.map((s) => s.holder))], ['driver-a'], 'B never took the canary while A was alive');
  assert.equal(b.ended, false, 'B still follows');
  const inPause = statuses.filter(pausing);
  assert.ok(inPause.length >= 4, `A renewed its claim through the pause: ${inPause.length - 1} renewals`);
  for (const [i, s] of statuses.entries()) {
    const prev = statuses[i - 1];
    if (prev !== undefined) assert.ok(s.updatedAt <= prev.holderUntil - LEASE_MS / 4, `A's write ${s.updatedAt - prev.updatedAt} ms after the previous one came with less than a quarter of its claim left`);
  }

  // SIGKILL of A: its run stops without a word to the cluster
  const lastClaim = latest()!.holderUntil;
  killA.abort(new Error('SIGKILL'));
  aAlive = false;
  // it ends detached, or with the abort itself when it was inside a request
  assert.match(await a.then((r) => r.result, (e: unknown) => (e as Error).message), /^(detached|SIGKILL)$/);
  await pumpUntil('B taking over', () => latest()?.holder === 'driver-b', live);
  const takeover = latest()!;
  assert.ok(takeover.updatedAt >= lastClaim, `B claimed at ${takeover.updatedAt} before A's claim ran out at ${lastClaim}`);
  assert.ok(takeover.updatedAt - lastClaim <= 1_000, `B took over ${takeover.updatedAt - lastClaim} ms after A's claim ran out`);
  assert.deepEqual([takeover.phase, takeover.stepIndex, takeover.pauseUntil], [paused.phase, paused.stepIndex, paused.pauseUntil], 'B continues from the same step and pause');
  return { statuses, counts, paused, deployment, live, b, stop: () => (killA.abort(), stopB.abort(), off()) };
}

/** assertPromoted: B promoted the canary through the planned replica counts, leaving step 1 no earlier than `leftAfter`. */
async function assertPromoted(r: Awaited<ReturnType<typeof pausedScenario>>, leftAfter: number): Promise<void> {
  await pumpUntil('B finishing', () => r.b.ended, r.live);
  const outcome = await r.b.outcome!;
  assert.equal(outcome.result, 'promoted', outcome.reason);
  const left = r.statuses.find((s) => s.stepIndex === 1 || s.phase === 'promoting')!;
  assert.ok(left.updatedAt >= leftAfter, `step 1 left at ${left.updatedAt}, before ${leftAfter}`);
  assert.ok(new Set(r.statuses.map((s) => s.pauseUntil).filter((p) => p !== null)).size <= 1, 'one pause deadline, written once');
  assert.deepEqual(r.counts, [[0, 4], [2, 4], [2, 2], [4, 2], [4, 0], [4, 4], [0, 4]], 'the planned replica counts, in order');
  assert.equal(r.deployment('web-canary'), undefined);
  assert.deepEqual((r.deployment('web')!.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers.map((c) => c.image), ['web:2']);
}

test(`a timed pause 4.5× the claim (${PAUSE}, claims ${LEASE_MS / 1000} s): the live driver keeps the canary; killed, the follower takes over as its claim runs out and waits out the recorded deadline`, { timeout: 120_000 }, async () => {
  const r = await pausedScenario('timed', PAUSE);
  try {
    await assertPromoted(r, r.paused.pauseUntil!);
  } finally {
    r.stop();
  }
});

test('a manual pause longer than the claim: the same, and the follower that took over continues on `promote`', { timeout: 120_000 }, async () => {
  const r = await pausedScenario('manual', 'manual');
  try {
    const promotedAt = manual.now();
    sim.store.update('deployments.apps', { ...r.deployment('web')!, metadata: { ...(r.deployment('web')!.metadata as object), annotations: { ...((r.deployment('web')!.metadata as { annotations: Record<string, string> }).annotations), [COMMAND_ANNOTATION]: encodeCommand({ verb: 'promote', id: 'p1', at: promotedAt, by: 'alice' }) } } });
    await assertPromoted(r, promotedAt);
  } finally {
    r.stop();
  }
});
