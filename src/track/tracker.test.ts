import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTINUES_ANNOTATION } from '../model/release.ts';
import { event } from './release/testing/builders.ts';
import { FakeWorkload } from './release/testing/fake-workload.ts';
import { Harness } from './release/testing/harness.ts';
import type { TrackerDelta } from './tracker.ts';

const img = (tag: string) => ({ images: { app: `nginx:${tag}` } });

/** rollOut: the controller activates the template, pods come up ready, status completes. */
function rollOut(d: FakeWorkload, readyPods = 1): TrackerDelta[] {
  return [...d.sync(), ...d.pods(readyPods, { ready: true, imageID: 'docker.io/library/nginx@sha256:abc' }), ...d.complete()];
}

test('a scripted day on one Deployment yields exactly the expected releases', () => {
  const h = new Harness();
  h.apply([{ type: 'synced' }]);
  const d = new FakeWorkload();
  h.apply([...d.create(img('1.0')), ...rollOut(d)]);
  // HPA-like scaling noise: never a release.
  h.apply([...d.scale(5), ...d.sync(), ...d.scale(4), ...d.sync()]);
  h.apply([...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)]);
  h.apply([...d.setTemplate({ ...img('1.1'), annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T10:00:00Z' } }, 'kubectl-rollout'), ...rollOut(d)]);
  // kubectl rollout undo: back to revision 2's template; the RS is re-promoted as revision 4.
  h.apply([...d.setTemplate(img('1.1'), 'kubectl-rollout'), ...rollOut(d)]);
  // kubectl rollout undo --to-revision=1: revision 1's RS becomes revision 5.
  h.apply([...d.setTemplate(img('1.0'), 'kubectl-rollout'), ...rollOut(d)]);
  // pause, two template edits, resume: Kubernetes creates ONE new ReplicaSet, on resume.
  h.apply([...d.pause(true), ...d.sync()]);
  h.apply([...d.setTemplate(img('1.2'), 'kubectl-set'), ...d.sync(), ...d.setTemplate({ ...img('1.2'), env: { MODE: 'fast' } }, 'kubectl-edit'), ...d.sync()]);
  assert.equal(h.ledger().length, 5, 'no release while paused');
  h.apply([...d.pause(false), ...rollOut(d)]);
  // a failing image (the env edit stays: an image-only change)
  const withEnv = (tag: string) => ({ ...img(tag), env: { MODE: 'fast' } });
  h.apply([...d.setTemplate(withEnv('missing'), 'kubectl-set'), ...d.sync(), ...d.pods(1, { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:missing"' } })]);
  // fixed by a new image: the failed release stays failed
  h.apply([...d.setTemplate(withEnv('1.3'), 'kubectl-set'), ...rollOut(d)]);
  // a crash loop
  h.apply([...d.setTemplate(withEnv('crash'), 'helm'), ...d.sync(), ...d.pods(1, { waiting: { reason: 'CrashLoopBackOff' }, restarts: 3, lastExit: 1 })]);

  assert.deepEqual(h.table(), [
    '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
    '#2 rev2 image nginx:1.1 by kubectl-set → succeeded',
    '#3 rev3 restart nginx:1.1 by kubectl-rollout → rolled-back',
    '#4 rev4 rollback nginx:1.1 by kubectl-rollout → rolled-back',
    '#5 rev5 rollback nginx:1.0 by kubectl-rollout → succeeded',
    '#6 rev6 config nginx:1.2 by kubectl-edit → succeeded',
    '#7 rev7 image nginx:missing by kubectl-set → failed (ImagePullFailed)',
    '#8 rev8 image nginx:1.3 by kubectl-set → succeeded',
    '#9 rev9 image nginx:crash by helm → failed (CrashLoop)',
  ]);
  const crash = h.ledger().at(-1)!;
  assert.equal(crash.failure?.exitCode, 1);
  assert.deepEqual(
    h.events.map((e) => e.type),
    ['scale', 'scale', 'pause', 'resume'],
  );
  assert.deepEqual(h.events[0]?.detail, { from: 3, to: 5 });
  assert.equal(h.events[0]?.actor.manager, 'horizontal-pod-autoscaler');
  const first = h.ledger()[0]!;
  assert.equal(first.images[0]?.digest, 'sha256:abc');
  assert.equal(h.ledger()[1]!.previousReleaseId, first.id);
  for (const p of ['templateObserved', 'revisionCreated', 'firstPodScheduled', 'firstImagePulled', 'firstPodReady', 'allUpdated', 'allAvailable', 'oldReplicasGone'] as const)
    assert.ok(first.phases[p] !== undefined, `phase ${p}`);
});

test('replaying every delta of a day, or relisting, yields no facts at all', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  const day: TrackerDelta[] = [{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), ...d.scale(6), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)];
  h.apply(day);
  const before = h.state;
  assert.deepEqual(h.apply(day), []);
  assert.deepEqual(h.apply(d.relist()), []);
  assert.equal(h.state.workloads.size, before.workloads.size);
});

test('a restart seeded from the ledger continues numbering and duplicates nothing', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...d.sync()]);
  const ledger = h.ledger();
  // restart: new tracker from the ledger; the relist shows the same objects; then life goes on.
  const h2 = new Harness({ seed: ledger, now: h.now + 60_000 });
  assert.deepEqual(h2.apply(d.relist()).filter((f) => f.kind === 'releaseStarted'), []);
  h2.apply([...d.pods(1, { ready: true }), ...d.complete()]);
  assert.equal(h2.ledger().at(-1)?.outcome, 'succeeded', 'the seeded progressing release is followed on');
  h2.apply([...d.setTemplate(img('1.2'), 'kubectl-set'), ...rollOut(d)]);
  assert.deepEqual(h2.table().at(-1), '#3 rev3 image nginx:1.2 by kubectl-set → succeeded');
});

test('revisions made while the tracker was down are backfilled after restart; the newest keeps its proven author', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)]);
  const ledger = h.ledger();
  d.time += 10 * 60_000;
  // while down: two template changes, the last one complete
  d.setTemplate(img('1.1'), 'kubectl-set');
  d.sync();
  d.setTemplate(img('1.2'), 'kubectl-set');
  d.sync();
  d.complete();
  const h2 = new Harness({ seed: ledger, now: h.now + 3_600_000 });
  h2.apply(d.relist());
  assert.deepEqual(h2.table(), [
    '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
    '#2 rev2 image nginx:1.1 by unknown → superseded [backfilled]',
    '#3 rev3 image nginx:1.2 by kubectl-set → succeeded',
  ]);
});

