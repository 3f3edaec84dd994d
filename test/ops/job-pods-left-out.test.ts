// Job pods are left out of the tracker's Pod watch (controllers/tracker/watch-set.ts
// TRACKER_LABEL_SELECTORS) without changing what it records. Two real trackers (startDaemon, each
// with its own SQLite ledger) watch one simulated cluster over HTTP while Jobs churn (created by
// the real kubectl, their pods scheduled, run, finished and deleted) alongside a Deployment's
// rollout and a failing one: the default tracker and one started with --watch-job-pods. The
// default one's Pod informer receives every Pod change of the other, in the same order, minus the
// Job pods' — none of those; both ledgers hold the same releases (phases from pod timestamps,
// images, the failure diagnosis and its events). A Deployment whose pod template carries a Job
// label is warned about once, by name, by the default tracker only.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { JOB_POD_LABELS } from '../../src/controllers/tracker/watch-set.ts';
import type { ClusterDelta } from '../../src/kube/cluster-informers.ts';
import { isTombstone } from '../../src/kube/delta.ts';
import { jsonLogger } from '../../src/lib/log.ts';
import type { Release } from '../../src/model/release.ts';
import { startInProcessTracker, type InProcessTracker } from '../e2e/fixtures/daemon.ts';
import { manifest, startOpsCluster, type OpsCluster } from './ops-support.ts';

const isJobPod = (labels: Readonly<Record<string, string>>): boolean => JOB_POD_LABELS.some((k) => Object.hasOwn(labels, k));

/** podDeltas records every Pod change a tracker's informers apply: `type name resourceVersion`, and whether it is a Job pod. */
function podDeltas(t: InProcessTracker): { readonly rows: { readonly line: string; readonly job: boolean }[] } {
  const informers = t.daemon.tracker.current()?.informers;
  assert.ok(informers, 'the tracker runs');
  const rows: { line: string; job: boolean }[] = [];
  informers.onDelta((d: ClusterDelta) => {
    if (d.kind !== 'Pod' || isTombstone(d.delta.object)) return;
    const p = d.delta.object;
    rows.push({ line: `${d.delta.type} ${p.name} ${p.resourceVersion}`, job: isJobPod(p.labels) });
  });
  return { rows };
}

const BATCH_TEMPLATE_LABELLED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: reports, labels: {app: reports}}
spec:
  replicas: 1
  selector: {matchLabels: {app: reports}}
  template:
    metadata: {labels: {app: reports, controller-uid: reports-v1}}
    spec:
      containers: [{name: reports, image: "registry.local/reports:1"}]
