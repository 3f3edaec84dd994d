import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployment } from '../track/status/testing/fixtures.ts';
import { rfc3339 } from '../lib/timestamps.ts';
import { parseImageAssignments, restartPatch, setImagePatch } from './patches.ts';

const web = deployment({
  spec: { template: { metadata: { labels: { app: 'web' } }, spec: { initContainers: [{ name: 'migrate', image: 'web:1' }], containers: [{ name: 'web', image: 'web:1' }, { name: 'proxy', image: 'envoy:1' }] } } },
});

const PARSE_ROWS: readonly { readonly name: string; readonly args: readonly string[]; readonly want: readonly { container: string; image: string }[] | RegExp }[] = [
  { name: 'one pair', args: ['web=web:2'], want: [{ container: 'web', image: 'web:2' }] },
  { name: 'image with registry port and digest', args: ['web=reg.local:5000/web@sha256:abc'], want: [{ container: 'web', image: 'reg.local:5000/web@sha256:abc' }] },
  { name: 'every container', args: ['*=web:2'], want: [{ container: '*', image: 'web:2' }] },
  { name: 'no pairs', args: [], want: /needs at least one CONTAINER=IMAGE/ },
  { name: 'no =', args: ['web'], want: /cannot read "web" as CONTAINER=IMAGE/ },
  { name: 'empty container', args: ['=web:2'], want: /cannot read "=web:2"/ },
  { name: 'empty image', args: ['web='], want: /cannot read "web="/ },
];
for (const row of PARSE_ROWS)
  test(`parseImageAssignments: ${row.name}`, () => {
    const r = parseImageAssignments(row.args);
    if (row.want instanceof RegExp) {
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'USAGE');
        assert.match(r.error.message, row.want);
        assert.ok(r.error.details.hint);
      }
    } else assert.deepEqual(r, { ok: true, value: row.want });
  });

const PATCH_ROWS: readonly { readonly name: string; readonly set: readonly { container: string; image: string }[]; readonly cause?: string; readonly patch: unknown; readonly changed: boolean }[] = [
  { name: 'one container', set: [{ container: 'web', image: 'web:2' }], patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } }, changed: true },
  { name: 'an init container goes in initContainers', set: [{ container: 'migrate', image: 'web:2' }], patch: { spec: { template: { spec: { initContainers: [{ name: 'migrate', image: 'web:2' }] } } } }, changed: true },
  {
    name: '* sets every container that differs',
    set: [{ container: '*', image: 'web:1' }],
    patch: { spec: { template: { spec: { containers: [{ name: 'proxy', image: 'web:1' }] } } } },
    changed: true,
  },
  { name: 'already that image: nothing to change', set: [{ container: 'web', image: 'web:1' }], patch: {}, changed: false },
  {
    name: 'change cause goes on the workload',
    set: [{ container: 'web', image: 'web:2' }],
    cause: 'release 2',
    patch: { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } }, metadata: { annotations: { 'kubernetes.io/change-cause': 'release 2' } } },
    changed: true,
  },
];
for (const row of PATCH_ROWS)
  test(`setImagePatch: ${row.name}`, () => {
    const r = setImagePatch(web, 'deployment shop/web', row.set, row.cause);
    assert.deepEqual(r, { ok: true, value: { patch: row.patch, changed: row.changed } });
  });

test('setImagePatch: an unknown container names the ones that exist', () => {
  const r = setImagePatch(web, 'deployment shop/web', [{ container: 'app', image: 'x:1' }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'INVALID');
  assert.equal(r.error.message, 'deployment shop/web has no container named "app"');
  assert.match(r.error.details.hint ?? '', /^containers: migrate \(init\), web, proxy;/);
});

test('restartPatch sets restartedAt in RFC 3339 with seconds, UTC', () => {
  assert.deepEqual(restartPatch(Date.parse('2024-05-01T10:00:00.987Z')), {
    spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T10:00:00Z' } } } },
  });
  assert.equal(rfc3339(0), '1970-01-01T00:00:00Z');
});
