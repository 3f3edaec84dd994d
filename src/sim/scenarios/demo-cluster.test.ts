// The demo scenario on the whole simulated cluster (controllers, scheduler, kubelet) and a manual
// clock: each failure story produces the pod state the tracker is meant to diagnose, and the fixes heal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { ManualClock } from '../core/clock.ts';
import { startSim } from '../index.ts';
import { runScenario } from './index.ts';

const MINUTE = 60_000;

type PodView = { status?: { phase?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[]; conditions?: { type: string; reason?: string }[] } };
const waitingReasons = (pods: readonly KubeObject[]): string[] =>
  pods.flatMap((p) => (p as PodView).status?.containerStatuses?.map((c) => c.state?.waiting?.reason ?? '') ?? []).filter((r) => r !== '');
const unschedulable = (pods: readonly KubeObject[]): number =>
  pods.filter((p) => (p as PodView).status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).length;

function advance(clock: ManualClock, ms: number): void {
  for (let t = 0; t < ms; t += 1000) clock.advance(1000); // one simulated second at a time, like a running clock
}

test('demo on the full simulated cluster: failures appear, then heal', async (t) => {
  const clock = new ManualClock();
  const sim = await startSim({ clock, random: seededRandom(3) });
  t.after(() => sim.stop());
  const stop = runScenario('demo', { store: sim.store, clock, random: seededRandom(5) });
  t.after(stop);
  const pods = (ns: string, app: string): readonly KubeObject[] => sim.store.list('pods', { namespace: ns, labelSelector: `app=${app}` });

  // The first round starts 5 minutes early (FIRST_ROUND_OFFSET in demo.ts): batch-worker asks for
  // 64 CPUs at 1 min, checkout's image goes missing at 3 min, api crash-loops from 5 min.
  advance(clock, 7 * MINUTE);
  assert.ok(waitingReasons(pods('shop', 'checkout')).some((r) => r === 'ImagePullBackOff' || r === 'ErrImagePull'), 'checkout cannot pull its image');
  assert.ok(waitingReasons(pods('payments', 'api')).includes('CrashLoopBackOff'), 'api crash-loops');
  assert.ok(unschedulable(pods('platform', 'batch-worker')) >= 1, 'batch-worker has an unschedulable pod');
  assert.equal(sim.store.list('pods', { namespace: 'platform', labelSelector: 'app=node-agent' }).length, 3, 'node-agent runs on each of 3 nodes');
  assert.equal(pods('payments', 'ledger').length, 3);

  advance(clock, 7 * MINUTE); // 14 min: checkout rolled back at 8, batch-worker fixed at 9, api at 11
  const checkoutRs = sim.store.list('replicasets.apps', { namespace: 'shop', labelSelector: 'app=checkout' });
  assert.ok(checkoutRs.some((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'] !== undefined), 'the rollback re-promoted an old ReplicaSet');
  for (const [ns, app] of [['shop', 'checkout'], ['payments', 'api'], ['platform', 'batch-worker']] as const) {
    assert.deepEqual(waitingReasons(pods(ns, app)), [], `${ns}/${app} healed`);
    assert.equal(unschedulable(pods(ns, app)), 0, `${ns}/${app} scheduled`);
  }
});
