import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelCluster } from '../migration/testing/model-cluster.ts';
import { foldCanary, trafficShareOf, type CanaryChange } from './ledger.ts';
import { findCanary } from './plan.ts';
import { cluster, observe, type Clock, type Script } from './testing/drive.ts';
import { runLedgered } from './testing/ledger-run.ts';

const run = (c: ModelCluster, clock: Clock, steps: string, script?: Script, every = 1) => runLedgered(c, clock, steps, { ...(script ? { script } : {}), every });

const summary = (cs: readonly CanaryChange[]): string[] =>
  cs.filter((c) => c.kind !== 'measurement').map((c) => (c.kind === 'step' ? `step ${c.step.weight}% ${c.step.canaryReplicas}/${c.step.stableReplicas}` : c.kind));

test('foldCanary: a promoted canary is ledgered with every step, every measurement and its outcome, each announced once', () => {
  const c = cluster(4);
  const clock: Clock = { now: 1_000_000 };
  const { entry, changes } = run(c, clock, '10,50,100');
  assert.ok(entry);
  assert.deepEqual(summary(changes), ['started', 'step 10% 1/3', 'step 50% 2/2', 'step 100% 4/0', 'promoted']);
  assert.equal(entry.outcome, 'promoted');
  assert.equal(entry.phase, 'promoted');
  assert.ok(entry.finishedAt !== null && entry.finishedAt > entry.startedAt);
  assert.deepEqual(entry.steps.map((s) => [s.weight, s.reachedAt !== null, s.leftAt !== null]), [[10, true, true], [50, true, true], [100, true, true]]);
  // the analysis needs 2 successful measurements at each step below 100 %
  assert.deepEqual(entry.measurements.map((m) => `${m.step}:${m.verdict}`), ['0:successful', '0:successful', '1:successful', '1:successful']);
  assert.equal(changes.filter((x) => x.kind === 'measurement').length, 4);
  // replaying the last observation (a relist, a restart) changes nothing and announces nothing
  const found = findCanary(observe(c, clock.now).stable)!;
  const again = foldCanary('sim', entry, found.record, found.status);
  assert.equal(again.changed, false);
  assert.deepEqual(again.changes, []);
  assert.equal(again.entry, entry);
});

test('foldCanary: an analysis abort names the failing metric, its value and its threshold', () => {
  const c = cluster(4);
  const clock: Clock = { now: 1_000_000 };
  const { entry, changes } = run(c, clock, '10,50,100', (step) => ({ value: step === 0 ? 0.7 : 1, rate: 5 }));
  assert.ok(entry);
  assert.deepEqual(summary(changes), ['started', 'step 10% 1/3', 'aborted']);
  const aborted = changes.find((x) => x.kind === 'aborted');
  assert.ok(aborted?.kind === 'aborted');
  assert.equal(aborted.failing?.metric, 'success-rate');
  assert.equal(aborted.failing?.value, 0.7);
  assert.match(aborted.failing?.condition ?? '', /failure: result < 0\.95/);
  assert.match(aborted.reason, /analysis failed at 10%/);
  assert.equal(entry.outcome, 'aborted');
  assert.deepEqual(entry.failing, aborted.failing);
  assert.equal(entry.steps.length, 1);
});

test('foldCanary: steps the tracker did not see are still ledgered (reached time unknown) and announced', () => {
  const c = cluster(4);
  const clock: Clock = { now: 1_000_000 };
  // observe only every 25th write: most intermediate states are missed
  const { entry, changes } = run(c, clock, '10,25,50,100', undefined, 25);
  assert.ok(entry);
  assert.equal(entry.outcome, 'promoted');
  assert.deepEqual(entry.steps.map((s) => s.weight), [10, 25, 50, 100]);
  assert.ok(entry.steps.every((s) => s.leftAt !== null));
  assert.equal(changes.filter((x) => x.kind === 'step').length, 4);
  assert.equal(changes.filter((x) => x.kind === 'started').length, 1);
  assert.equal(changes.filter((x) => x.kind === 'promoted').length, 1);
});

test('trafficShareOf: the canary share of the measured request rates; null without both rates', () => {
  const m = { metric: 'x', step: 0, at: 0, query: '', value: 1, stableQuery: null, stableValue: null, condition: '', verdict: 'successful' as const, reason: '' };
  assert.equal(trafficShareOf([{ ...m, canaryRate: 1, stableRate: 3 }, { ...m, canaryRate: 3, stableRate: 5 }]), 100 * (4 / 12));
  assert.equal(trafficShareOf([{ ...m, canaryRate: 1, stableRate: null }]), null);
  assert.equal(trafficShareOf([]), null);
});
