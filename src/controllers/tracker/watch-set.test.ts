import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVENT_SUBJECT_KINDS } from '../../track/release/on-pod-event.ts';
import { TRACKED_KINDS } from '../../kube/resources.ts';
import type { PodTemplateRecord } from '../../model/records.ts';
import { projectTemplate } from '../../model/template.ts';
import { IGNORED_EVENT_SUBJECTS, JOB_POD_LABELS, TRACKER_FIELD_SELECTORS, TRACKER_LABEL_SELECTORS, templateJobPodLabels } from './watch-set.ts';

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

test('the Pod selector leaves out both Job uid labels with DoesNotExist clauses, and selects nothing else', () => {
  assert.deepEqual(Object.keys(TRACKER_LABEL_SELECTORS), ['Pod']);
  assert.equal(TRACKER_LABEL_SELECTORS.Pod, '!batch.kubernetes.io/controller-uid,!controller-uid');
  assert.deepEqual(JOB_POD_LABELS, ['batch.kubernetes.io/controller-uid', 'controller-uid']);
});

function template(labels: Record<string, string>): { template: PodTemplateRecord } {
  const t = projectTemplate({ metadata: { labels }, spec: { containers: [{ name: 'app', image: 'web:1', env: [{ name: 'X', value: 'controller-uid' }] }] } }, 'spec.template');
  assert.ok(t.ok);
  return { template: t.value };
}

test('templateJobPodLabels names the Job pod labels a workload template carries, and only labels', () => {
  assert.deepEqual(templateJobPodLabels(template({ app: 'web' })), []);
  assert.deepEqual(templateJobPodLabels(template({ app: 'web', 'controller-uid': 'x' })), ['controller-uid']);
  assert.deepEqual(templateJobPodLabels(template({ 'batch.kubernetes.io/controller-uid': 'x', 'controller-uid': 'x', 'job-name': 'n' })), ['batch.kubernetes.io/controller-uid', 'controller-uid']);
  // the name elsewhere in the template (an env value is redacted; an annotation, a container name) is not a label
  const t = projectTemplate({ metadata: { labels: { app: 'web' }, annotations: { 'controller-uid': 'x' } }, spec: { containers: [{ name: 'controller-uid', image: 'web:1' }] } }, 'spec.template');
  assert.ok(t.ok);
  assert.deepEqual(templateJobPodLabels({ template: t.value }), []);
  assert.deepEqual(templateJobPodLabels(template({ 'example.com/controller-uid': 'x', 'job-name': 'n' })), [], 'other keys are selected by the Pod watch');
});
