import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentSpec } from '../apps.ts';
import { proportionalSizes } from './proportional.ts';
import { maxSurge, maxUnavailable, newReplicaSetTarget, planOldScaleDown, resolveFenceposts, scaledValue } from './rolling.ts';

const spec = (replicas: number, surge?: number | string, unavailable?: number | string, type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate'): DeploymentSpec => ({
  replicas,
  template: {},
  strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { ...(surge === undefined ? {} : { maxSurge: surge }), ...(unavailable === undefined ? {} : { maxUnavailable: unavailable }) } },
});

describe('scaledValue', () => {
  const rows = [
    { value: '25%', total: 10, up: true, want: 3 },
    { value: '25%', total: 10, up: false, want: 2 },
    { value: '25%', total: 4, up: true, want: 1 },
    { value: '25%', total: 1, up: false, want: 0 },
    { value: '100%', total: 7, up: false, want: 7 },
    { value: '0%', total: 7, up: true, want: 0 },
    { value: '33%', total: 3, up: true, want: 1 },
    { value: '7%', total: 100, up: true, want: 7 },
    { value: 4, total: 10, up: false, want: 4 },
  ] as const;
  for (const r of rows) {
    it(`${String(r.value)} of ${r.total} rounded ${r.up ? 'up' : 'down'} → ${r.want}`, () => {
      assert.equal(scaledValue(r.value, r.total, r.up), r.want);
    });
  }
  it('rejects a string that is not a percentage, naming the value', () => {
    assert.throws(() => scaledValue('3', 10, true), /string is not a percentage: "3"/);
  });
});

describe('resolveFenceposts and the resolved limits', () => {
  const rows = [
    { name: 'defaults, 10 replicas', d: spec(10, '25%', '25%'), surge: 3, unavailable: 2 },
    { name: 'defaults, 1 replica: surge rounds up, unavailable down', d: spec(1, '25%', '25%'), surge: 1, unavailable: 0 },
    { name: 'both zero → one unavailable', d: spec(5, 0, 0), surge: 0, unavailable: 1 },
    { name: '10%/10% of 3: surge rounds up to 1, unavailable down to 0 (not forced)', d: spec(3, '10%', '10%'), surge: 1, unavailable: 0 },
    { name: '0% surge, 10% unavailable of 5 → forced to 1', d: spec(5, '0%', '10%'), surge: 0, unavailable: 1 },
    { name: 'maxUnavailable capped at replicas', d: spec(3, 0, 5), surge: 0, unavailable: 3 },
    { name: 'zero replicas: maxUnavailable 0', d: spec(0, 1, 1), surge: 1, unavailable: 0 },
    { name: 'Recreate: no surge, no unavailable', d: spec(4, undefined, undefined, 'Recreate'), surge: 0, unavailable: 0 },
    { name: 'missing rollingUpdate fields default to 25%', d: { replicas: 8, template: {} }, surge: 2, unavailable: 2 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      assert.deepEqual([maxSurge(r.d), maxUnavailable(r.d)], [r.surge, r.unavailable]);
    });
  }
  it('resolveFenceposts treats missing values as 0', () => {
    assert.deepEqual(resolveFenceposts(undefined, undefined, 10), { surge: 0, unavailable: 1 });
  });
});

describe('newReplicaSetTarget (NewRSNewReplicas)', () => {
  const rows = [
    { name: 'brand-new Deployment starts at full size', d: spec(10, '25%', '25%'), sum: 0, cur: 0, want: 10 },
    { name: 'rollout start: surge allows 3', d: spec(10, '25%', '25%'), sum: 10, cur: 0, want: 3 },
    { name: 'at maxTotal: unchanged', d: spec(10, '25%', '25%'), sum: 13, cur: 3, want: 3 },
    { name: 'never beyond replicas', d: spec(10, '25%', '25%'), sum: 11, cur: 8, want: 10 },
    { name: 'no surge: waits for old to shrink', d: spec(4, 0, 1), sum: 4, cur: 0, want: 0 },
    { name: 'no surge, old shrank by one', d: spec(4, 0, 1), sum: 3, cur: 0, want: 1 },
    { name: 'Recreate: full size', d: spec(4, undefined, undefined, 'Recreate'), sum: 9, cur: 0, want: 4 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      assert.equal(newReplicaSetTarget(r.d, r.sum, r.cur), r.want);
    });
  }
});

