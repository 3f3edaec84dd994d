import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectManagers } from './managed-fields.ts';

const rows: readonly { name: string; fieldsV1: unknown; template: boolean; replicas: boolean }[] = [
  { name: 'image edit', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': {} } } }, template: true, replicas: false },
  { name: 'kubectl scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, template: false, replicas: true },
  { name: 'apply of both', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': {} } }, template: true, replicas: true },
  { name: 'status writer', fieldsV1: { 'f:status': { 'f:replicas': {} } }, template: false, replicas: false },
  { name: 'annotation only', fieldsV1: { 'f:metadata': { 'f:annotations': {} } }, template: false, replicas: false },
  { name: 'no fieldsV1', fieldsV1: undefined, template: false, replicas: false },
  { name: 'fieldsV1 not an object', fieldsV1: 'f:spec', template: false, replicas: false },
];
for (const row of rows) {
  test(`managedFields: ${row.name}`, () => {
    const r = projectManagers({ managedFields: [{ manager: 'm', operation: 'Update', fieldsV1: row.fieldsV1 }] });
    assert.ok(r.ok);
    assert.equal(r.value[0]?.touchesTemplate, row.template);
    assert.equal(r.value[0]?.touchesReplicas, row.replicas);
  });
}

test('managedFields: absent → no managers; mistyped → error with the path', () => {
  assert.deepEqual(projectManagers({}), { ok: true, value: [] });
  assert.deepEqual(projectManagers({ managedFields: [{ manager: 3 }] }), { ok: false, error: 'metadata.managedFields[0].manager is number, expected string' });
});
