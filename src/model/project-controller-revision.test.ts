import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObject, withPath } from '../../test/support/object-fixtures.ts';
import { projectControllerRevision } from './project-controller-revision.ts';
import { projectWorkload } from './project-workload.ts';

const cr = loadObject('controllerrevision/agent-5f7d8c9b4.yaml');

test('ControllerRevision: revision, owner and the template from data.spec.template', () => {
  const r = projectControllerRevision(cr);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(r.value.revision, 4);
  assert.deepEqual(r.value.owner, { kind: 'DaemonSet', name: 'agent', uid: '22222222-3333-4444-8555-666666666666' });
  assert.deepEqual(r.value.template?.containers, [{ name: 'agent', image: 'registry.example.com/agent:2.1.0' }]);
  const ds = projectWorkload(loadObject('daemonset/agent.yaml'), 'DaemonSet');
  assert.ok(ds.ok);
  assert.equal(r.value.template?.fingerprint, ds.value.template.fingerprint);
});

const rows: readonly { name: string; obj: unknown; error?: RegExp; template?: null }[] = [
  { name: 'no data → template null', obj: withPath(cr, 'data', undefined), template: null },
  { name: 'data without spec.template → template null', obj: withPath(cr, 'data', { spec: {} }), template: null },
  { name: 'revision missing', obj: withPath(cr, 'revision', undefined), error: /^ControllerRevision monitoring\/agent-5f7d8c9b4: revision is undefined/ },
  { name: 'revision a string', obj: withPath(cr, 'revision', '4'), error: /revision is string "4", expected a non-negative integer/ },
  { name: 'data an array', obj: withPath(cr, 'data', []), error: /data is array, expected object/ },
  { name: 'template containers a string', obj: withPath(cr, 'data.spec.template.spec.containers', 'agent'), error: /data.spec.template.spec.containers is string, expected array/ },
];
for (const row of rows) {
  test(`ControllerRevision: ${row.name}`, () => {
    const r = projectControllerRevision(row.obj);
    if (row.error) {
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, row.error);
    } else {
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.value.template, null);
    }
  });
}
