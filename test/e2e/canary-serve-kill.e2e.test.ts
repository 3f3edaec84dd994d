// `rollscope serve` as the canary's driver, end to end with real processes, a real Prometheus and
// real traffic (fixtures/canary.ts). Two leader-elected serves, each scoped to its namespace with
// its own leader Lease: one drives a canary undisturbed (the reference), the other is SIGKILLed at
// three seeded random moments spread over its canary's life — during step 1's analysis, during
// step 2's pause, during the promotion (fixtures/canary-runs.ts) — and restarted each time on the
// same ledger. A `rollscope canary` is started against each while its serve leads: it records the
// canary, only attaches (no claim ever names it, across all three restarts), shows the driver's
// progress and exits 0 with the promotion; a second one, started against the running canary after
// the first restart, attaches the same way without writing anything (every write needs a claim). The killed run must show the replica counts the plan
// calls for in its order (no flapping), each step reached and each pause deadline written once and
// waited out, claims that never overlap, and end in the reference's final cluster state and ledger
// record (steps, the step index of every measurement, pause deadlines, release outcome).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { seededRandom } from '../../src/lib/seeded-random.ts';
import { spawnRollscope, type OpsCluster, type Spawned } from '../ops/ops-support.ts';
import { startServe, type ServeProcess } from './fixtures/daemon.ts';
import { analysisFile, deployment, loadCodes, prometheus, setup, startCanaryCluster, statusOf, stopCanaryCluster, TOTAL } from './fixtures/canary.ts';
import { assertClaimsNeverOverlap, assertLedgerPausesAsWritten, assertRecordingSound, describeStatus, ledgerOf, record, SPREAD_WINDOWS, waitForWindow } from './fixtures/canary-runs.ts';

/** SEED fixes the kill moments within their windows (seededRandom); change it to explore others. */
const SEED = 13;
const WEIGHTS = [25, 50];

let c: OpsCluster | undefined;
const serves = new Set<ServeProcess>();
const clis: Spawned[] = [];
before(async (t) => {
  c = await startCanaryCluster(t as unknown as TestContext);
});
after(async () => {
  for (const cli of clis) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await Promise.all([...serves].map((s) => s.kill()));
  await stopCanaryCluster();
});

/**
 * serve starts `rollscope serve --leader-elect` for namespace `ns` with its ledger in the test
 * directory: Lease `rs-<ns>` (3 s, so a restart takes over within seconds; its canary claims last
 * as long), heartbeat `rs-<ns>-canary`.
 */
