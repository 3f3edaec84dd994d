// How the simulated API server picks a response's encoding from the Accept header, as
// kube-apiserver's negotiation does (k8s.io/apiserver pkg/endpoints/handlers/negotiation).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceInfo } from '../resources.ts';
import { negotiate, withoutManagedFields } from './negotiate.ts';

const PB = 'application/vnd.kubernetes.protobuf';
const DROP = 'drop=metadata.managedFields';
const info = (key: string): NonNullable<ReturnType<typeof resourceInfo>> => {
  const i = resourceInfo(key);
  assert.ok(i, key);
  return i;
};
const pods = info('pods');
const configMaps = info('configmaps');

const rows: readonly { accept: string | undefined; gate: boolean; want: string }[] = [
  { accept: undefined, gate: true, want: 'json' },
  { accept: `${PB}, application/json`, gate: false, want: 'protobuf' },
  { accept: `${PB};foo=bar, application/json`, gate: false, want: 'protobuf' }, // unrecognised parameters are ignored
  { accept: `${PB};${DROP}, application/json;${DROP}`, gate: false, want: 'protobuf' }, // ignored without the gate
  { accept: `${PB};${DROP}, application/json;${DROP}`, gate: true, want: 'protobuf drop' },
  { accept: `application/json;${DROP}`, gate: true, want: 'json drop' },
  { accept: `application/json;drop=metadata.annotations+metadata.managedFields`, gate: true, want: 'json drop' },
  { accept: `application/json;drop=metadata.annotations`, gate: true, want: 'json' }, // unknown targets are ignored
  { accept: `application/json, ${PB};${DROP}`, gate: true, want: 'json' }, // the picked range's parameters count
  { accept: `application/json;q=0.5, ${PB};q=0.9;${DROP}`, gate: true, want: 'protobuf drop' },
  { accept: `${PB};as=Table;g=meta.k8s.io;v=v1, application/json`, gate: false, want: 'json' }, // a conversion is not served as protobuf here
  { accept: `*/*;${DROP}`, gate: true, want: 'json drop' },
];
for (const r of rows)
  test(`Accept ${r.accept ?? '(none)'}, ManagedFieldsOptOut=${r.gate} → ${r.want}`, () => {
    const got = negotiate(r.accept, pods, r.gate);
    assert.equal(`${got.format}${got.dropManagedFields ? ' drop' : ''}`, r.want);
  });

test('a kind without a protobuf schema is answered as JSON, dropping as asked', () => {
  assert.deepEqual(negotiate(`${PB};${DROP}, application/json;${DROP}`, configMaps, true), { format: 'json', dropManagedFields: true });
});

test('withoutManagedFields removes only metadata.managedFields, keeping key order, and shares objects without them', () => {
  const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', managedFields: [{ manager: 'kubelet' }], uid: 'u' }, spec: {} };
  assert.equal(JSON.stringify(withoutManagedFields(o)), '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","uid":"u"},"spec":{}}');
  assert.deepEqual(o.metadata.managedFields, [{ manager: 'kubelet' }], 'the stored object is not changed');
  const plain = { metadata: { name: 'b' } };
  assert.equal(withoutManagedFields(plain), plain);
});
