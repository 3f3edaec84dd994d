import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_SUBJECT_KINDS } from '../../track/release/on-pod-event.ts';
import { TRACKED_KINDS } from '../../kube/resources.ts';
import { IGNORED_EVENT_SUBJECTS, TRACKER_FIELD_SELECTORS } from './watch-set.ts';

test('the Event selector never filters out a kind whose Events the tracker reads', () => {
  for (const kind of IGNORED_EVENT_SUBJECTS) assert.ok(!EVENT_SUBJECT_KINDS.has(kind), `${kind} is read by the tracker`);
  for (const kind of TRACKED_KINDS) if (kind !== 'Event') assert.ok(!IGNORED_EVENT_SUBJECTS.includes(kind), `${kind} is tracked`);
  assert.ok(EVENT_SUBJECT_KINDS.has('Pod') && EVENT_SUBJECT_KINDS.has('ReplicaSet') && EVENT_SUBJECT_KINDS.has('Deployment'));
});

test('the Event selector is a conjunction of involvedObject.kind!= clauses, one per ignored kind', () => {
  const clauses = (TRACKER_FIELD_SELECTORS.Event ?? '').split(',');
  assert.deepEqual(clauses, IGNORED_EVENT_SUBJECTS.map((k) => `involvedObject.kind!=${k}`));
  assert.deepEqual(Object.keys(TRACKER_FIELD_SELECTORS), ['Event']);
});
