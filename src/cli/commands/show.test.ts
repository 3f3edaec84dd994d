// `rollscope show` over a seeded SQLite ledger, run as the real CLI (child processes): addressing by
// id and by TYPE/NAME#N (with -n and --cluster), the terminal view's content, -o json|yaml against
// the public ReleaseDetail view, and the exit codes of ambiguous, missing and malformed addresses.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Release, ReleaseId, WorkloadRef } from '../../model/release.ts';
import { releaseDetailView } from '../../model/view/release-detail-view.ts';
import { openLedger } from '../../store/open.ts';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { parseReleaseAddress } from './show-args.ts';

const MAIN = resolve(import.meta.dirname, '..', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'rollscope-show-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;
const t0 = Date.parse('2026-12-05T10:00:00Z');

const webA: WorkloadRef = { cluster: 'a', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web-a' };
const webB: WorkloadRef = { cluster: 'b', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web-b' };
const apiOld: WorkloadRef = { cluster: 'a', namespace: 'shop', kind: 'Deployment', name: 'api', uid: 'uid-api-old' };
const apiNew: WorkloadRef = { cluster: 'a', namespace: 'shop', kind: 'Deployment', name: 'api', uid: 'uid-api-new' };
const template = (image: string) => ({ spec: { containers: [{ name: 'web', image }] } });

const web1 = aRelease({ id: '01SHOWTEST0000000000000001' as ReleaseId, workload: webA, releaseNumber: 1, revision: '1', trigger: 'create', templateHash: 'w1', startedAt: t0, finishedAt: t0 + 40_000, images: [{ container: 'web', image: 'web:1' }], template: template('web:1') });
const web2: Release = aRelease({
  id: '01SHOWTEST0000000000000002' as ReleaseId, workload: webA, releaseNumber: 2, revision: '2', templateHash: 'w2', previousReleaseId: web1.id,
  startedAt: t0 + 600_000, finishedAt: t0 + 720_000, outcome: 'failed', images: [{ container: 'web', image: 'web:missing' }], template: template('web:missing'),
  actor: { manager: 'kubectl-set', user: 'alice' }, changeCause: 'try the missing tag',
  failure: { code: 'ImagePullFailed', reason: 'ErrImagePull', message: 'Failed to pull image "web:missing": not found', object: 'Pod shop/web-7c9d-x2x1' },
  phases: { templateObserved: t0 + 600_000, revisionCreated: t0 + 601_000, firstPodScheduled: t0 + 602_000 },
  replicas: { desired: 3, updated: 1, ready: 0, available: 2 },
  events: [
    { uid: 'e2', time: t0 + 610_000, type: 'Warning', reason: 'Failed', message: 'Failed to pull image "web:missing": not found', object: 'Pod shop/web-7c9d-x2x1', count: 3 },
    { uid: 'e1', time: t0 + 602_000, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned shop/web-7c9d-x2x1 to node-1', object: 'Pod shop/web-7c9d-x2x1', count: 1 },
  ],
});
const webOfB = aRelease({ id: '01SHOWTEST0000000000000003' as ReleaseId, workload: webB, releaseNumber: 1, revision: '1', trigger: 'create', templateHash: 'b1', startedAt: t0 + 60_000, template: template('web:b') });
const apiOld1 = aRelease({ id: '01SHOWTEST0000000000000004' as ReleaseId, workload: apiOld, releaseNumber: 1, templateHash: 'o1', startedAt: t0 });
const apiOld2 = aRelease({ id: '01SHOWTEST0000000000000005' as ReleaseId, workload: apiOld, releaseNumber: 2, templateHash: 'o2', startedAt: t0 + 60_000 });
const apiNew1 = aRelease({ id: '01SHOWTEST0000000000000006' as ReleaseId, workload: apiNew, releaseNumber: 1, templateHash: 'n1', startedAt: t0 + 900_000 });

before(async () => {
  const ledger = await openLedger(db);
  for (const r of [web1, web2, webOfB, apiOld1, apiOld2, apiNew1]) await ledger.upsertRelease(r);
  await ledger.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

function show(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'no-kubeconfig'), ROLLSCOPE_DB: '' };
    execFile(process.execPath, [MAIN, 'show', ...args, '--db', db], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

test('parseReleaseAddress: an id, TYPE/NAME#N, TYPE NAME#N, TYPE/NAME; malformed forms are usage errors', () => {
  assert.deepEqual(parseReleaseAddress(['01SHOWTEST0000000000000001']), { by: 'id', id: '01SHOWTEST0000000000000001' });
  assert.deepEqual(parseReleaseAddress(['deploy/web#12']), { by: 'workload', target: { kind: 'Deployment', name: 'web' }, number: 12 });
  assert.deepEqual(parseReleaseAddress(['sts', 'db#2']), { by: 'workload', target: { kind: 'StatefulSet', name: 'db' }, number: 2 });
  assert.deepEqual(parseReleaseAddress(['ds/agent']), { by: 'workload', target: { kind: 'DaemonSet', name: 'agent' }, number: null });
  for (const bad of [[], ['web#3'], ['deploy/web#0'], ['deploy/web#x'], ['deploy/web#3#4'], ['pod/web#1'], ['a', 'b', 'c']])
    assert.throws(() => parseReleaseAddress(bad), (e: Error & { code?: string }) => e.code === 'USAGE', JSON.stringify(bad));
});

test('show TYPE/NAME#N prints the summary, diagnosis, timeline, events and template diff', async () => {
  const r = await show('deployment/web#2', '-n', 'shop', '--cluster', 'a');
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /^deployment\.apps\/web in namespace shop, cluster a\n/);
  assert.match(out, /^Release: +#2 {2}id 01SHOWTEST0000000000000002 {2}revision 2$/m);
  assert.match(out, /^Trigger: +image, after #1$/m);
  assert.match(out, /^Actor: +alice \(kubectl-set\)$/m);
  assert.match(out, /^Change cause: +try the missing tag$/m);
  assert.match(out, /^Started: +2026-12-05T10:10:00\.000Z \(/m);
  assert.match(out, /^Duration: +2m$/m);
  assert.match(out, /^Outcome: +failed$/m);
  assert.match(out, /^Diagnosis: +ImagePullFailed \(ErrImagePull\): Failed to pull image "web:missing": not found \[Pod shop\/web-7c9d-x2x1\]$/m);
  assert.match(out, /^Replicas: +3 desired, 1 updated, 0 ready, 2 available$/m);
  // Timeline: reached phases with their offset and step, unreached ones as '-'.
  assert.match(out, /^ {2}revisionCreated +\+1s +1s +█/m);
  assert.match(out, /^ {2}firstPodScheduled +\+2s +1s +/m);
  assert.match(out, /^ {2}firstImagePulled +- +stalled 1m58s +░+$/m, 'the phase it never reached, and how long it stalled before it failed');
  assert.match(out, /^ {2}allAvailable +-$/m);
  // Events oldest first, as offsets from the start, with repeat counts.
  const events = out.slice(out.indexOf('Events:'), out.indexOf('Template diff'));
  assert.ok(events.indexOf('Scheduled') < events.indexOf('Failed ×3'), events);
  assert.match(events, /^ {2}\+10s +Warning +Failed ×3 +Pod shop\/web-7c9d-x2x1 +Failed to pull image/m);
  assert.match(out, /^Template diff against #1 \(01SHOWTEST0000000000000001\):\n {2}~ spec\.containers\[web\]\.image: "web:1" → "web:missing"\n/m);
});

test('show by id -o json is the public ReleaseDetail view; -o yaml the same object', async () => {
  const r = await show(web2.id, '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  const view = releaseDetailView.parse(JSON.parse(r.stdout));
  assert.equal(view.release.id, web2.id);
  assert.equal(view.release.failure?.code, 'ImagePullFailed');
  assert.equal(view.release.cluster, 'a');
  assert.equal(view.previous?.id, web1.id);
  assert.deepEqual(view.diff, [{ path: 'spec.containers[web].image', op: 'changed', before: 'web:1', after: 'web:missing' }]);
  assert.equal(view.stuck, false, 'the ledger knows no workload for it: not stuck');
  const y = await show(web2.id, '-o', 'yaml');
  assert.equal(y.code, 0, y.stderr);
  assert.deepEqual(releaseDetailView.parse(parseYaml(y.stdout)), view);
});

test('a name in two clusters needs --cluster; TYPE/NAME alone is the latest release', async () => {
  const amb = await show('deploy/web', '-n', 'shop');
  assert.equal(amb.code, 3);
  assert.match(amb.stderr, /deployment shop\/web has releases in 2 clusters: a, b/);
  assert.match(amb.stderr, /hint: choose one with --cluster/);
  const b = await show('deploy/web', '-n', 'shop', '--cluster', 'b');
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /cluster b\n/);
  assert.match(b.stdout, /^Release: +#1 {2}id 01SHOWTEST0000000000000003/m);
  assert.match(b.stdout, /^Template diff:\n {2}none: the first release the ledger holds for this workload$/m);
  const latest = await show('deploy/web', '-n', 'shop', '--cluster', 'a');
  assert.match(latest.stdout, /^Release: +#2 /m);
});

test('a re-created workload: TYPE/NAME#N addresses the current one, and the hint names the earlier one\'s release', async () => {
  const current = await show('deploy/api', '-n', 'shop');
  assert.equal(current.code, 0, current.stderr);
  assert.match(current.stdout, /^Release: +#1 {2}id 01SHOWTEST0000000000000006/m);
  const gone = await show('deploy/api#2', '-n', 'shop');
  assert.equal(gone.code, 4);
  assert.match(gone.stderr, /deployment shop\/api has no release #2; it has #1–#1/);
  assert.match(gone.stderr, /rollscope show 01SHOWTEST0000000000000005/);
});

test('exit codes: unknown release 4, wrong cluster 4, bad address or flag 3', async () => {
  assert.equal((await show('01SHOWTEST0000000000000099')).code, 4);
  const other = await show(web2.id, '--cluster', 'b');
  assert.equal(other.code, 4);
  assert.match(other.stderr, /belongs to cluster a, not b/);
  assert.equal((await show('deploy/nothing', '-n', 'shop')).code, 4);
  assert.equal((await show('web#2')).code, 3);
  assert.equal((await show(web2.id, '-o', 'xml')).code, 3);
  assert.equal((await show(web2.id, '--cluster', ' ')).code, 3);
});

test('a failed release that is still its existing workload\'s latest is stuck: show says so and measures the stall to now', async () => {
  const ledger = await openLedger(db);
  await ledger.upsertWorkload({ workload: webA, labels: {}, createdAt: t0, deletedAt: null, observedAt: t0 });
  await ledger.close();
  const text = await show(web2.id);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Outcome: +failed, stuck: no newer release has replaced it and it has not recovered$/m);
  const stall = /^ {2}firstImagePulled +- +stuck (\S+) +░+$/m.exec(text.stdout)?.[1];
  assert.ok(stall !== undefined && stall !== '1m58s', `stalled until now, not until the verdict: ${text.stdout}`);
  const view = releaseDetailView.parse(JSON.parse((await show(web2.id, '-o', 'json')).stdout));
  assert.equal(view.stuck, true);
});
