// Issue 3, "Done when" 1: a scripted day against the simulator yields exactly the expected releases.
// The tracker reads protobuf here (the default), from an API server with the ManagedFieldsOptOut
// gate on (KEP-5958): Pods, ReplicaSets and Events arrive without managedFields, as the tracker
// asks, and the day must still be exactly the expected one (issue 16: fewer bytes, nothing lost).
// restart-equality.e2e.test.ts runs the same day over JSON (its uninterrupted run, asserted equal
// to the expected day) and over protobuf (its chaos run) from a server without the gate, so both
// wire formats and both server kinds are covered without running the day a third time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCluster } from '../sim/kubectl-support.ts';
import { rollscope } from './fixtures/cli.ts';
import { startInProcessTracker } from './fixtures/daemon.ts';
import { canonicalDay, historyToLike, stripExtras, type HistoryItem } from './fixtures/ledger-view.ts';
import { DAY_NAMESPACE, EXPECTED_DAY, runScriptedDay } from './fixtures/scripted-day.ts';

test('a scripted day leaves exactly the expected releases in the ledger', { timeout: 90_000 }, async (t) => {
  // Given a simulated cluster and a tracker writing to a SQLite ledger
  const cluster = await startCluster(t, { speed: 40, featureGates: { ManagedFieldsOptOut: true } });
  if (!cluster) return;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-day-'));
  const db = `sqlite:${join(dir, 'ledger.db')}`;
  const tracker = await startInProcessTracker(cluster.sim, cluster.kubeconfig, { db, wire: 'protobuf' });
  t.after(async () => {
    await tracker.stop().catch(() => undefined);
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // When the day runs (kubectl and HPA-like writes), then the tracker catches up and stops
  await runScriptedDay(cluster);
  await new Promise((r) => setTimeout(r, 1_000));
  const web = (await tracker.ledger.listWorkloads({ cluster: 'sim', includeDeleted: true })).find((w) => w.workload.name === 'web');
  assert.ok(web, 'the ledger knows Deployment day/web');
  const webEvents = await tracker.ledger.workloadEvents(web.workload.uid);
  await tracker.stop();
  assert.ok(cluster.sim.accounting.protobuf({ verb: 'watch' }) > 0, 'the tracker watched over protobuf');
  for (const resource of ['pods', 'replicasets.apps', 'events'] as const)
    assert.ok(cluster.sim.accounting.droppedManagedFields({ verb: 'watch', resource }) > 0, `the tracker's ${resource} watch came without managedFields`);
  assert.equal(cluster.sim.accounting.droppedManagedFields({ verb: 'watch', resource: 'deployments.apps' }), 0, 'Deployments keep their managedFields: the actor is read from them');

  // Then `rollscope history -o json` lists exactly the expected releases
  const out = await rollscope(['history', '-A', '-o', 'json', '--limit', '1000', '--db', db]);
  const items = (JSON.parse(out) as { items: HistoryItem[] }).items;
  assert.deepEqual(stripExtras(canonicalDay(items.map(historyToLike))), [...EXPECTED_DAY].sort((a, b) => a.workload.localeCompare(b.workload) || a.incarnation - b.incarnation || a.releaseNumber - b.releaseNumber));
  assert.ok(items.every((i) => i.namespace === DAY_NAMESPACE && !i.backfilled), 'every release is live-observed in the day namespace');

  // And scaling (HPA and kubectl scale), pause and resume are workload events, not releases
  const types = webEvents.map((e) => `${e.type}:${e.actor.manager}`);
  assert.ok(types.includes('scale:horizontal-pod-autoscaler'), `HPA scaling is a scale event: ${types.join(', ')}`);
  // (`kubectl scale` sets no field manager, so the API server names it after the user agent.)
  assert.ok(types.includes('scale:kubectl'), `kubectl scale is a scale event: ${types.join(', ')}`);
  // (`rollout resume` removes spec.paused, so kubectl-rollout owns no field afterwards and its
  // managedFields entry is gone: the resume's author cannot be known and is not invented.)
  assert.ok(types.includes('pause:kubectl-rollout') && types.some((x) => x.startsWith('resume:')), `pause and resume are events: ${types.join(', ')}`);

  // And the diagnoses carry the kubelet's and the scheduler's words
  const find = (name: string, n: number, incarnation = 0): HistoryItem => {
    const uids = [...new Set(items.filter((i) => i.name === name).sort((a, b) => a.startedAt.localeCompare(b.startedAt)).map((i) => i.workloadUid))];
    const item = items.find((i) => i.name === name && i.releaseNumber === n && i.workloadUid === uids[incarnation]);
    assert.ok(item, `release ${n} of ${name} (incarnation ${incarnation}) is in the ledger`);
    return item;
  };
  assert.match(find('api', 2).failure?.message ?? '', /api:missing/);
  const crash = find('worker', 2).failure;
  assert.equal(crash?.exitCode, 1, 'the crash loop diagnosis carries the exit code');
  assert.match(crash?.message ?? '', /exit code 1/);
  assert.match(find('batch', 2).failure?.message ?? '', /0\/3 nodes are available: 3 Insufficient cpu/);

  // And release numbers survive the rollback renumbering: release 3's ReplicaSet is now revision 5
  const r3 = find('web', 3);
  const r5 = find('web', 5);
  assert.equal(r3.templateHash, r5.templateHash, 'the first undo went back to release 3’s template');
  assert.equal(r3.revision, '3');
  assert.equal(r5.revision, '5');
  const rs = cluster.sim.store.list('replicasets.apps', { namespace: DAY_NAMESPACE }).filter((x) => x.metadata.labels?.app === 'web');
  const revisions = rs.map((x) => x.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.ok(!revisions.includes('3') && !revisions.includes('1'), `Kubernetes renumbered revisions 1 and 3 away: ${revisions.join(',')}`);

  // And the re-created batch is a new workload starting again at release 1
  assert.notEqual(find('batch', 1, 0).workloadUid, find('batch', 1, 1).workloadUid);
});
