// Property: watches of different kinds deliver in any relative order (each kind keeps its own
// order). Whatever the interleaving within each step of a day, the tracker records the same
// releases, and replaying everything afterwards adds no fact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FakeWorkload } from './release/testing/fake-workload.ts';
import { Harness } from './release/testing/harness.ts';
import type { TrackerDelta } from './tracker.ts';

const img = (tag: string) => ({ images: { app: `nginx:${tag}` } });

function day(): TrackerDelta[][] {
  const d = new FakeWorkload();
  const roll = (): TrackerDelta[] => [...d.sync(), ...d.pods(2, { ready: true, imageID: 'nginx@sha256:1' }), ...d.complete()];
  return [
    [...d.create(img('1.0')), ...roll()],
    [...d.scale(5), ...d.sync()],
    [...d.setTemplate(img('1.1'), 'kubectl-set'), ...roll()],
    [...d.setTemplate({ ...img('1.1'), annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } }, 'kubectl-rollout'), ...roll()],
    [...d.setTemplate(img('1.1'), 'kubectl-rollout'), ...roll()],
    [...d.setTemplate(img('missing'), 'helm'), ...d.sync(), ...d.pods(1, { waiting: { reason: 'ErrImagePull' } })],
  ];
}

const streamOf = (x: TrackerDelta): string => ('record' in x ? x.record.kind : x.type);

/** interleave merges the per-kind streams of a step, picking the next kind by `picks`. */
function interleave(step: readonly TrackerDelta[], picks: readonly number[]): TrackerDelta[] {
  const streams = new Map<string, TrackerDelta[]>();
  for (const x of step) streams.set(streamOf(x), [...(streams.get(streamOf(x)) ?? []), x]);
  const queues = [...streams.values()];
  const out: TrackerDelta[] = [];
  let i = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    out.push(live[(picks[i++ % Math.max(1, picks.length)] ?? 0) % live.length]!.shift()!);
  }
  return out;
}

const steps = day();
const expected = (() => {
  const h = new Harness();
  h.apply([{ type: 'synced' }, ...steps.flat()]);
  return { table: h.table(), events: h.events.map((e) => e.type) };
})();

test('any interleaving of watch streams within each step gives the same releases', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(5), { minLength: 1, maxLength: 40 }), (picks) => {
      const h = new Harness();
      const shuffled = steps.flatMap((s) => interleave(s, picks));
      h.apply([{ type: 'synced' }, ...shuffled]);
      assert.deepEqual(h.table(), expected.table);
      assert.deepEqual(h.events.map((e) => e.type), expected.events);
      assert.deepEqual(h.apply(shuffled), [], 'a replay adds nothing');
      assert.equal(h.state.heldCount, 0, 'nothing left waiting');
    }),
    { numRuns: 60 },
  );
});

test('the expected day has the releases one would write down by hand', () => {
  assert.deepEqual(expected.table, [
    '#1 rev1 create nginx:1.0 by kubectl-create → succeeded',
    '#2 rev2 image nginx:1.1 by kubectl-set → succeeded',
    '#3 rev3 restart nginx:1.1 by kubectl-rollout → rolled-back',
    '#4 rev4 rollback nginx:1.1 by kubectl-rollout → succeeded',
    '#5 rev5 image nginx:missing by helm → failed (ImagePullFailed)',
  ]);
  assert.deepEqual(expected.events, ['scale']);
});
