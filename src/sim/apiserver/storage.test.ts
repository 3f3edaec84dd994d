import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { isSimApiError } from '../core/api-error.ts';
import { ManualClock } from '../core/clock.ts';
import { fromFieldsV1 } from './managed-fields.ts';
import { createSimStorage, type SimStorage } from './storage.ts';
import type { StoredChange } from '../core/store-api.ts';

function seeded(seed = 1): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function newStore(): { store: SimStorage; clock: ManualClock } {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  return { store: createSimStorage(clock, { random: seeded() }), clock };
}

function deployment(name: string, image = 'web:1', labels: Record<string, string> = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

function setImage(d: KubeObject, image: string): KubeObject {
  const spec = d['spec'] as { template: { metadata: unknown; spec: { containers: Record<string, unknown>[] } } };
  const containers = spec.template.spec.containers.map((c) => ({ ...c, image }));
  return { ...d, spec: { ...spec, template: { ...spec.template, spec: { ...spec.template.spec, containers } } } };
}

function statusOf(e: unknown): { code: number; reason?: string; message?: string; details?: unknown } {
  assert.ok(isSimApiError(e), `expected SimApiError, got ${String(e)}`);
  return e.status;
}

describe('SimStorage create', () => {
  test('assigns uid, creationTimestamp, resourceVersion, generation, kind, defaults and empty status', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', deployment('web'));
    assert.match(d.metadata.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(d.metadata.creationTimestamp, '2026-01-01T00:00:00Z');
    assert.equal(d.metadata.resourceVersion, store.currentResourceVersion());
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.kind, 'Deployment');
    assert.equal(d.apiVersion, 'apps/v1');
    assert.deepEqual(d['status'], {});
    const spec = d['spec'] as Record<string, unknown>;
    assert.equal(spec['revisionHistoryLimit'], 10);
    assert.equal(spec['progressDeadlineSeconds'], 600);
    assert.deepEqual(spec['strategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.ok(Object.isFrozen(d) && Object.isFrozen(d.metadata) && Object.isFrozen(spec));
  });

  test('honours generateName and gives pods a Pending status without generation', () => {
    const { store } = newStore();
    const p = store.create('pods', { metadata: { generateName: 'web-7d4b9c-', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'web:1' }] }, status: { phase: 'Running' } });
    assert.match(p.metadata.name ?? '', /^web-7d4b9c-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(p['status'], { phase: 'Pending', qosClass: 'BestEffort' });
    assert.equal(p.metadata.generation, undefined);
  });

  test('AlreadyExists and invalid names are real Status errors', () => {
    const { store } = newStore();
    store.create('deployments.apps', deployment('web'));
    assert.throws(() => store.create('deployments.apps', deployment('web')), (e) => {
      assert.deepEqual(statusOf(e), {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
        message: 'deployments.apps "web" already exists', reason: 'AlreadyExists',
        details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 409,
      });
      return true;
    });
    assert.throws(() => store.create('configmaps', { metadata: { name: 'Bad_Name', namespace: 'x' } }), (e) => statusOf(e).code === 422);
  });

  test('rejects a selector that does not match the template labels with 422 Invalid', () => {
    const { store } = newStore();
    const bad = { ...deployment('web'), spec: { ...(deployment('web')['spec'] as object), selector: { matchLabels: { app: 'other' } } } };
    assert.throws(() => store.create('deployments.apps', bad), (e) => {
      const s = statusOf(e);
      assert.equal(s.code, 422);
      assert.equal(s.message, 'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`');
      return true;
    });
  });
});

describe('SimStorage update', () => {
  test('NotFound and stale resourceVersion Conflict carry the exact messages', () => {
    const { store } = newStore();
    assert.throws(() => store.update('deployments.apps', deployment('web')), (e) => statusOf(e).message === 'deployments.apps "web" not found');
    const d = store.create('deployments.apps', deployment('web'));
    store.update('deployments.apps', setImage(d, 'web:2'));
    assert.throws(() => store.update('deployments.apps', setImage(d, 'web:3')), (e) => {
      const s = statusOf(e);
      assert.equal(s.code, 409);
      assert.equal(s.reason, 'Conflict');
      assert.equal(s.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
      return true;
    });
  });

  const rows: readonly { name: string; change: (d: KubeObject) => KubeObject; status?: boolean; bumps: boolean }[] = [
    { name: 'spec change bumps generation', change: (d) => setImage(d, 'web:2'), bumps: true },
    { name: 'annotation change bumps a Deployment generation', change: (d) => ({ ...d, metadata: { ...d.metadata, annotations: { a: 'b' } } }), bumps: true },
    { name: 'label change does not bump generation', change: (d) => ({ ...d, metadata: { ...d.metadata, labels: { x: 'y' } } }), bumps: false },
    { name: 'status write never bumps generation', change: (d) => ({ ...d, status: { replicas: 2 } }), status: true, bumps: false },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { store } = newStore();
      const d = store.create('deployments.apps', deployment('web'));
      const next = store.update('deployments.apps', row.change(d), row.status === true ? { subresource: 'status' } : {});
      assert.equal(next.metadata.generation, row.bumps ? 2 : 1);
    });
  }

  test('status writes ignore spec; main writes ignore status; annotations pass through status', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', deployment('web'));
    const s = store.update('deployments.apps', { ...setImage(d, 'evil:9'), metadata: { ...d.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } }, status: { replicas: 2 } }, { subresource: 'status' });
    assert.deepEqual(s['status'], { replicas: 2 });
    assert.equal(s.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(((s['spec'] as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0])?.image, 'web:1');
    const m = store.update('deployments.apps', { ...setImage(s, 'web:2'), status: { replicas: 99 } });
    assert.deepEqual(m['status'], { replicas: 2 });
  });

  test('status is stored as the real server serialises it: omitempty zeros dropped, required counters kept', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', deployment('web'));
    const s = store.update('deployments.apps', { ...d, status: { observedGeneration: 1, replicas: 2, readyReplicas: 0, updatedReplicas: 2, conditions: [] } }, { subresource: 'status' });
    assert.deepEqual(s['status'], { observedGeneration: 1, replicas: 2, updatedReplicas: 2 });
  });

  test('a no-op update returns the stored object and commits nothing', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', deployment('web'));
    const rv = store.currentResourceVersion();
    assert.equal(store.update('deployments.apps', d, { fieldManager: 'x' }), d);
    assert.equal(store.currentResourceVersion(), rv);
  });

  test('changing a Deployment selector is 422 field is immutable', () => {
    const { store } = newStore();
    const d = store.create('deployments.apps', deployment('web'));
    const changed = deployment('web', 'web:1', { app: 'web2' });
    assert.throws(() => store.update('deployments.apps', { ...changed, metadata: d.metadata }), (e) => {
      const s = statusOf(e);
      assert.equal(s.message, 'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
      assert.deepEqual(s.details, {
        name: 'web', group: 'apps', kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable', field: 'spec.selector' }],
      });
      return true;
    });
  });

  test('managedFields: the template image moves to the manager that changed it', () => {
    const { store, clock } = newStore();
    const d = store.create('deployments.apps', deployment('web'), { fieldManager: 'kubectl-create' });
    clock.advance(5000);
    const s = store.update('deployments.apps', setImage(d, 'web:2'), { fieldManager: 'kubectl-set' });
    const r = store.update('deployments.apps', { ...s, spec: { ...(s['spec'] as object), replicas: 5 } }, { fieldManager: 'kubectl-scale' });
    const entries = r.metadata.managedFields ?? [];
    assert.deepEqual(entries.map((e) => [e.manager, e.operation, e.apiVersion, e.fieldsType]), [
      ['kubectl-create', 'Update', 'apps/v1', 'FieldsV1'],
      ['kubectl-set', 'Update', 'apps/v1', 'FieldsV1'],
      ['kubectl-scale', 'Update', 'apps/v1', 'FieldsV1'],
    ]);
    const set = entries[1]?.fieldsV1 as Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>;
    assert.deepEqual(set, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } } });
    assert.equal(entries[1]?.time, '2026-01-01T00:00:05Z');
    assert.deepEqual(entries[2]?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const create = fromFieldsV1(entries[0]?.fieldsV1);
    assert.ok(create.has('f:spec\u0001f:template\u0001f:spec\u0001f:containers\u0001k:{"name":"app"}\u0001f:name'));
    assert.ok(!create.has('f:spec\u0001f:template\u0001f:spec\u0001f:containers\u0001k:{"name":"app"}\u0001f:image'));
    assert.ok(!create.has('f:spec\u0001f:replicas'));
  });
});

