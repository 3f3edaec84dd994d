// Leader election on a coordination.k8s.io/v1 Lease against the simulated cluster over real HTTP:
// one of two candidates leads, a clean stop releases the Lease and the standby takes it at once,
// and a leader that cannot renew stops its leader-only work before its lease could expire.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { realClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/log.ts';
import { createKubeClient } from '../../kube/api-client.ts';
import { kubeConfigFromYaml } from '../../kube/kubeconfig.ts';
import { leaseLock, leaderRecordOf } from '../../kube/lease.ts';
import { startSim, type Sim } from '../../sim/index.ts';
import { LeaderElector, type LeaderElectionTimings } from './leader-election.ts';

let sim: Sim;
before(async () => {
  sim = await startSim({ controllers: false });
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } });
});
after(() => sim.stop());

// Short timings with client-go's proportions (15 s / 10 s / 2 s, scaled down).
const T: LeaderElectionTimings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 400 };

/**
 * For the handover: the leader renews often but writes a long lease, and the standby polls rarely,
 * so neither the standby's next poll nor the lease's expiry can explain a takeover within seconds —
 * only its watch of the Lease can (asserted structurally, not against a wall-clock budget that
 * machine load can exceed).
 */
const LEADER: LeaderElectionTimings = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 400 };
const STANDBY: LeaderElectionTimings = { leaseDurationMs: 60_000, renewDeadlineMs: 40_000, retryPeriodMs: 30_000 };

/** candidate runs one elector whose "leader-only work" records when it started and stopped. */
function candidate(lease: string, identity: string, timings: LeaderElectionTimings = T) {
  const lock = leaseLock(createKubeClient(kubeConfigFromYaml(sim.kubeconfigYaml())), 'ops', lease);
  const elector = new LeaderElector({ lock, identity, timings, clock: realClock, logger: silentLogger });
  const terms: { started: number; stopped: number | null }[] = [];
  const stop = new AbortController();
  const done = elector.run(stop.signal, async (term) => {
    const t = { started: Date.now(), stopped: null as number | null };
    terms.push(t);
    await new Promise<void>((r) => term.addEventListener('abort', () => r(), { once: true }));
    t.stopped = Date.now();
  });
  return { elector, terms, stop: async () => { stop.abort(); await done; } };
}

const leaseOf = (name: string) => {
  const obj = sim.store.get('leases.coordination.k8s.io', 'ops', name);
  return obj ? leaderRecordOf(obj).record : null;
};

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('one of two candidates leads; a clean stop releases the Lease and the standby takes it at once', async () => {
  const a = candidate('handover', 'host-a_1', LEADER);
  await until('a to lead', () => a.elector.status().leading);
  const b = candidate('handover', 'host-b_2', STANDBY);
  await until('b to observe the lease', () => b.elector.status().holder !== null);
  assert.equal(b.elector.status().holder, 'host-a_1');
  assert.equal(b.elector.status().leading, false);
  const lease = leaseOf('handover');
  assert.equal(lease?.holderIdentity, 'host-a_1');
  assert.equal(lease?.leaseDurationSeconds, 60);
  // b stands by while a renews; a's renewals move renewTime, not acquireTime
  await new Promise((r) => setTimeout(r, LEADER.retryPeriodMs * 3));
  assert.equal(b.terms.length, 0);
  const renewed = leaseOf('handover');
  assert.ok(renewed && renewed.renewTime! > renewed.acquireTime!, 'the leader renewed');

  const stopAt = Date.now();
  await a.stop();
  assert.equal(a.terms[0]?.stopped !== null, true, 'leader-only work stopped before stop() returned');
  // The standby watches the Lease, so it takes it up at once: its next poll is ≥ 30 s away and a's
  // lease would expire only 60 s after its last renewal, so leading within 10 s proves the watch did it.
  await until('b to lead (by its watch of the Lease: its poll and the lease expiry are ≥ 30 s away)', () => b.elector.status().leading, 10_000);
  const gap = Date.now() - stopAt;
  assert.ok(gap < STANDBY.retryPeriodMs, `handover took ${gap} ms`);
  const after = leaseOf('handover');
  assert.equal(after?.holderIdentity, 'host-b_2');
  assert.equal(after?.leaseTransitions, 1);
  assert.ok(a.terms.every((t) => t.stopped !== null && t.stopped <= b.terms[0]!.started), 'terms never overlap');
  await b.stop();
  assert.equal(leaseOf('handover')?.holderIdentity, '', 'released on stop');
});

test('a leader that cannot renew stops leader-only work before its lease can expire; it leads again once the API answers', async () => {
  const a = candidate('flaky', 'host-a_1');
  await until('a to lead', () => a.elector.status().leading);
  await new Promise((r) => setTimeout(r, T.retryPeriodMs * 2));
  const lastRenew = leaseOf('flaky')!.renewTime!;
  const heal = sim.faults.fail({ resource: 'leases.coordination.k8s.io' }, { code: 500 });
  const lost = await until('a to stop leading', () => a.terms[0]?.stopped ?? null);
  heal();
  const lead = lost - lastRenew;
  assert.ok(lead >= T.renewDeadlineMs - T.retryPeriodMs, `kept leading ${lead} ms after the last renewal (the renew deadline allows ${T.renewDeadlineMs})`);
  assert.ok(lead < T.leaseDurationMs, `stopped ${lead} ms after the last renewal, before the ${T.leaseDurationMs} ms lease could expire`);
  await until('a to lead again', () => a.terms.length === 2 && a.elector.status().leading);
  await a.stop();
});
