import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../../lib/errors.ts';
import { createBehaviour, defaultBehaviour, globToRegExp, HEALTHY_IMAGE, parseNodesSpec } from './behaviour.ts';

const imageRows = [
  { image: 'nginx:1.25', expect: { pullFails: false, neverReady: false, crashAfterMs: null } },
  { image: 'nginx:missing', expect: { pullFails: true } },
  { image: 'registry.local:5000/team/app:missing', expect: { pullFails: true } },
  { image: 'app:crash', expect: { crashAfterMs: 3_000, exitCode: 1, terminationReason: 'Error' } },
  { image: 'app:oom', expect: { exitCode: 137, terminationReason: 'OOMKilled' } },
  { image: 'app:unready', expect: { neverReady: true, pullFails: false } },
  { image: 'app:slow', expect: { pullMs: 20_000, readyAfterMs: 15_000 } },
  { image: 'app:missing-not', expect: { pullFails: false } },
  { image: 'crash', expect: { crashAfterMs: null } },
] as const;

for (const row of imageRows) {
  test(`default behaviour of ${row.image}`, () => {
    const b = defaultBehaviour().imageBehaviour(row.image);
    for (const [field, value] of Object.entries(row.expect)) assert.equal(b[field as keyof typeof b], value, field);
  });
}

test('scenario rules come before the built-in ones, first match wins', () => {
  const b = createBehaviour({
    rules: [
      { image: 'shop/*:missing', behaviour: { pullMs: 5 } },
      { image: 'shop/checkout:?', behaviour: { readyAfterMs: 42 } },
    ],
  });
  assert.equal(b.imageBehaviour('shop/cart:missing').pullMs, 5);
  assert.equal(b.imageBehaviour('shop/cart:missing').pullFails, false);
  assert.equal(b.imageBehaviour('other:missing').pullFails, true);
  assert.equal(b.imageBehaviour('shop/checkout:2').readyAfterMs, 42);
  assert.equal(b.imageBehaviour('shop/checkout:22').readyAfterMs, HEALTHY_IMAGE.readyAfterMs);
});

test('withoutBuiltinRules makes every tag healthy', () => {
  assert.deepEqual(createBehaviour({ withoutBuiltinRules: true }).imageBehaviour('x:missing'), HEALTHY_IMAGE);
});

test('a rule with a negative time is rejected with CONFIG_INVALID', () => {
  assert.throws(
    () => createBehaviour({ rules: [{ image: '*:x', behaviour: { pullMs: -1 } }] }),
    (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && e.message.includes('*:x') && e.message.includes('pullMs'),
  );
});

test('globs escape regular-expression characters', () => {
  assert.ok(globToRegExp('a.b/*').test('a.b/c'));
  assert.ok(!globToRegExp('a.b/*').test('axb/c'));
  assert.ok(globToRegExp('img:v?').test('img:v1'));
});

const GiB = 2 ** 30;
const specRows = [
  { spec: '3x4cpu8Gi', count: 3, cpu: 4000, mem: 8 * GiB, pods: 110 },
  { spec: '3x4cpu8Gi,1x2cpu4Gi', count: 4, cpu: 2000, mem: 4 * GiB, pods: 110 },
  { spec: '500mcpu512Mi', count: 1, cpu: 500, mem: 512 * 2 ** 20, pods: 110 },
  { spec: ' 2x1.5cpu2G/pods=10 ', count: 2, cpu: 1500, mem: 2e9, pods: 10 },
] as const;

for (const row of specRows) {
  test(`parseNodesSpec(${JSON.stringify(row.spec)})`, () => {
    const nodes = parseNodesSpec(row.spec);
    assert.equal(nodes.length, row.count);
    const last = nodes.at(-1)!;
    assert.equal(last.cpuMillis, row.cpu);
    assert.equal(last.memoryBytes, row.mem);
    assert.equal(last.maxPods, row.pods);
    assert.equal(last.name, `sim-node-${row.count}`);
    assert.equal(last.labels['kubernetes.io/hostname'], last.name);
  });
}

const badSpecs = [
  { spec: '', why: 'is not' },
  { spec: '3x4cpu', why: 'is not' },
  { spec: '3 nodes', why: 'is not' },
  { spec: '0x4cpu8Gi', why: 'no nodes' },
  { spec: '1x0cpu8Gi', why: 'no CPU' },
  { spec: '1x4cpu0Gi', why: 'no memory' },
  { spec: '1x4cpu8Gi/pods=0', why: 'allows no pods' },
  { spec: '3x4cpu8Gi,,1x2cpu4Gi', why: 'is not' },
  { spec: '9999x1cpu1Gi', why: 'more than the 5000' },
] as const;

for (const row of badSpecs) {
  test(`parseNodesSpec rejects ${JSON.stringify(row.spec)}`, () => {
    assert.throws(
      () => parseNodesSpec(row.spec),
      (e) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(row.why) && (e.details.hint ?? '').includes('3x4cpu8Gi'),
    );
  });
}

test('the default pool is three nodes of 4 CPUs and 8 GiB', () => {
  const nodes = defaultBehaviour().nodes;
  assert.deepEqual(
    nodes.map((n) => [n.name, n.cpuMillis, n.memoryBytes]),
    [1, 2, 3].map((i) => [`sim-node-${i}`, 4000, 8 * GiB]),
  );
});