describe('SimStorage list and subscribe', () => {
  test('lists by namespace and label selector, sorted by namespace/name', () => {
    const { store } = newStore();
    for (const [ns, name, tier] of [['b', 'x', 'web'], ['a', 'y', 'db'], ['a', 'x', 'web']] as const)
      store.create('configmaps', { metadata: { name, namespace: ns, labels: { tier } } });
    assert.deepEqual(store.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['a/x', 'a/y', 'b/x']);
    assert.deepEqual(store.list('configmaps', { namespace: 'a', labelSelector: 'tier in (web,api)' }).map((o) => o.metadata.name), ['x']);
    assert.deepEqual(store.list('configmaps', { labelSelector: 'tier!=web' }).map((o) => o.metadata.name), ['y']);
  });

  test('delivers changes synchronously, in commit order, even for writes made by subscribers', () => {
    const { store } = newStore();
    const seen: string[][] = [[], []];
    store.subscribe('configmaps', (c) => {
      seen[0]?.push(`${c.type} ${c.object.metadata.name} ${c.resourceVersion}`);
      if (c.object.metadata.name === 'a' && c.type === 'ADDED') store.create('configmaps', { metadata: { name: 'b', namespace: 'x' } });
    });
    store.subscribe('*', (c) => seen[1]?.push(`${c.type} ${c.object.metadata.name} ${c.resourceVersion}`));
    store.create('configmaps', { metadata: { name: 'a', namespace: 'x' } });
    assert.deepEqual(seen[0], ['ADDED a 1001', 'ADDED b 1002']);
    assert.deepEqual(seen[1], seen[0]);
  });

  test('events are stored once and served as core and events.k8s.io views', () => {
    const { store } = newStore();
    const seen: StoredChange[] = [];
    store.subscribe('events.events.k8s.io', (c) => seen.push(c));
    store.create('events', {
      metadata: { name: 'web.1', namespace: 'shop' },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop' },
      reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-1 from 0 to 2', type: 'Normal',
      source: { component: 'deployment-controller' }, count: 1, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z',
    });
    const v1 = store.get('events.events.k8s.io', 'shop', 'web.1');
    assert.equal(v1?.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1?.['note'], 'Scaled up replica set web-1 from 0 to 2');
    assert.deepEqual(v1?.['regarding'], { kind: 'Deployment', name: 'web', namespace: 'shop' });
    assert.equal(v1?.['deprecatedCount'], 1);
    assert.equal(v1?.['eventTime'], null);
    assert.equal(seen[0]?.object, v1);
    assert.equal(store.list('events').length, 1);
    store.delete('events.events.k8s.io', 'shop', 'web.1');
    assert.equal(store.list('events').length, 0);
  });

  test('changesSince resumes within the window and reports Expired after compaction', () => {
    const { store } = newStore();
    store.create('configmaps', { metadata: { name: 'a', namespace: 'x' } });
    const from = Number(store.currentResourceVersion());
    store.create('configmaps', { metadata: { name: 'b', namespace: 'x' } });
    const got = store.changesSince('configmaps', from);
    assert.ok(!got.expired);
    assert.deepEqual(got.changes.map((c) => c.object.metadata.name), ['b']);
    store.compact('configmaps');
    assert.deepEqual(store.changesSince('configmaps', from), { expired: true, oldest: Number(store.currentResourceVersion()) });
  });
});