test('one template change missed during a restart is recorded live with its author, not backfilled', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)]);
  const ledger = h.ledger();
  d.time += 5_000;
  // killed right after this write, before recording it; back a few seconds later
  d.setTemplate(img('1.1'), 'kubectl-set');
  d.sync();
  const h2 = new Harness({ seed: ledger, now: h.now + 10_000 });
  h2.apply(d.relist());
  h2.apply([...d.pods(1, { ready: true }), ...d.complete()]);
  assert.deepEqual(h2.table(), [
    '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
    '#2 rev2 image nginx:1.1 by kubectl-set → succeeded',
  ]);
});

test('a workload created during a restart is recorded live, with its author', () => {
  const h = new Harness();
  const a = new FakeWorkload({ name: 'a' });
  h.apply([{ type: 'synced' }, ...a.create(img('1.0')), ...rollOut(a)]);
  const b = new FakeWorkload({ name: 'b', uid: 'uid-b', time: a.time + 5_000 });
  b.create(img('2.0'));
  b.sync();
  const h2 = new Harness({ seed: h.ledger(), now: b.time + 5_000 });
  h2.apply([...a.relist().filter((x) => x.type !== 'synced'), ...b.relist()]);
  const all = h2.ledger('uid-b').map((r) => `${r.workload.name} #${r.releaseNumber} ${r.trigger} ${r.images[0]?.image} by ${r.actor.manager}${r.backfilled ? ' [backfilled]' : ''}`);
  assert.ok(all.includes('b #1 create nginx:2.0 by kubectl-create'), all.join('\n'));
});

