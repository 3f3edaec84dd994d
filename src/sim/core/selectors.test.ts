import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSimApiError } from './api-error.ts';
import { compileFieldSelector, labelSelectorFromSpec, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';

const labels = { app: 'web', tier: 'front', 'example.com/track': 'stable', version: '3' };

const labelRows: readonly { selector: string; matches: boolean }[] = [
  { selector: '', matches: true },
  { selector: 'app=web', matches: true },
  { selector: 'app==web', matches: true },
  { selector: 'app!=web', matches: false },
  { selector: 'missing!=x', matches: true },
  { selector: 'app=web,tier=back', matches: false },
  { selector: 'tier in (front, back)', matches: true },
  { selector: 'tier notin (front)', matches: false },
  { selector: 'missing notin (x)', matches: true },
  { selector: 'missing in (x)', matches: false },
  { selector: 'example.com/track', matches: true },
  { selector: '!example.com/track', matches: false },
  { selector: '!canary', matches: true },
  { selector: 'version>2', matches: true },
  { selector: 'version<3', matches: false },
  { selector: 'app=web,tier in (front),!canary', matches: true },
];
for (const row of labelRows) {
  test(`label selector ${JSON.stringify(row.selector)} → ${row.matches}`, () => {
    assert.equal(matchesLabels(parseLabelSelector(row.selector), labels), row.matches);
  });
}

test('a malformed label selector is a 400 Status', () => {
  assert.throws(() => parseLabelSelector('app=we b'), (e) => isSimApiError(e) && e.status.code === 400);
  assert.throws(() => parseLabelSelector('-bad=x'), (e) => isSimApiError(e) && e.status.code === 400);
  for (const bad of ['Example.com/track', 'a/b/c', `${'n'.repeat(64)}`, '!', 'app=web,', '!controller-uid=x', '/name'])
    assert.throws(() => parseLabelSelector(bad), (e) => isSimApiError(e) && e.status.code === 400, bad);
  assert.deepEqual(parseLabelSelector(`! batch.kubernetes.io/controller-uid, ${'n'.repeat(63)}`), [{ op: 'notexists', key: 'batch.kubernetes.io/controller-uid' }, { op: 'exists', key: 'n'.repeat(63) }]);
});

const pod = { metadata: { name: 'p', namespace: 'shop' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
const event = { metadata: { name: 'e', namespace: 'shop' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop', uid: 'u1' }, reason: 'Pulled', type: 'Normal', source: { component: 'kubelet' } };
const fieldRows: readonly { resource: string; obj: typeof pod | typeof event; selector: string; matches: boolean }[] = [
  { resource: 'pods', obj: pod, selector: 'metadata.name=p', matches: true },
  { resource: 'pods', obj: pod, selector: 'metadata.namespace!=shop', matches: false },
  { resource: 'pods', obj: pod, selector: 'spec.nodeName=n1,status.phase=Running', matches: true },
  { resource: 'pods', obj: pod, selector: 'status.phase!=Running', matches: false },
  { resource: 'pods', obj: pod, selector: 'spec.nodeName=', matches: false },
  { resource: 'events', obj: event, selector: 'involvedObject.kind=Pod,involvedObject.name=p,involvedObject.uid=u1', matches: true },
  { resource: 'events', obj: event, selector: 'reason=Pulled,type=Normal,source=kubelet', matches: true },
  { resource: 'events', obj: event, selector: 'involvedObject.namespace==other', matches: false },
];
for (const row of fieldRows) {
  test(`field selector ${row.resource} ${row.selector} → ${row.matches}`, () => {
    assert.equal(compileFieldSelector(row.resource, parseFieldSelector(row.selector))(row.obj), row.matches);
  });
}

test('an unsupported field label is 400 field label not supported', () => {
  assert.throws(() => compileFieldSelector('deployments.apps', parseFieldSelector('spec.replicas=1')), (e) => isSimApiError(e) && e.status.message === 'field label not supported: spec.replicas');
});

test('labelSelectorFromSpec converts matchLabels and matchExpressions', () => {
  const sel = labelSelectorFromSpec({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }, { key: 'canary', operator: 'DoesNotExist' }] });
  assert.equal(matchesLabels(sel, labels), true);
  assert.equal(matchesLabels(sel, { app: 'web', tier: 'front', canary: 'x' }), false);
});
