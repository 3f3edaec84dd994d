import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadObject, withPath } from '../../test/support/object-fixtures.ts';
import { projectTemplate, REDACTED, redactedTemplate } from './template.ts';

const deployment = loadObject('deployment/web.yaml') as { spec: { template: unknown } };
const replicaSet = loadObject('replicaset/web-7d4b9c8f6d.yaml') as { spec: { template: unknown } };
const revision = loadObject('controllerrevision/agent-5f7d8c9b4.yaml') as { data: { spec: { template: unknown } } };
const daemonSet = loadObject('daemonset/agent.yaml') as { spec: { template: unknown } };

const project = (t: unknown) => {
  const r = projectTemplate(t, 'spec.template');
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

test('every env value is redacted; valueFrom references are kept', () => {
  const t = project(deployment.spec.template);
  const text = t.redactedJson;
  assert.ok(!text.includes('hunter2') && !text.includes('admin:secret'), text);
  const web = (redactedTemplate(t) as { spec: { containers: { env: unknown[] }[] } }).spec.containers[0]!;
  assert.deepEqual(web.env[0], { name: 'DB_PASSWORD', value: REDACTED });
  assert.deepEqual(web.env[1], { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'web-secrets', key: 'token' } } });
  const init = (redactedTemplate(t) as { spec: { initContainers: { env: unknown[] }[] } }).spec.initContainers[0]!;
  assert.deepEqual(init.env[0], { name: 'DATABASE_URL', value: REDACTED });
});

test('the wire template is not modified', () => {
  const before = JSON.stringify(deployment.spec.template);
  project(deployment.spec.template);
  assert.equal(JSON.stringify(deployment.spec.template), before);
});

test('containers, init containers and config references', () => {
  const t = project(deployment.spec.template);
  assert.deepEqual(t.containers, [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2' }]);
  assert.deepEqual(t.initContainers, [{ name: 'migrate', image: 'registry.example.com/shop/migrate:7' }]);
  assert.deepEqual(t.configRefs, [
    { kind: 'ConfigMap', name: 'ca-bundle', optional: true },
    { kind: 'ConfigMap', name: 'web-config', optional: false }, // optional in env, required in envFrom
    { kind: 'Secret', name: 'web-secrets', optional: false },
    { kind: 'Secret', name: 'web-tls', optional: false },
  ]);
});

const rows: readonly { name: string; a: unknown; b: unknown; equal: boolean }[] = [
  { name: 'a Deployment and its ReplicaSet (pod-template-hash ignored)', a: deployment.spec.template, b: replicaSet.spec.template, equal: true },
  { name: 'a DaemonSet and its ControllerRevision ($patch ignored)', a: daemonSet.spec.template, b: revision.data.spec.template, equal: true },
  { name: 'key order does not matter', a: { spec: { containers: [{ name: 'a', image: 'x' }] }, metadata: {} }, b: { metadata: {}, spec: { containers: [{ image: 'x', name: 'a' }] } }, equal: true },
  { name: 'different env values are the same after redaction', a: withPath(deployment.spec.template, 'spec.containers', [{ name: 'w', env: [{ name: 'A', value: '1' }] }]), b: withPath(deployment.spec.template, 'spec.containers', [{ name: 'w', env: [{ name: 'A', value: '2' }] }]), equal: true },
  { name: 'an image change differs', a: deployment.spec.template, b: withPath(deployment.spec.template, 'spec.containers', [{ name: 'web', image: 'registry.example.com/shop/web:1.4.3' }]), equal: false },
  { name: 'a restartedAt annotation differs', a: deployment.spec.template, b: withPath(deployment.spec.template, 'metadata.annotations', { 'kubectl.kubernetes.io/restartedAt': '2024-05-03T12:00:00Z' }), equal: false },
  { name: 'a template label differs', a: deployment.spec.template, b: withPath(deployment.spec.template, 'metadata.labels', { app: 'web', track: 'canary' }), equal: false },
];
for (const row of rows) {
  test(`fingerprint: ${row.name} → ${row.equal ? 'equal' : 'different'}`, () => {
    assert.equal(project(row.a).fingerprint === project(row.b).fingerprint, row.equal);
  });
}

test('fingerprint is 16 hex digits', () => {
  assert.match(project(deployment.spec.template).fingerprint, /^[0-9a-f]{16}$/);
});

test('errors name the field path', () => {
  const r = projectTemplate({ spec: { initContainers: [null] } }, 'data.spec.template');
  assert.deepEqual(r, { ok: false, error: 'data.spec.template.spec.initContainers[0] is null, expected object' });
});

test('equal templates share one record (a Deployment and its current ReplicaSet)', () => {
  assert.equal(project(deployment.spec.template), project(replicaSet.spec.template));
  assert.notEqual(project(deployment.spec.template), project(withPath(deployment.spec.template, 'metadata.labels', { app: 'other' })));
});

test('secret-looking args and command values are redacted before the template is stored', () => {
  const r = projectTemplate(
    { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1', command: ['app', '--db-password', 'p4ss'], args: ['--token=abc', '--dsn=postgres://u:pw@db/x?password=pw2', '--port=80'] }] } },
    'spec.template',
  );
  assert.ok(r.ok);
  const stored = r.value.redactedJson;
  for (const secret of ['p4ss', 'abc', ':pw@', 'pw2']) assert.ok(!stored.includes(secret), `${secret} in ${stored}`);
  const c = (redactedTemplate(r.value) as { spec: { containers: { args: string[]; command: string[] }[] } }).spec.containers[0]!;
  assert.deepEqual(c.command, ['app', '--db-password', REDACTED]);
  assert.deepEqual(c.args, ['--token=' + REDACTED, `--dsn=postgres://u:${REDACTED}@db/x?password=${REDACTED}`, '--port=80']);
});