test('deltas in any order across watches give the same releases (held until the owner arrives)', () => {
  const d = new FakeWorkload();
  const created = d.create(img('1.0'));
  const synced = d.sync();
  const pods = d.pods(2, { ready: true });
  const done = d.complete();
  const inOrder = new Harness();
  inOrder.apply([{ type: 'synced' }, ...created, ...synced, ...pods, ...done]);
  const shuffled = new Harness();
  const rsDelta = synced.find((x) => 'record' in x && x.record.kind === 'ReplicaSet')!;
  const podEvent = event('ev-1', { kind: 'Pod', name: 'p', uid: (pods[0] as { record: { uid: string } }).record.uid }, 'Pulled', 'Successfully pulled image "nginx:1.0"');
  shuffled.apply([{ type: 'synced' }, { type: 'ADDED', record: podEvent }, ...pods, rsDelta, ...created, ...synced.filter((x) => x !== rsDelta), ...done]);
  assert.deepEqual(shuffled.table(), inOrder.table());
  assert.equal(shuffled.ledger()[0]?.actor.manager, 'kubectl-create');
  assert.equal(shuffled.ledger()[0]?.events.length, 1, 'the held event was attached');
  assert.equal(shuffled.state.heldCount, 0);
});

test('delete and re-create under the same name is a new workload numbered from 1', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...d.sync()]);
  const facts = h.apply(d.delete());
  assert.deepEqual(facts.map((f) => f.kind), ['workloadEvent', 'releaseUpdated', 'workloadObserved']);
  assert.equal(h.table().at(-1), '#2 rev2 image nginx:1.1 by kubectl-set → failed (Deleted)');
  const again = new FakeWorkload({ uid: 'uid-web-2' });
  h.apply([...again.create(img('2.0')), ...rollOut(again)]);
  assert.deepEqual(h.table('uid-web-2'), ['#1 rev1 create nginx:2.0 by kubectl-create → succeeded']);
  // a second tombstone for the same workload (relist) changes nothing
  assert.deepEqual(h.apply([{ type: 'DELETED', record: d.w, finalStateUnknown: true }]), []);
});

test('a Deployment recreated by a selector migration continues the release numbers of the one it replaces', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)]);
  h.apply(d.delete());
  const again = new FakeWorkload({ uid: 'uid-web-2' });
  again.w = { ...again.w, annotations: { ...again.w.annotations, [CONTINUES_ANNOTATION]: 'uid-web' } };
  h.apply([...again.create(img('1.1'), 'rollscope'), ...rollOut(again)]);
  assert.deepEqual(h.table('uid-web-2'), ['#3 rev1 create nginx:1.1 by rollscope → succeeded']);
  const migrate = h.events.find((e) => e.type === 'migrate');
  assert.equal(migrate?.workload.uid, 'uid-web-2');
  assert.deepEqual(migrate?.detail, { previousUid: 'uid-web', lastReleaseNumber: 2 });
  // without the annotation a re-created namesake starts afresh (previous test): the link is explicit, never guessed by name.
});

