import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { ManualClock } from '../core/clock.ts';
import { createSimStorage } from '../apiserver/storage.ts';
import { rollbackDeployment } from './actions.ts';
import { SCENARIOS, runScenario } from './index.ts';
import { bumpPatch, withTag } from './objects.ts';
import { ScenarioScript } from './script.ts';

// Scenarios run here on the bare store (no controllers), so these tests see exactly the scripted writes.
const MINUTE = 60_000;

function fixture(): { clock: ManualClock; store: ReturnType<typeof createSimStorage> } {
  const clock = new ManualClock();
  return { clock, store: createSimStorage(clock, { random: seededRandom(7) }) };
}

type Spec = { spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string; resources?: { requests?: { cpu?: string } } }[] } } } };
const imageOf = (o: KubeObject | undefined): string | undefined => (o as Spec | undefined)?.spec?.template?.spec?.containers?.[0]?.image;
const cpuOf = (o: KubeObject | undefined): string | undefined => (o as Spec | undefined)?.spec?.template?.spec?.containers?.[0]?.resources?.requests?.cpu;
const managers = (o: KubeObject | undefined): string[] => (o?.metadata.managedFields ?? []).map((m) => m.manager ?? '');

const tagRows = [
  { name: 'registry with port', image: 'registry:5000/shop/web:1.2.3', tag: 'missing', want: 'registry:5000/shop/web:missing' },
  { name: 'no tag', image: 'nginx', tag: '1.27', want: 'nginx:1.27' },
  { name: 'plain', image: 'nginx:1.26', tag: 'crash', want: 'nginx:crash' },
] as const;
for (const row of tagRows) test(`withTag: ${row.name}`, () => assert.equal(withTag(row.image, row.tag), row.want));

const bumpRows = [
  { image: 'acme/web:1.4.9', want: 'acme/web:1.4.10' },
  { image: 'acme/web:2.0.0', want: 'acme/web:2.0.1' },
  { image: 'acme/web:missing', want: 'acme/web:1.0.1' },
  { image: 'acme/web', want: 'acme/web:1.0.1' },
] as const;
for (const row of bumpRows) test(`bumpPatch ${row.image} → ${row.want}`, () => assert.equal(bumpPatch(row.image), row.want));

test('every scenario starts on an empty store and creates the default namespace or its own', () => {
  for (const scenario of SCENARIOS) {
    const { clock, store } = fixture();
    const stop = scenario.start({ store, clock });
    assert.ok(store.list('namespaces').length >= 1, `${scenario.name} created no namespace`);
    stop();
    stop(); // twice is harmless
  }
});

