// Restarts, first starts and relists that missed template writes: the newest release is attributed
// when the workload still proves its author (release/proven-write.ts), and is then the same release
// an uninterrupted tracker recorded; what cannot be proven stays `unknown`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Release } from '../model/release.ts';
import { FakeWorkload } from './release/testing/fake-workload.ts';
import { Harness } from './release/testing/harness.ts';
import type { TrackerDelta } from './tracker.ts';

const img = (tag: string) => ({ images: { app: `nginx:${tag}` } });
const MIN = 60_000;

function rollOut(d: FakeWorkload): TrackerDelta[] {
  return [...d.sync(), ...d.pods(1, { ready: true, imageID: 'docker.io/library/nginx@sha256:abc' }), ...d.complete()];
}

/** identity is what must not depend on whether the tracker was running. */
const identity = (r: Release | undefined) =>
  r && { id: r.id, releaseNumber: r.releaseNumber, revision: r.revision, trigger: r.trigger, actor: r.actor, startedAt: r.startedAt, changeCause: r.changeCause, previousReleaseId: r.previousReleaseId, backfilled: r.backfilled };

/** history: create + one release while the tracker runs (phase A), the day goes on (phase B). */
function history(): { d: FakeWorkload; a: TrackerDelta[] } {
  const d = new FakeWorkload();
  const a = [{ type: 'synced' } as const, ...d.create(img('1.0')), ...rollOut(d)];
  d.time += 10 * MIN;
  return { d, a };
}

test('a restart that missed the last template write records the same release as an uninterrupted tracker', () => {
  const { d, a } = history();
  const b = [...d.setTemplate(img('1.1'), 'kubectl-set', { 'kubernetes.io/change-cause': 'bump nginx' }), ...rollOut(d)];
  const uninterrupted = new Harness({ now: d.time });
  uninterrupted.apply([...a, ...b]);
  // The other tracker ran phase A, was killed, and restarts from its ledger after phase B.
  const before = new Harness({ now: d.time });
  before.apply(a);
  const restarted = new Harness({ seed: before.ledger(), now: d.time + 5 * MIN });
  restarted.apply(d.relist());
  assert.deepEqual(restarted.table(), uninterrupted.table());
  assert.deepEqual(identity(restarted.ledger().at(-1)), identity(uninterrupted.ledger().at(-1)));
  assert.equal(restarted.ledger().at(-1)?.actor.manager, 'kubectl-set', 'the live tracker named it too');
  assert.deepEqual(restarted.table().at(-1), '#2 rev2 image nginx:1.1 by kubectl-set → succeeded');
});

test('a restart mid-rollout: the proven release is followed on and completes as in the uninterrupted run', () => {
  const { d, a } = history();
  const write = [...d.setTemplate(img('1.1'), 'helm'), ...d.sync()];
  const before = new Harness({ now: d.time });
  before.apply(a);
  const restarted = new Harness({ seed: before.ledger(), now: d.time + MIN });
  restarted.apply(d.relist());
  assert.equal(restarted.table().at(-1), '#2 rev2 image nginx:1.1 by helm → progressing');
  restarted.apply([...d.pods(1, { ready: true }), ...d.complete()]);
  const uninterrupted = new Harness({ now: d.time });
  uninterrupted.apply([...a, ...write, ...d.pods(1, { ready: true }), ...d.complete()]);
  assert.deepEqual(identity(restarted.ledger().at(-1)), identity(uninterrupted.ledger().at(-1)));
  assert.equal(restarted.ledger().at(-1)?.outcome, 'succeeded');
});

test('first start: the newest revision gets its proven author and start; older ones stay unknown', () => {
  const { d, a } = history();
  const b = [...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)];
  const uninterrupted = new Harness({ now: d.time });
  uninterrupted.apply([...a, ...b]);
  const first = new Harness({ now: d.time + 5 * MIN }); // no ledger at all
  first.apply(d.relist());
  assert.deepEqual(first.table(), ['#1 rev1 create nginx:1.0 by unknown → superseded [backfilled]', '#2 rev2 image nginx:1.1 by kubectl-set → succeeded']);
  const pick = (r: Release | undefined) => r && { id: r.id, releaseNumber: r.releaseNumber, trigger: r.trigger, actor: r.actor, startedAt: r.startedAt };
  assert.deepEqual(pick(first.ledger().at(-1)), pick(uninterrupted.ledger().at(-1)));
});