test('an unschedulable rollout fails only after its grace period, on a tick', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...d.sync(), ...d.pods(1, { unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' })]);
  assert.equal(h.ledger()[0]?.outcome, 'progressing');
  h.now = h.ledger()[0]!.startedAt; // the pod's condition says since T0; grace is 30 s
  h.apply([{ type: 'tick' }], 31_000);
  const r = h.ledger()[0]!;
  assert.equal(r.outcome, 'failed');
  assert.equal(r.failure?.code, 'Unschedulable');
  assert.match(r.failure?.message ?? '', /Insufficient cpu/);
});

test('progress deadline exceeded fails the release; completing later makes it succeeded', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...d.sync(), ...d.deadline()]);
  assert.equal(h.table()[0], '#1 rev1 create nginx:1.0 by kubectl-create → failed (ProgressDeadlineExceeded)');
  const facts = h.apply(d.complete());
  assert.equal(h.table()[0], '#1 rev1 create nginx:1.0 by kubectl-create → succeeded');
  assert.ok(facts.some((f) => f.kind === 'releaseUpdated' && f.changes.some((c) => c.kind === 'outcomeChanged' && c.from === 'failed' && c.to === 'succeeded')));
});

test('pausing mid-rollout makes the release paused; resuming makes it progressing again', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...d.sync(), ...d.pause(true)]);
  assert.equal(h.ledger()[0]?.outcome, 'paused');
  h.apply(d.pause(false));
  assert.equal(h.ledger()[0]?.outcome, 'progressing');
});

test('StatefulSet and DaemonSet releases come from ControllerRevisions', () => {
  for (const kind of ['StatefulSet', 'DaemonSet'] as const) {
    const h = new Harness();
    const s = new FakeWorkload({ kind, uid: `uid-${kind}` });
    h.apply([{ type: 'synced' }, ...s.create(img('1.0')), ...rollOut(s)]);
    h.apply([...s.scale(5), ...s.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(s)]);
    assert.deepEqual(h.table(`uid-${kind}`), [
      '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
      '#2 rev2 image nginx:1.1 by kubectl-set → succeeded',
    ], kind);
    assert.ok(h.ledger(`uid-${kind}`)[1]!.phases.firstPodReady !== undefined, `${kind}: new pods recognised by controller-revision-hash`);
  }
});

test('events on the workload, its ReplicaSets and new pods are kept with the release, deduplicated', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...d.sync()]);
  const rs = d.currentRevision()!;
  const start = h.ledger()[0]!.startedAt;
  const scaled = event('ev-s', { kind: 'Deployment', name: 'web', uid: d.w.uid }, 'ScalingReplicaSet', `Scaled up replica set ${rs.name} to 3`, { at: start });
  const created = event('ev-c', { kind: 'ReplicaSet', name: rs.name, uid: rs.uid }, 'SuccessfulCreate', 'Created pod: x', { at: start });
  const hpa = event('ev-h', { kind: 'HorizontalPodAutoscaler', name: 'web', uid: 'hpa' }, 'SuccessfulRescale', 'New size: 5', { at: start });
  h.apply([{ type: 'ADDED', record: scaled }, { type: 'ADDED', record: created }, { type: 'ADDED', record: hpa }]);
  h.apply([{ type: 'MODIFIED', record: { ...created, count: 3, lastSeen: start + 5000 } }]);
  assert.deepEqual(h.apply([{ type: 'MODIFIED', record: { ...created, count: 3, lastSeen: start + 5000 } }]), []);
  const events = h.ledger()[0]!.events;
  assert.deepEqual(events.map((e) => `${e.reason}×${e.count}`), ['ScalingReplicaSet×1', 'SuccessfulCreate×3']);
});

test('first start: existing history is backfilled at sync, then tracking goes live', () => {
  const d = new FakeWorkload();
  // history made before the tracker ever ran
  d.create(img('1.0'));
  d.sync();
  d.setTemplate(img('1.1'), 'kubectl-set');
  d.sync();
  d.setTemplate(img('1.0'), 'kubectl-rollout'); // undo: revision 1's RS becomes revision 3
  d.sync();
  d.complete();
  const h = new Harness();
  // the initial list arrives in any order: ReplicaSets first, then the Deployment
  const listed = d.relist().filter((x) => x.type !== 'synced').reverse();
  assert.deepEqual(h.apply(listed).filter((f) => f.kind !== 'workloadObserved'), [], 'nothing is decided before the list is complete');
  h.apply([{ type: 'synced' }]);
  assert.deepEqual(h.table(), [
    '#1 rev2 config nginx:1.1 by unknown → rolled-back [backfilled]',
    '#2 rev3 rollback nginx:1.0 by unknown → succeeded [backfilled]',
  ]);
  h.apply([...d.setTemplate(img('1.2'), 'argocd-controller'), ...rollOut(d)]);
  assert.equal(h.table().at(-1), '#3 rev4 image nginx:1.2 by argocd-controller → succeeded');
});