test('demo creates three namespaces, six Deployments, a StatefulSet and a DaemonSet', () => {
  const { clock, store } = fixture();
  runScenario('demo', { store, clock });
  assert.deepEqual(store.list('namespaces').map((n) => n.metadata.name).sort(), ['payments', 'platform', 'shop']);
  assert.equal(store.list('deployments.apps').length, 6);
  assert.deepEqual(store.list('statefulsets.apps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['payments/ledger']);
  assert.deepEqual(store.list('daemonsets.apps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`), ['platform/node-agent']);
  assert.ok(managers(store.get('deployments.apps', 'payments', 'api')).includes('argocd-controller'));
});

test('demo plays its failure stories on schedule, each by a realistic field manager', () => {
  const { clock, store } = fixture();
  runScenario('demo', { store, clock });
  // The first round starts 5 minutes early (FIRST_ROUND_OFFSET), so failures show within seconds of `npm start`.
  clock.advance(2 * MINUTE);
  assert.equal(cpuOf(store.get('deployments.apps', 'platform', 'batch-worker')), '64', 'unschedulable rollout at 1 min');
  clock.advance(2 * MINUTE); // 4 min
  assert.match(imageOf(store.get('deployments.apps', 'shop', 'checkout')) ?? '', /:missing$/);
  assert.ok(managers(store.get('deployments.apps', 'shop', 'checkout')).includes('helm'));
  clock.advance(2 * MINUTE); // 6 min
  assert.match(imageOf(store.get('deployments.apps', 'payments', 'api')) ?? '', /:crash$/);
  clock.advance(4 * MINUTE); // 10 min
  assert.equal(cpuOf(store.get('deployments.apps', 'platform', 'batch-worker')), '50m', 'fixed at 9 min');
  clock.advance(2 * MINUTE); // 12 min
  assert.match(imageOf(store.get('deployments.apps', 'payments', 'api')) ?? '', /:3\.0\.2$/, 'api fixed past the crash');
  assert.notEqual(imageOf(store.get('deployments.apps', 'shop', 'frontend')), 'registry.acme.io/shop/frontend:2.3.0', 'frontend released');
  assert.ok(managers(store.get('deployments.apps', 'shop', 'frontend')).includes('kubectl-set'));
  assert.ok(managers(store.get('deployments.apps', 'shop', 'cart')).includes('horizontal-pod-autoscaler'));
  clock.advance(12 * MINUTE); // 24 min: the second round started at 15 min, its missing image at 23 min
  assert.match(imageOf(store.get('deployments.apps', 'shop', 'checkout')) ?? '', /:missing$/, 'the cycle repeats');
});

test('demo is reproducible: the same seed gives the same writes', () => {
  const trace = (): string[] => {
    const { clock, store } = fixture();
    const seen: string[] = [];
    store.subscribe('deployments.apps', (c) => seen.push(`${c.object.metadata.name}:${imageOf(c.object)}:${(c.object as Spec).spec?.replicas}`));
    runScenario('demo', { store, clock, random: seededRandom(1) });
    clock.advance(30 * MINUTE);
    return seen;
  };
  const a = trace();
  assert.ok(a.length > 20);
  assert.deepEqual(trace(), a);
});

test('stop cancels every pending change', () => {
  const { clock, store } = fixture();
  const stop = runScenario('demo', { store, clock });
  stop();
  const rv = store.currentResourceVersion();
  clock.advance(60 * MINUTE);
  assert.equal(store.currentResourceVersion(), rv);
  assert.equal(clock.pendingTimers(), 0);
});

test('a workload deleted by a user is skipped, never re-created, and nothing throws out of a timer', () => {
  const { clock, store } = fixture();
  runScenario('demo', { store, clock });
  store.delete('deployments.apps', 'shop', 'frontend');
  store.delete('namespaces', undefined, 'payments');
  assert.doesNotThrow(() => clock.advance(30 * MINUTE));
  assert.equal(store.get('deployments.apps', 'shop', 'frontend'), undefined, 'not re-created');
});

test('rollbackDeployment copies the second-newest ReplicaSet template and keeps the revision annotations', () => {
  const { clock, store } = fixture();
  const s = new ScenarioScript({ store, clock });
  store.create('namespaces', { metadata: { name: 'default' } });
  const d = store.create('deployments.apps', {
    metadata: { name: 'web', namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'v3' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:3' }] } } },
  });
  const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid ?? '', controller: true };
  for (const rev of [1, 2, 3])
    store.create('replicasets.apps', {
      metadata: { name: `web-h${rev}`, namespace: 'default', ownerReferences: [owner], annotations: { 'deployment.kubernetes.io/revision': String(rev), 'kubernetes.io/change-cause': `v${rev}` } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${rev}` } },
        template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${rev}` } }, spec: { containers: [{ name: 'web', image: `web:${rev}` }] } },
      },
    });
  assert.equal(rollbackDeployment(s, 'default', 'web'), true);
  const after = store.get('deployments.apps', 'default', 'web') as KubeObject & { spec: { template: { metadata: { labels: Record<string, string> } } } };
  assert.equal(imageOf(after), 'web:2');
  assert.deepEqual(after.spec.template.metadata.labels, { app: 'web' });
  assert.equal(after.metadata.annotations?.['kubernetes.io/change-cause'], 'v2');
  assert.equal(after.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.ok(managers(after).includes('kubectl-rollout'));
  assert.equal(rollbackDeployment(s, 'default', 'gone'), false);
});

test('a failing scripted write is logged with its step name and swallowed', () => {
  const { clock, store } = fixture();
  const warnings: unknown[] = [];
  const log = { debug() {}, info() {}, warn: (msg: string, fields?: unknown) => warnings.push([msg, fields]), error() {}, child: () => log };
  const s = new ScenarioScript({ store, clock, log });
  s.at(1000, 'create twice', () => {
    store.create('namespaces', { metadata: { name: 'x' } });
    store.create('namespaces', { metadata: { name: 'x' } });
  });
  assert.doesNotThrow(() => clock.advance(1000));
  assert.equal(warnings.length, 1);
  assert.match(JSON.stringify(warnings[0]), /create twice.*already exists/);
});

test('failures scenario creates one Deployment per failure kind', () => {
  const { clock, store } = fixture();
  runScenario('failures', { store, clock });
  const images = Object.fromEntries(store.list('deployments.apps', { namespace: 'failures' }).map((o) => [o.metadata.name, imageOf(o)]));
  assert.deepEqual(Object.keys(images).sort(), ['crash', 'missing', 'ok', 'oom', 'unready', 'unschedulable']);
  assert.match(images['missing'] ?? '', /:missing$/);
  assert.equal(cpuOf(store.get('deployments.apps', 'failures', 'unschedulable')), '64');
});