test('first start on a workload created once: its create is proven too', () => {
  const d = new FakeWorkload();
  d.create(img('1.0'), 'helm');
  d.sync();
  d.complete();
  const first = new Harness({ now: d.time + 5 * MIN });
  first.apply(d.relist());
  assert.deepEqual(first.table(), ['#1 rev1 create nginx:1.0 by helm → succeeded']);
});

const unproven = [
  {
    name: 'two managers wrote the template within the window → unknown',
    whileDown: (d: FakeWorkload) => {
      d.setTemplate(img('1.1'), 'helm');
      d.setTemplate(img('1.2'), 'kubectl-set'); // one second later, before the controller synced
      d.sync();
    },
    want: '#2 rev2 image nginx:1.2 by unknown → progressing [backfilled]',
  },
  {
    name: 'the template write is older than the window (edited while paused, resumed 10 min later) → unknown',
    whileDown: (d: FakeWorkload) => {
      d.pause(true);
      d.setTemplate(img('1.1'), 'kubectl-set');
      d.sync();
      d.time += 10 * MIN;
      d.pause(false);
      d.sync();
    },
    want: '#2 rev2 image nginx:1.1 by unknown → progressing [backfilled]',
  },
  {
    name: 'a rollback re-promotes an old ReplicaSet: no creation time anchors the write → unknown',
    whileDown: (d: FakeWorkload) => {
      d.setTemplate(img('1.0'), 'kubectl-rollout', d.w.annotations);
      d.sync();
    },
    want: null,
  },
] as const;

for (const row of unproven) {
  test(`restart: ${row.name}`, () => {
    const { d, a } = history();
    let seedFrom = a;
    if (row.want === null) {
      seedFrom = [...a, ...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)];
      d.time += 10 * MIN;
    }
    const before = new Harness({ now: d.time });
    before.apply(seedFrom);
    row.whileDown(d);
    const restarted = new Harness({ seed: before.ledger(), now: d.time + MIN });
    restarted.apply(d.relist());
    const last = restarted.ledger().at(-1);
    if (row.want !== null) assert.equal(restarted.table().at(-1), row.want);
    else assert.deepEqual([last?.trigger, last?.actor.manager, last?.backfilled], ['rollback', 'unknown', true]);
  });
}

test('restart: a scale-only write after the template write does not hide its author', () => {
  const { d, a } = history();
  const b = [...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)];
  d.time += MIN;
  const scaling = [...d.scale(5, 'kubectl-edit', ''), ...d.scale(7, 'horizontal-pod-autoscaler'), ...d.sync(), ...d.complete()];
  const uninterrupted = new Harness({ now: d.time });
  uninterrupted.apply([...a, ...b, ...scaling]);
  const before = new Harness({ now: d.time });
  before.apply(a);
  const restarted = new Harness({ seed: before.ledger(), now: d.time + MIN });
  restarted.apply(d.relist());
  assert.equal(restarted.table().at(-1), '#2 rev2 image nginx:1.1 by kubectl-set → succeeded');
  assert.deepEqual(identity(restarted.ledger().at(-1)), identity(uninterrupted.ledger().at(-1)));
});

test('relist after a gap delivering revision 3 before 2: both are recorded, in revision order', () => {
  const { d, a } = history();
  const h = new Harness({ now: d.time });
  h.apply(a);
  // The watch is down (410 later): two template changes happen meanwhile.
  d.setTemplate(img('1.1'), 'kubectl-set');
  const [rs2] = d.sync();
  d.time += MIN;
  d.setTemplate(img('1.2'), 'helm');
  const [rs3] = d.sync();
  h.now = d.time;
  h.apply([{ type: 'MODIFIED', record: d.w }, rs3!]);
  assert.deepEqual(h.table().length, 1, 'revision 3 waits for the missing revision 2');
  h.apply([rs2!]);
  assert.deepEqual(h.table(), [
    '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
    '#2 rev2 image nginx:1.1 by unknown → superseded [backfilled]',
    '#3 rev3 image nginx:1.2 by helm → progressing',
  ]);
});