test('memory stays bounded: held records are capped and expire; finished rollouts drop their pods', () => {
  const h = new Harness({ config: { maxHeld: 3, holdMs: 60_000 } });
  h.apply([{ type: 'synced' }]);
  const orphans: TrackerDelta[] = [1, 2, 3, 4, 5].map((i) => ({ type: 'ADDED', record: event(`e${i}`, { kind: 'Pod', name: `p${i}`, uid: `pod-${i}` }, 'Pulled', 'x') }));
  h.apply(orphans);
  assert.equal(h.state.heldCount, 3);
  assert.equal(h.state.droppedHeld, 2);
  h.apply([{ type: 'tick' }], 61_000);
  assert.equal(h.state.heldCount, 0);
  assert.equal(h.state.droppedHeld, 5);
  const d = new FakeWorkload();
  h.apply([...d.create(img('1.0')), ...d.sync(), ...d.pods(3, { ready: true })]);
  assert.equal(h.state.pods.size, 3);
  h.apply(d.complete());
  assert.equal(h.state.pods.size, 3, 'watched for the settle window');
  h.apply([{ type: 'tick' }], 5 * 60_000 + 1);
  assert.equal(h.state.pods.size, 0);
  assert.equal(h.state.workloads.get('uid-web')?.rollout?.pods.size, 0);
});

test('release ids are stable: two trackers seeing the same changes at different moments agree', () => {
  const d = new FakeWorkload();
  const day: TrackerDelta[] = [{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d), ...d.setTemplate(img('1.0'), 'kubectl-rollout'), ...rollOut(d)];
  const fast = new Harness({ now: d.time }); // observed just after the (server-stamped) writes
  fast.apply(day, 1);
  const slow = new Harness({ now: fast.now + 3_600_000 });
  slow.apply(day, 2_500);
  assert.equal(fast.ledger().length, 3);
  assert.deepEqual(slow.ledger().map((r) => r.id), fast.ledger().map((r) => r.id));
});

test('scaling after a release finished does not rewrite the release', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d), { type: 'tick' }]);
  h.now += 10 * 60_000; // past the settle window
  const facts = h.apply([...d.scale(8), ...d.sync(), ...d.complete()]);
  assert.deepEqual(facts.map((f) => f.kind), ['workloadEvent']);
});

test('a workload watch running several changes ahead still names each release author', () => {
  const d = new FakeWorkload();
  const create = [...d.create(img('1.0')), ...d.sync()];
  const a = d.setTemplate(img('1.1'), 'kubectl-set');
  const syncA = d.sync();
  const b = d.setTemplate(img('1.2'), 'helm');
  const syncB = d.sync();
  const isRs = (x: TrackerDelta): boolean => 'record' in x && x.record.kind === 'ReplicaSet';
  const h = new Harness();
  // every workload update first, then the ReplicaSets
  h.apply([{ type: 'synced' }, ...create, ...a, ...syncA.filter((x) => !isRs(x)), ...b, ...syncB.filter((x) => !isRs(x)), ...syncA.filter(isRs), ...syncB.filter(isRs)]);
  assert.deepEqual(h.ledger().map((r) => `${r.images[0]?.image} ${r.actor.manager}`), ['nginx:1.0 kubectl-create', 'nginx:1.1 kubectl-set', 'nginx:1.2 helm']);
});
