// Issue 3, "Done when" 2: SIGKILLing the tracker at random points of the scripted day, restarting
// it, dropping its watches and forcing 410s leaves the same ledger as an uninterrupted run. A kill
// never lands between a write of the day and the tracker recording it (fixtures/chaos.ts says why:
// the author of a rollback, or of edits a resume activates, cannot be proven after the fact).
// Both wire formats, at the cost of two days as before: the uninterrupted run reads JSON (and must
// equal the expected day), the chaos run reads protobuf (and must equal the uninterrupted run).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { Chaos } from './fixtures/chaos.ts';
import { fetchReleases, simClockEnv, startServe, waitReady, type ReleaseJson } from './fixtures/daemon.ts';
import { byRow, canonicalDay, equalityView, stripExtras } from './fixtures/ledger-view.ts';
import { EXPECTED_DAY, runScriptedDay } from './fixtures/scripted-day.ts';

const SPEED = 40;
const SEED = Number(process.env.ROLLSCOPE_CHAOS_SEED ?? 20261123);

/** settledView waits until the ledger holds as many final releases as the day expects, then returns its equality view. */
async function settledView(url: () => string): Promise<{ view: string[]; releases: ReleaseJson[] }> {
  return eventually('the ledger to hold every release of the day, all finished', async () => {
    const releases = await fetchReleases(url()).catch(() => []);
    if (releases.length < EXPECTED_DAY.length || releases.some((r) => r.outcome === 'progressing' || r.outcome === 'paused')) return undefined;
    return { view: equalityView(releases), releases };
  }, 20_000);
}

async function runDay(t: TestContext, chaos: boolean): Promise<{ view: string[]; releases: ReleaseJson[]; log: string; protobufWatches: number } | undefined> {
  const cluster = await startCluster(t, { speed: SPEED });
  if (!cluster) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-restart-'));
  const wire = chaos ? 'protobuf' : 'json';
  const start = (): ReturnType<typeof startServe> => startServe({ kubeconfig: cluster.kubeconfig, db: `sqlite:${join(dir, 'ledger.db')}`, env: simClockEnv(cluster.sim), args: ['--wire', wire] });
  const disturber = new Chaos(cluster.sim, start, SEED);
  try {
    if (chaos) {
      await disturber.begin();
      await runScriptedDay(cluster, { between: () => disturber.whenUp(), write: (fn) => disturber.write(fn) });
      await disturber.stop();
      cluster.sim.faults.clear();
    } else {
      const serve = await start();
      await waitReady(serve.url);
      await runScriptedDay(cluster);
      const result = await settledView(() => serve.url);
      await serve.stop();
      return { ...result, log: 'uninterrupted', protobufWatches: cluster.sim.accounting.protobuf({ verb: 'watch' }) };
    }
    const result = await settledView(() => disturber.current().url);
    const { kills, drops, expiries, deferred } = disturber.log;
    await disturber.current().stop();
    return { ...result, log: `${kills} SIGKILLs (${deferred} deferred past a write), ${drops} watch drops, ${expiries} forced 410s`, protobufWatches: cluster.sim.accounting.protobuf({ verb: 'watch' }) };
  } catch (e) {
    if (chaos) await disturber.current().kill().catch(() => undefined);
    throw e;
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SIGKILLs, restarts, dropped watches and 410s leave the ledger of an uninterrupted run', { timeout: 150_000 }, async (t) => {
  // Given the scripted day run once with an uninterrupted `rollscope serve`
  const calm = await runDay(t, false);
  if (!calm) return;
  // When it runs again on a fresh cluster while the serve process is killed and restarted at
  // seeded random moments, and its watches are dropped or answered 410 Gone
  const stormy = await runDay(t, true);
  assert.ok(stormy);
  t.diagnostic(`chaos seed ${SEED}: ${stormy.log}`);
  assert.match(stormy.log, /^[1-9]\d* SIGKILLs/, 'the chaos killed the tracker at least once');
  assert.equal(calm.protobufWatches, 0, 'the uninterrupted run watched over JSON');
  assert.ok(stormy.protobufWatches > 0, 'the chaos run watched over protobuf');

  // Then both ledgers hold the same releases: nothing lost, nothing duplicated
  assert.deepEqual(stripExtras(canonicalDay(calm.releases)), [...EXPECTED_DAY].sort(byRow), 'the uninterrupted run holds the expected day');
  assert.equal(new Set(stormy.releases.map((r) => r.id)).size, stormy.releases.length, 'no release id twice');
  assert.deepEqual(stormy.view, calm.view);
});