test('relist after a gap whose skipped revision is gone for good: the newer one starts on the next tick after ACTIVATION_WAIT_MS', () => {
  const { d, a } = history();
  const h = new Harness({ now: d.time });
  h.apply(a);
  d.setTemplate(img('1.1'), 'kubectl-set');
  d.sync(); // revision 2: cleaned up before the relist, never seen
  d.time += MIN;
  d.setTemplate(img('1.2'), 'helm');
  const [rs3] = d.sync();
  h.now = d.time;
  h.apply([{ type: 'MODIFIED', record: d.w }, rs3!]);
  h.apply([{ type: 'tick' }], 500);
  assert.equal(h.table().length, 1, 'a tick before ACTIVATION_WAIT_MS still waits');
  h.apply([{ type: 'tick' }], 2_000);
  assert.deepEqual(h.table().slice(1), ['#2 rev3 image nginx:1.2 by helm → progressing']);
});

test('a relist delivering the new ReplicaSet (and its pods) before the Deployment update: same release, same id as in order', () => {
  const { d, a } = history();
  const write = d.setTemplate(img('1.1'), 'kubectl-set');
  const [rs, ...syncRest] = d.sync();
  const pods = d.pods(1, { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } });
  const inOrder = new Harness({ now: d.time });
  inOrder.apply([...a, ...write, rs!, ...syncRest, ...pods]);
  const reordered = new Harness({ now: d.time });
  reordered.apply(a);
  // The Deployment watch relists late: the ReplicaSet and its pod come first.
  reordered.apply([rs!, ...pods]);
  assert.equal(reordered.table().length, 1, 'the release waits for the workload update that names its author');
  reordered.apply([...syncRest]);
  assert.deepEqual(reordered.table(), inOrder.table());
  assert.deepEqual(identity(reordered.ledger().at(-1)), identity(inOrder.ledger().at(-1)));
  assert.equal(reordered.ledger().at(-1)?.failure?.code, inOrder.ledger().at(-1)?.failure?.code, 'the held pod was replayed');
});

// The restart-equality end-to-end test once failed with releases #4 (image, by kubectl-set) and #5
// (its rollback, by kubectl) recorded as `unknown`: the tracker was killed before it saw the image
// write and came back after the rollback. This is that situation, deterministically: nothing left on
// the cluster names either author, so the tracker must not guess. The end-to-end chaos therefore
// never kills between a write and the tracker recording it (test/e2e/fixtures/chaos.ts).
test('restart after a missed image write and its rollback: neither author is provable, both stay unknown', () => {
  const { d, a } = history();
  const before = new Harness({ now: d.time });
  before.apply(a);
  d.setTemplate(img('1.1'), 'kubectl-set');
  rollOut(d);
  d.time += MIN;
  d.setTemplate(img('1.0'), 'kubectl');
  d.sync();
  d.complete();
  const restarted = new Harness({ seed: before.ledger(), now: d.time + MIN });
  restarted.apply(d.relist());
  assert.deepEqual(restarted.table().slice(1), [
    '#2 rev2 image nginx:1.1 by unknown → rolled-back [backfilled]',
    '#3 rev3 rollback nginx:1.0 by unknown → succeeded [backfilled]',
  ]);
});

// What the chaos still does: kill while a Deployment is paused with edits the tracker has seen but
// Kubernetes has not activated. The restarted tracker finds the edited template unactivated on its
// first list and takes its newest template writer as the author, as the live tracker did.
test('restart while paused with unactivated edits: the release the resume starts keeps its author and id', () => {
  const { d, a } = history();
  const paused = [...d.pause(true), ...d.sync(), ...d.setTemplate(img('1.1'), 'kubectl-set'), ...d.sync()];
  d.time += 10 * MIN;
  const before = new Harness({ now: d.time });
  before.apply([...a, ...paused]);
  const restarted = new Harness({ seed: before.ledger(), now: d.time });
  restarted.apply(d.relist());
  const resume = [...d.pause(false), ...rollOut(d)];
  restarted.apply(resume);
  const uninterrupted = new Harness({ now: d.time });
  uninterrupted.apply([...a, ...paused, ...resume]);
  assert.equal(restarted.table().at(-1), '#2 rev2 image nginx:1.1 by kubectl-set → succeeded');
  assert.deepEqual(identity(restarted.ledger().at(-1)), identity(uninterrupted.ledger().at(-1)));
});