describe('planOldScaleDown (reconcileOldReplicaSets)', () => {
  const rs = (name: string, replicas: number, available: number) => ({ name, replicas, available });
  const rows = [
    {
      name: 'worked example: 10 replicas, new 3 unavailable → old 10 → 8',
      d: spec(10, '25%', '25%'),
      newRS: rs('new', 3, 0),
      old: [rs('a', 10, 10)],
      steps: [{ name: 'a', from: 10, to: 8 }],
    },
    {
      name: 'budget exhausted by unavailable new pods: nothing',
      d: spec(10, '25%', '25%'),
      newRS: rs('new', 5, 0),
      old: [rs('a', 8, 8)],
      steps: [],
    },
    {
      name: 'unhealthy old replicas go first, then healthy ones (oldest first)',
      d: spec(10, '25%', '25%'),
      newRS: rs('new', 5, 3),
      old: [rs('a', 8, 6)],
      steps: [
        { name: 'a', from: 8, to: 6 },
        { name: 'a', from: 6, to: 5 },
      ],
    },
    {
      name: 'several old ReplicaSets: the oldest shrinks first',
      d: spec(6, 0, 2),
      newRS: rs('new', 2, 2),
      old: [rs('a', 2, 2), rs('b', 4, 4)],
      steps: [
        { name: 'a', from: 2, to: 0 },
        { name: 'b', from: 4, to: 2 },
      ],
    },
    {
      name: 'no old pods: nothing',
      d: spec(3, '25%', '25%'),
      newRS: rs('new', 3, 3),
      old: [rs('a', 0, 0)],
      steps: [],
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const plan = planOldScaleDown(r.d, r.newRS, r.old);
      assert.deepEqual(plan.steps, r.steps);
      assert.equal(plan.scaledDown, r.steps.reduce((n, s) => n + s.from - s.to, 0));
    });
  }
  it('refuses to "clean up" an RS whose status shows more available than its spec (Kubernetes errors too)', () => {
    assert.throws(() => planOldScaleDown(spec(5, 3, 2), rs('new', 3, 0), [rs('a', 5, 8)]), /invalid request to scale down replica set a 5 -> 8/);
  });
});

describe('proportionalSizes', () => {
  const active = (name: string, replicas: number, createdAt: number, max: number | undefined) => ({ name, replicas, createdAt, maxReplicasAnnotation: max });
  const rows = [
    {
      name: 'e2e case: 10 → 30 mid-rollout (old 8, new 5, max 13) → 20 / 13',
      d: spec(30, 3, 2),
      status: 13,
      rs: [active('old', 8, 1, 13), active('new', 5, 2, 13)],
      want: { old: 20, new: 13 },
      direction: 'up',
    },
    {
      name: 'scale down 30 → 5 (max 33): larger first → 5 / 3',
      d: spec(5, 3, 2),
      status: 33,
      rs: [active('old', 20, 1, 33), active('new', 13, 2, 33)],
      want: { old: 5, new: 3 },
      direction: 'down',
    },
    {
      name: 'equal sizes, scale up by one: the newer ReplicaSet gets it',
      d: spec(11, 0, 1),
      status: 10,
      rs: [active('old', 5, 1, 10), active('new', 5, 2, 10)],
      want: { old: 5, new: 6 },
      direction: 'up',
    },
    {
      name: 'equal sizes, scale down: older first loses more',
      d: spec(3, 0, 1),
      status: 6,
      rs: [active('old', 3, 1, 6), active('new', 3, 2, 6)],
      want: { old: 1, new: 2 },
      direction: 'down',
    },
    {
      name: 'missing annotation: falls back to status.replicas',
      d: spec(20, 0, 1),
      status: 10,
      rs: [active('old', 6, 1, undefined), active('new', 4, 2, undefined)],
      want: { old: 12, new: 8 },
      direction: 'up',
    },
    {
      name: 'scale to zero: everything goes',
      d: spec(0, 1, 1),
      status: 5,
      rs: [active('old', 3, 1, 6), active('new', 2, 2, 6)],
      want: { old: 0, new: 0 },
      direction: 'down',
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const plan = proportionalSizes(r.d, r.status, r.rs);
      assert.deepEqual(Object.fromEntries(plan.sizes.map((s) => [s.name, s.to])), r.want);
      assert.equal(plan.direction, r.direction);
    });
  }
});