`;

/**
 * OBSERVED_SKEW_MS bounds how far apart (simulated time) two trackers in one process date the same
 * observation: phases and finishedAt are the tracker's clock when it saw the change, and the two
 * read their watches one after the other (a few real milliseconds at speed 40, 25 ms real per 1 s).
 */
const OBSERVED_SKEW_MS = 10_000;

/** untimed is a release without the instants a tracker dates by its own observation. */
const untimed = (r: Release): unknown => ({ ...r, phases: Object.keys(r.phases).sort(), finishedAt: r.finishedAt === null });

async function releasesOf(tracker: InProcessTracker, name: string): Promise<readonly Release[]> {
  const w = (await tracker.ledger.listWorkloads({ cluster: 'sim', includeDeleted: false })).find((x) => x.workload.name === name);
  return w === undefined ? [] : tracker.ledger.releasesOf(w.workload.uid);
}

async function createJobs(c: OpsCluster, names: readonly string[]): Promise<void> {
  for (const n of names) await c.kubectlOk(['create', 'job', n, '--image', 'tools/migrate:1']);
}

test('Job pods never reach the tracker, and its releases are the same as with every pod watched', { timeout: 90_000 }, async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const warnings: string[] = [];
  const filtered = await startInProcessTracker(c.sim, c.kubeconfig, { db: `sqlite:${join(c.dir, 'filtered.db')}`, daemon: { logger: jsonLogger({ level: 'warn', write: (l) => warnings.push(l) }) } });
  t.after(() => filtered.stop());
  const allPodsWarnings: string[] = [];
  const everyPod = await startInProcessTracker(c.sim, c.kubeconfig, { db: `sqlite:${join(c.dir, 'every-pod.db')}`, daemon: { watchJobPods: true, logger: jsonLogger({ level: 'warn', write: (l) => allPodsWarnings.push(l) }) } });
  t.after(() => everyPod.stop());
  const seenFiltered = podDeltas(filtered);
  const seenEvery = podDeltas(everyPod);

  await createJobs(c, ['nightly-1', 'nightly-2']);
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'web', image: 'registry.local/web:steady', replicas: 3 }) });
  await c.kubectlOk(['apply', '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'api', image: 'registry.local/api:crashfast', replicas: 1 }) });
  await c.kubectlOk(['apply', '-f', '-'], { input: BATCH_TEMPLATE_LABELLED });
  await createJobs(c, ['nightly-3', 'nightly-4']);
  const done = async (tracker: InProcessTracker, name: string, outcome: string): Promise<boolean> => (await releasesOf(tracker, name)).some((r) => r.outcome === outcome);
  const waitFor = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    for (const deadline = Date.now() + 40_000; !(await check()); await new Promise((r) => setTimeout(r, 200))) assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
  };
  await waitFor('web release 1 succeeded in both ledgers', async () => (await done(filtered, 'web', 'succeeded')) && (await done(everyPod, 'web', 'succeeded')));
  // A second release of web while more Jobs run and the first ones are deleted with their pods.
  await c.kubectlOk(['set', 'image', 'deployment/web', 'web=registry.local/web2:steady']);
  await createJobs(c, ['nightly-5', 'nightly-6']);
  await c.kubectlOk(['delete', 'job', 'nightly-1', 'nightly-2', '--cascade=foreground']);
  await c.kubectlOk(['scale', 'deployment/reports', '--replicas=2']); // another change of the labelled workload: still one warning
  await waitFor('web release 2 succeeded and api failed in both ledgers', async () => {
    const [a, b] = await Promise.all([releasesOf(filtered, 'web'), releasesOf(everyPod, 'web')]);
    return a.length === 2 && b.length === 2 && a.every((r) => r.outcome === 'succeeded') && b.every((r) => r.outcome === 'succeeded') && (await done(filtered, 'api', 'failed')) && (await done(everyPod, 'api', 'failed'));
  });
  await waitFor('the Jobs to complete', async () => (await c.kubectlOk(['get', 'jobs', '-o', 'jsonpath={.items[*].status.succeeded}'])).split(' ').filter((s) => s === '1').length === 4);
  await c.kubectlOk(['delete', 'jobs', '--all', '--cascade=foreground']);
  await waitFor('every Job pod deleted', async () => (await c.kubectlOk(['get', 'pods', '-l', 'controller-uid,job-name', '-o', 'name'])).trim() === '');
  await new Promise((r) => setTimeout(r, 300)); // the deletions' frames reach both watches
  // The two watches run side by side and the crash-looping api keeps changing its pod: compare the
  // longest common stretch of what each has received so far (either may be a frame or two ahead).
  const labelled = seenEvery.rows.filter((r) => r.job);
  const jobRows = labelled.filter((r) => !r.line.includes(' reports-'));
  assert.ok(jobRows.length >= 6 * 4, `the Job pods churned, seen by --watch-job-pods: ${jobRows.length} changes`);
  assert.deepEqual(seenFiltered.rows.filter((r) => r.job), [], 'no Job pod change reached the default tracker');
  const got = seenFiltered.rows.map((r) => r.line);
  const want = seenEvery.rows.filter((r) => !r.job).map((r) => r.line);
  const n = Math.min(got.length, want.length);
  assert.ok(n > 30 && Math.max(got.length, want.length) - n < 5, `both watches are close: ${got.length} / ${want.length}`);
  assert.deepEqual(got.slice(0, n), want.slice(0, n), 'every other Pod change, in the same order');

  for (const name of ['web', 'api']) {
    // Two trackers on their own watches: one may have written an event or a phase the other is a
    // frame from writing (the crash-looping api keeps making events), so the ledgers are compared
    // once they agree, within seconds, and asserted equal then.
    let [a, b] = await Promise.all([releasesOf(filtered, name), releasesOf(everyPod, name)]);
    for (const deadline = Date.now() + 10_000; JSON.stringify(a.map(untimed)) !== JSON.stringify(b.map(untimed)) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200)))
      [a, b] = await Promise.all([releasesOf(filtered, name), releasesOf(everyPod, name)]);
    assert.ok(a.length > 0);
    assert.deepEqual(a.map(untimed), b.map(untimed), `${name}: the same releases, images with digests, diagnosis and events`);
    for (const [i, r] of a.entries()) {
      const other = b[i]!;
      assert.deepEqual(Object.keys(r.phases).sort(), Object.keys(other.phases).sort(), `${name} #${r.releaseNumber}: the same phases reached`);
      for (const [phase, at] of Object.entries(r.phases)) assert.ok(Math.abs(at - (other.phases[phase as keyof typeof r.phases] ?? 0)) <= OBSERVED_SKEW_MS, `${name} #${r.releaseNumber} ${phase}: ${at} vs ${String(other.phases[phase as keyof typeof r.phases])}`);
      assert.ok(Math.abs((r.finishedAt ?? 0) - (other.finishedAt ?? 0)) <= OBSERVED_SKEW_MS, `${name} #${r.releaseNumber} finishedAt`);
    }
  }
  const web = await releasesOf(filtered, 'web');
  assert.ok(web.every((r) => r.phases.firstPodReady !== undefined), 'pod-based phase timings are there');
  const api = await releasesOf(filtered, 'api');
  assert.equal(api[0]?.failure?.code, 'CrashLoop', 'the diagnosis comes from the pods');

  const warned = warnings.map((l) => JSON.parse(l) as { msg: string; workload?: string; labels?: string[]; hint?: string }).filter((l) => l.workload !== undefined);
  assert.equal(warned.length, 1, warnings.join(''));
  assert.equal(warned[0]?.workload, 'Deployment default/reports');
  assert.deepEqual(warned[0]?.labels, ['controller-uid']);
  assert.match(warned[0]?.hint ?? '', /remove controller-uid from the pod template, or run serve with --watch-job-pods/);
  assert.ok(!allPodsWarnings.some((l) => l.includes('default/reports')), 'no warning when every pod is watched');
  // What the warning is about: the labelled workload's pods never reach the default tracker.
  assert.ok(!seenFiltered.rows.some((r) => r.line.startsWith('ADDED reports-')));
  assert.ok(seenEvery.rows.some((r) => r.line.startsWith('ADDED reports-')));
});
