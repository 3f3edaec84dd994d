import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRolloutState } from '../rollout/state.ts';
import { advance } from '../rollout/machine.ts';
import { buildRelease, type ReleaseDraft } from './build.ts';
import { T0, template } from './testing/builders.ts';

const ref = { cluster: 'c', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web' } as const;
const draft = (changeCause: string | null, image = 'web:2'): ReleaseDraft => ({
  workload: ref,
  releaseNumber: 2,
  revision: 2,
  template: template({ images: { app: image } }),
  trigger: 'image',
  actor: { manager: 'rollscope' },
  changeCause,
  previousReleaseId: null,
  startedAt: T0,
  phases: { templateObserved: T0 },
  outcome: 'progressing',
  backfilled: false,
});

test('a canary promotion is a release with trigger canary-promote; a stale promotion cause on other images is not', () => {
  assert.equal(buildRelease(draft('canary-promote 01C: app=web:2')).trigger, 'canary-promote');
  assert.equal(buildRelease(draft('canary-promote 01C: app=web:2', 'web:3')).trigger, 'image');
  assert.equal(buildRelease(draft('by hand')).trigger, 'image');
});

test('a promotion cause learned after the release was built makes it a canary-promote release', () => {
  const r = buildRelease(draft(null));
  const t = advance(newRolloutState(r, { revisionUid: 'rs-2', revisionName: 'web-def', podHash: 'def' }), { kind: 'actorObserved', actor: { manager: 'rollscope' }, changeCause: 'canary-promote 01C: app=web:2', observedAt: T0 + 1 }, T0 + 2);
  assert.deepEqual([t.state.release.trigger, t.state.release.changeCause], ['canary-promote', 'canary-promote 01C: app=web:2']);
});