async function serve(ns: string): Promise<ServeProcess> {
  const s = await startServe({
    kubeconfig: c!.kubeconfig,
    db: `sqlite:${join(c!.dir, `${ns}.db`)}`,
    args: ['-n', ns, '--leader-elect', '--lease-namespace', 'default', '--lease-name', `rs-${ns}`, '--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '500ms'],
  });
  serves.add(s);
  return s;
}

/** heartbeat waits until serve's canary heartbeat Lease of `ns` names a serve (it leads and drives canaries) other than `not`. */
async function heartbeat(ns: string, not = ''): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const l = c!.sim.store.get('leases.coordination.k8s.io', 'default', `rs-${ns}-canary`) as { spec?: { holderIdentity?: string } } | undefined;
    const holder = l?.spec?.holderIdentity ?? '';
    if (holder.startsWith('serve-') && holder !== not) return holder;
    if (Date.now() > deadline) throw new Error(`rollscope serve for ${ns} never held its canary heartbeat`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const canaryArgs = (ns: string, analysis: string): string[] => [
  'canary', 'deployment/web', '-n', ns, '--image', 'app=web:2', '--steps', WEIGHTS.join(','), '--pause-steps', '1s,6s',
  '--prometheus', prometheus().url, '--analysis', analysis,
  '--lease-namespace', 'default', '--lease-name', `rs-${ns}`,
  // serve is restarted within seconds; the attached CLI must never step in meanwhile
  '--attach-grace', '30s', '-o', 'json',
];

test('SIGKILL of leader-elected rollscope serve driving a canary, in step 1, step 2\'s pause and the promotion (seeded), restarted: the planned replica counts and the final state and ledger of an uninterrupted run; an attached CLI never drives', { timeout: 150_000 }, async () => {
  if (!c) return;
  const [refNs, killNs] = ['cs-ref', 'cs-kill'];
  // the serves watch from before the Deployments exist, so each ledger has their creation too
  const refServe = await serve(refNs);
  let killServe = await serve(killNs);
  const loads = [(await setup(refNs))!, (await setup(killNs))!];
  const analysis = analysisFile('serve-kill');
  const rec = { ref: record(c.sim, refNs, TOTAL), kill: record(c.sim, killNs, TOTAL) };
  await Promise.all([heartbeat(refNs), heartbeat(killNs)]);
  const started = Date.now();
  const cli = { ref: spawnRollscope(c, canaryArgs(refNs, analysis)), kill: spawnRollscope(c, canaryArgs(killNs, analysis)) };
  clis.push(cli.ref, cli.kill);

  const random = seededRandom(SEED);
  const kills: string[] = [];
  let late: Spawned | undefined;
  for (const w of SPREAD_WINDOWS) {
    const delay = await waitForWindow(rec.kill, w, random);
    const st = rec.kill.latest();
    await killServe.kill();
    serves.delete(killServe);
    kills.push(`"${w.name}" +${delay} ms at +${Date.now() - started} ms → ${describeStatus(st)}`);
    assert.ok(st !== null && w.hit(st), `the kill meant for "${w.name}" hit ${describeStatus(st)}`);
    const dead = await heartbeat(killNs);
    killServe = await serve(killNs);
    if (late === undefined) {
      // a second CLI, started once the restarted serve leads, attaches to the running canary (it has nothing to record)
      await heartbeat(killNs, dead);
      late = spawnRollscope(c, canaryArgs(killNs, analysis));
      clis.push(late);
    }
  }
  const [ref, kill, second] = [await cli.ref.done, await cli.kill.done, await late!.done];
  await Promise.all(loads.map((l) => l.stop()));
  rec.ref.stop();
  rec.kill.stop();
  process.stdout.write(`# seed ${SEED}: SIGKILL of serve in ${kills.join('; ')}; the killed canary was promoted ${Math.round((kill.endedAt - started) / 1000)} s after the start, the reference ${Math.round((ref.endedAt - started) / 1000)} s\n`);

  // the CLIs attached: they recorded the canary for serve (or found it running), showed its progress, exited with the outcome …
  for (const [run, label] of [[ref, 'reference'], [kill, 'killed'], [second, 'second CLI of the killed run']] as const) {
    assert.equal(run.code, 0, `${label}: ${run.stderr}`);
    assert.equal((JSON.parse(run.stdout) as { result: string }).result, 'promoted', label);
    assert.match(run.stderr, /rollscope serve serve-\S+ leads: it drives the canary; attaching/, label);
    assert.match(run.stderr, /serve-\S+: step 2\/3: 50% \(5\/10 pods\) reached/, `${label}: the attached CLI shows the driver's progress`);
    assert.doesNotMatch(run.stderr, /driving it from here/, `${label}: the CLI never stepped in`);
  }
  for (const run of [ref, kill]) assert.match(run.stderr, /for the leading rollscope serve to drive/);
  assert.match(second.stderr, /^attaching to canary \w+ \(progressing\)/m);
  // … and never drove: every claim names a serve, one per process of the killed run, never two at once
  for (const [r, label] of [[rec.ref, 'reference'], [rec.kill, 'killed']] as const) {
    assert.ok([...r.holders].every((h) => h.startsWith('serve-')), `${label}: only serve claimed the canary: ${[...r.holders].join(', ')}`);
    assertClaimsNeverOverlap(r, label);
  }
  assert.equal(rec.ref.holders.size, 1);
  assert.equal(rec.kill.holders.size, 4, `each restarted serve took over from the killed one: ${[...rec.kill.holders].join(', ')}`);

  // no replica flapping, no step repeated or skipped; each step reached once, each pause deadline written once and waited out
  assertRecordingSound(rec.ref, TOTAL, WEIGHTS, 'reference');
  assertRecordingSound(rec.kill, TOTAL, WEIGHTS, 'killed');
  assert.deepEqual(rec.kill.steps, rec.ref.steps);
  assert.deepEqual([...rec.kill.pauseUntil.keys()], [...rec.ref.pauseUntil.keys()], 'the same steps paused');

  // the same final state, no failed client request …
  for (const ns of [refNs, killNs]) {
    const web = await deployment(ns, 'web');
    assert.deepEqual([web?.spec.replicas, web?.spec.template.spec.containers.map((x) => x.image), statusOf(web).phase], [TOTAL, ['web:2'], 'promoted'], ns);
    assert.equal(await deployment(ns, 'web-canary'), null, `${ns}: the canary Deployment is gone`);
    assert.equal((web as unknown as { metadata: { labels?: Record<string, string> } }).metadata.labels?.['rollscope.io/canary-active'], undefined, `${ns}: the finished canary is no longer listed for drivers`);
  }
  for (const l of loads) assert.deepEqual(Object.keys(loadCodes(l)), ['200'], JSON.stringify(loadCodes(l)));
  // … and the same ledger record in each serve's own ledger (the killed one's kept across four processes)
  const [lr, lk] = [await ledgerOf(refServe.url, refNs), await ledgerOf(killServe.url, killNs)];
  assert.deepEqual(lk.same, lr.same);
  assertLedgerPausesAsWritten(lr, rec.ref, 'reference');
  assertLedgerPausesAsWritten(lk, rec.kill, 'killed');
  assert.deepEqual((lr.same as { releases: unknown }).releases, [['canary-promote', 'web:2', 'succeeded'], ['create', 'web:1', 'succeeded']]);
});