describe('SimStorage garbage collection', () => {
  function tree(store: SimStorage, scheduled = false): { d: KubeObject; rs: KubeObject; pods: KubeObject[] } {
    const d = store.create('deployments.apps', deployment('web'));
    const own = (o: KubeObject) => [{ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
    const rs = store.create('replicasets.apps', { metadata: { name: 'web-1', namespace: 'shop', ownerReferences: own(d) }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } } });
    const pods = ['a', 'b'].map((n) => store.create('pods', { metadata: { name: `web-1-${n}`, namespace: 'shop', labels: { app: 'web' }, ownerReferences: own(rs) }, spec: { containers: [{ name: 'app', image: 'web:1' }], ...(scheduled ? { nodeName: 'node-1' } : {}) } }));
    return { d, rs, pods };
  }

  test('Background deletes the owner first, then its dependents', () => {
    const { store } = newStore();
    tree(store);
    const log: string[] = [];
    store.subscribe('*', (c) => log.push(`${c.type} ${c.object.kind}/${c.object.metadata.name}`));
    store.delete('deployments.apps', 'shop', 'web', { propagationPolicy: 'Background' });
    assert.deepEqual(log, ['DELETED Deployment/web', 'DELETED ReplicaSet/web-1', 'DELETED Pod/web-1-a', 'DELETED Pod/web-1-b']);
    assert.equal(store.list('pods').length, 0);
  });

  test('Background: the ReplicaSet goes at once; its scheduled pods terminate with their grace period', () => {
    const { store } = newStore();
    tree(store, true);
    store.delete('deployments.apps', 'shop', 'web', { propagationPolicy: 'Background' });
    assert.equal(store.list('replicasets.apps').length, 0);
    const pods = store.list('pods');
    assert.deepEqual(pods.map((p) => [p.metadata.name, p.metadata.deletionTimestamp, p.metadata.deletionGracePeriodSeconds]), [
      ['web-1-a', '2026-01-01T00:00:30Z', 30],
      ['web-1-b', '2026-01-01T00:00:30Z', 30],
    ]);
  });

  test('Foreground marks the owner with foregroundDeletion and removes it after its dependents', () => {
    const { store } = newStore();
    tree(store);
    const log: string[] = [];
    store.subscribe('*', (c) => log.push(`${c.type} ${c.object.kind}/${c.object.metadata.name} ${(c.object.metadata.finalizers ?? []).join()}`));
    store.delete('deployments.apps', 'shop', 'web', { propagationPolicy: 'Foreground' });
    assert.deepEqual(log, [
      'MODIFIED Deployment/web foregroundDeletion',
      'MODIFIED ReplicaSet/web-1 foregroundDeletion',
      'DELETED Pod/web-1-a ',
      'DELETED Pod/web-1-b ',
      'DELETED ReplicaSet/web-1 ',
      'DELETED Deployment/web ',
    ]);
  });

  test('Foreground waits for gracefully terminating pods, which the GC deletes with their grace period', () => {
    const { store } = newStore();
    const { rs } = tree(store, true);
    store.delete('pods', 'shop', 'web-1-a', { gracePeriodSeconds: 30 });
    assert.equal(store.get('pods', 'shop', 'web-1-a')?.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
    store.delete('replicasets.apps', 'shop', 'web-1', { propagationPolicy: 'Foreground' });
    assert.equal(store.get('pods', 'shop', 'web-1-b')?.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(store.get('replicasets.apps', 'shop', 'web-1')?.metadata.uid, rs.metadata.uid);
    store.delete('pods', 'shop', 'web-1-a', { gracePeriodSeconds: 0 });
    assert.equal(store.get('replicasets.apps', 'shop', 'web-1')?.metadata.uid, rs.metadata.uid);
    store.delete('pods', 'shop', 'web-1-b', { gracePeriodSeconds: 0 });
    assert.equal(store.get('replicasets.apps', 'shop', 'web-1'), undefined);
  });

  test('Orphan strips the ownerReference and keeps the dependents', () => {
    const { store } = newStore();
    tree(store);
    store.delete('replicasets.apps', 'shop', 'web-1', { propagationPolicy: 'Orphan' });
    const pods = store.list('pods');
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.metadata.ownerReferences === undefined));
  });

  test('finalizers hold an object until they are removed', () => {
    const { store } = newStore();
    store.create('configmaps', { metadata: { name: 'a', namespace: 'x', finalizers: ['example.com/hold'] } });
    const marked = store.delete('configmaps', 'x', 'a');
    assert.ok(marked?.metadata.deletionTimestamp);
    const { finalizers: _f, ...meta } = marked.metadata;
    store.update('configmaps', { ...marked, metadata: meta });
    assert.equal(store.get('configmaps', 'x', 'a'), undefined);
  });
});
