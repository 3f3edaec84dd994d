import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeCauseOf, scaleActorOf, templateActorOf } from './actor.ts';
import { manager, T0, workload } from './testing/builders.ts';

const helm = manager('helm', T0, { template: true, replicas: true });

const rows = [
  {
    name: 'kubectl set image after helm install',
    prev: [helm],
    next: [helm, manager('kubectl-set', T0 + 60_000, { template: true })],
    want: 'kubectl-set',
  },
  {
    name: 'helm upgrade rewrites its own entry',
    prev: [helm, manager('kubectl-set', T0 + 60_000, { template: true })],
    next: [manager('helm', T0 + 120_000, { template: true }), manager('kubectl-set', T0 + 60_000, { template: true })],
    want: 'helm',
  },
  {
    name: 'status writer is never the actor, and an older writer is not guessed',
    prev: [helm, manager('kubectl-label', T0 + 10_000)],
    next: [helm, manager('kubectl-label', T0 + 10_000), manager('kube-controller-manager', T0 + 20_000, { subresource: 'status' })],
    want: 'unknown',
  },
  {
    name: 'same manager, same second: no entry changed, so no guess',
    prev: [manager('kubectl-rollout', T0, { template: true })],
    next: [manager('kubectl-rollout', T0, { template: true })],
    want: 'unknown',
  },
  { name: 'no managedFields at all', prev: [], next: [], want: 'unknown' },
] as const;

for (const row of rows) {
  test(`templateActorOf: ${row.name} → ${row.want}`, () => {
    assert.equal(templateActorOf(workload({ managers: row.prev }), workload({ managers: row.next })).manager, row.want);
  });
}

test('templateActorOf adds the rollscope.io/actor annotation as user', () => {
  const a = templateActorOf(undefined, workload({ managers: [helm], annotations: { 'rollscope.io/actor': 'alice' } }));
  assert.deepEqual(a, { manager: 'helm', user: 'alice' });
});

test('scaleActorOf names the HPA writing through the scale subresource', () => {
  const prev = workload({ managers: [helm] });
  const next = workload({ managers: [helm, manager('horizontal-pod-autoscaler', T0 + 1000, { subresource: 'scale', replicas: true })] });
  assert.equal(scaleActorOf(prev, next).manager, 'horizontal-pod-autoscaler');
});

test('changeCauseOf: empty is null', () => {
  assert.equal(changeCauseOf({ 'kubernetes.io/change-cause': '' }), null);
  assert.equal(changeCauseOf({ 'kubernetes.io/change-cause': 'kubectl set image' }), 'kubectl set image');
});
