// Rollbacks name the release they return to; re-applying a template that failed is not a rollback
// (its old ReplicaSet is re-promoted all the same), and the good release it replaces is superseded,
// not rolled back. A tracker restarted from its ledger decides the same as one that kept watching.
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

/** failing: the controller activates the template and its pod cannot pull the image. */
function failing(d: FakeWorkload, tag: string): TrackerDelta[] {
  return [...d.setTemplate(img(tag), 'kubectl-set'), ...d.sync(), ...d.pods(1, { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "nginx:${tag}"` } })];
}

const withTarget = (rs: readonly Release[]) => rs.map((r) => `#${r.releaseNumber} ${r.trigger}${r.rollbackTo === undefined ? '' : ` to #${r.rollbackTo}`} → ${r.outcome}`);

test('re-applying a failed template is an image change, and the good release it replaces is not marked rolled-back', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)]);
  h.apply(failing(d, 'missing'));
  // Back to the good template: a rollback to #1, which undoes the failed #2 (it stays failed).
  h.apply([...d.setTemplate(img('1.0'), 'kubectl-rollout'), ...rollOut(d)]);
  // The failed template again (the demo does this every round): Kubernetes re-promotes its
  // ReplicaSet, but that is not a return to a good state.
  h.apply(failing(d, 'missing'));
  assert.ok(d.currentRevisionNumber() === 4, 'the old ReplicaSet was re-promoted as revision 4');
  assert.deepEqual(withTarget(h.ledger()), ['#1 create → succeeded', '#2 image → failed', '#3 rollback to #1 → succeeded', '#4 image → failed']);
});

test('a rollback names the latest release of the template that did not fail', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)]);
  h.apply([...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)]);
  h.apply([...d.setTemplate(img('1.0'), 'kubectl-rollout'), ...rollOut(d)]);
  h.apply([...d.setTemplate(img('1.1'), 'kubectl-rollout'), ...rollOut(d)]);
  assert.deepEqual(withTarget(h.ledger()), ['#1 create → succeeded', '#2 image → rolled-back', '#3 rollback to #1 → rolled-back', '#4 rollback to #2 → succeeded']);
});

test('a release that fails after it succeeded (within its settle window) is no rollback target', () => {
  const h = new Harness();
  const d = new FakeWorkload();
  h.apply([{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)]);
  h.apply([...d.setTemplate(img('1.1'), 'kubectl-set'), ...rollOut(d)]);
  assert.equal(h.ledger().at(-1)?.outcome, 'succeeded');
  // Its new pod crashes seconds after Kubernetes called the rollout complete.
  h.apply(d.pods(1, { waiting: { reason: 'CrashLoopBackOff' }, restarts: 3, lastExit: 1 }));
  assert.equal(h.ledger().at(-1)?.outcome, 'failed');
  h.apply([...d.setTemplate(img('1.0'), 'kubectl-rollout'), ...rollOut(d)]);
  h.apply(failing(d, '1.1'));
  assert.deepEqual(withTarget(h.ledger()), ['#1 create → succeeded', '#2 image → failed', '#3 rollback to #1 → succeeded', '#4 image → failed']);
});

for (const row of [
  { name: 'going back to a good template is a rollback', tag: '1.1', want: ['#3 image → rolled-back', '#4 rollback to #2'] },
  { name: 'going back to a failed template is not', tag: 'missing', want: ['#3 image → succeeded', '#4 image'] },
] as const) {
  test(`after a tracker restart: ${row.name}, as for a tracker that kept watching`, () => {
    const d = new FakeWorkload();
    const a: TrackerDelta[] = [{ type: 'synced' }, ...d.create(img('1.0')), ...rollOut(d)];
    a.push(...(row.tag === 'missing' ? failing(d, row.tag) : [...d.setTemplate(img(row.tag), 'kubectl-set'), ...rollOut(d)]));
    a.push(...d.setTemplate(img('1.2'), 'kubectl-set'), ...rollOut(d));
    d.time += 10 * MIN;
    // While the restarted tracker is down, the workload goes back to #2's template.
    const b = [...d.setTemplate(img(row.tag), 'kubectl-rollout'), ...d.sync()];
    const uninterrupted = new Harness({ now: d.time });
    uninterrupted.apply([...a, ...b]);
    const before = new Harness({ now: d.time });
    before.apply(a);
    const restarted = new Harness({ seed: before.ledger(), now: d.time + MIN });
    restarted.apply(d.relist());
    // The outcome of #3 and the trigger and target of #4 (its own outcome needs pods neither saw).
    const decided = (h: Harness) => {
      const [r3, r4] = h.ledger().slice(-2).map((r) => withTarget([r])[0]!);
      return [r3, r4?.replace(/ → .*$/, '')];
    };
    assert.deepEqual(decided(uninterrupted), row.want);
    assert.deepEqual(decided(restarted), row.want);
  });
}
