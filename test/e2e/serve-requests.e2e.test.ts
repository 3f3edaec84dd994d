// `rollscope serve` makes a fixed number of API requests over time: its canary and migration
// drivers look at the tracker's informers (src/controllers/runtime/cache-loop.ts) instead of listing
// on a timer, so after the start only the watches' own re-opening and the canary heartbeat would
// add requests (neither within this test's seconds). And the drivers still see what they drive
// through those informers: a Deployment labelled canary-active without a canary to drive loses the
// label (the canary driver's one write for it), with no list of Deployments.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACTIVE_LABEL } from '../../src/canary/record.ts';
import { startSim } from '../../src/sim/index.ts';
import { startInProcessTracker } from './fixtures/daemon.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('serve makes no request while time passes (drivers resync from the watch cache every 100 ms), and its canary driver acts on a watched change', { timeout: 60_000 }, async () => {
  const sim = await startSim({ speed: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-serve-requests-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
  sim.store.create('namespaces', { metadata: { name: 'shop' } });
  const tracker = await startInProcessTracker(sim, kubeconfig, { daemon: { canaryDriver: { leaseNamespace: 'default', leaseName: 'rollscope', intervalMs: 100 }, minWatchTimeoutSeconds: 60 } });
  try {
    for (const deadline = Date.now() + 15_000; !(tracker.daemon.tracker.current()?.ingest.synced ?? false); await sleep(50))
      if (Date.now() > deadline) throw new Error('the tracker did not sync within 15 s');
    await sleep(500); // the start's last requests (heartbeat Lease) are answered
    const before = sim.accounting.rows().filter((r) => r.requests > 0);
    await sleep(3_000); // 30 canary resyncs at 100 ms; the migration driver's resync is 5 s
    const after = sim.accounting.rows().filter((r) => r.requests > 0);
    const added = after.map((r) => ({ what: `${r.verb} ${r.resource}`, n: r.requests - (before.find((b) => b.verb === r.verb && b.resource === r.resource)?.requests ?? 0) })).filter((x) => x.n > 0);
    assert.deepEqual(added, [], 'no request in 3 s of a running serve');
    // The simulator serves as 1.37 does (WatchListCompression), so the tracker synced each kind with
    // one streaming list — one request that lists and then watches — and nothing listed anything.
    assert.equal(sim.accounting.requests({ verb: 'list', resource: 'deployments.apps' }), 0, 'no LIST of Deployments');
    assert.equal(sim.accounting.requests({ verb: 'list', resource: 'replicasets.apps' }), 0, 'no LIST of ReplicaSets');
    assert.equal(sim.accounting.requests({ verb: 'watch', resource: 'deployments.apps' }), 1, 'one Deployment watch in the process: the streaming list that synced it');
    assert.equal(sim.accounting.requests({ verb: 'watch', resource: 'replicasets.apps' }), 1, 'one ReplicaSet watch in the process');

    // A stable labelled active with no canary record: the driver sees it through the watch and drops
    // the label. Labelled once it has settled, so that no controller write races the removal (a
    // removal that meets a newer version is a 409 and is sent again for that version).
    sim.store.create('deployments.apps', {
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
    });
    for (const deadline = Date.now() + 15_000; (sim.store.get('deployments.apps', 'shop', 'web')?.status as { availableReplicas?: number } | undefined)?.availableReplicas !== 1; await sleep(50))
      if (Date.now() > deadline) throw new Error('shop/web did not become available within 15 s');
    await sleep(500);
    const patchesBefore = sim.accounting.requests({ verb: 'patch', resource: 'deployments.apps' });
    const settled = sim.store.get('deployments.apps', 'shop', 'web')!;
    const meta = settled.metadata as { labels?: Record<string, string> };
    sim.store.update('deployments.apps', { ...settled, metadata: { ...settled.metadata, labels: { ...meta.labels, [ACTIVE_LABEL]: 'true' } } });
    for (const deadline = Date.now() + 10_000; ; await sleep(50)) {
      const labels = (sim.store.get('deployments.apps', 'shop', 'web')?.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
      if (labels[ACTIVE_LABEL] === undefined) break;
      if (Date.now() > deadline) throw new Error('the canary driver did not drop the active label of a Deployment without a canary within 10 s');
    }
    await sleep(1_000); // ten more resyncs
    assert.equal(sim.accounting.requests({ verb: 'patch', resource: 'deployments.apps' }) - patchesBefore, 1, 'one label removal, not one per resync');
    assert.equal(sim.accounting.requests({ verb: 'list', resource: 'deployments.apps' }), 0, 'still no list');
    assert.equal(sim.accounting.requests({ verb: 'watch', resource: 'deployments.apps' }), 1, 'still the one watch');
  } finally {
    await tracker.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --list-and-watch syncs with LIST and WATCH even on a server that compresses streaming lists', { timeout: 60_000 }, async () => {
  const sim = await startSim({ speed: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-serve-list-and-watch-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
  const tracker = await startInProcessTracker(sim, kubeconfig, { daemon: { listAndWatch: true } });
  try {
    for (const deadline = Date.now() + 15_000; !(tracker.daemon.tracker.current()?.ingest.synced ?? false); await sleep(50))
      if (Date.now() > deadline) throw new Error('the tracker did not sync within 15 s');
    await sleep(300);
    for (const resource of ['deployments.apps', 'replicasets.apps', 'pods', 'events']) {
      assert.equal(sim.accounting.requests({ verb: 'list', resource }), 1, `one LIST of ${resource}`);
      assert.equal(sim.accounting.requests({ verb: 'watch', resource }), 1, `one WATCH of ${resource}`);
      assert.equal(sim.accounting.gzip({ verb: 'watch', resource }), 0, `its watch is plain (from the list's resourceVersion)`);
    }
  } finally {
    await tracker.stop();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
