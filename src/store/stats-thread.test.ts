import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeStats, type StatsQuery, type StatsReport } from './stats.ts';
import { sharedStats, type StatsRunner } from './stats-thread.ts';

/** counting is a runner that answers when told to, and counts the computations it was asked for. */
function counting(): StatsRunner & { calls: StatsQuery[]; settle(fail?: boolean): void } {
  const waiting: { q: StatsQuery; resolve: (r: StatsReport) => void; reject: (e: unknown) => void }[] = [];
  const calls: StatsQuery[] = [];
  return {
    calls,
    run(q) {
      calls.push(q);
      return new Promise((resolve, reject) => waiting.push({ q, resolve, reject }));
    },
    settle(fail = false) {
      for (const w of waiting.splice(0)) {
        if (fail) w.reject(new Error('boom'));
        else w.resolve(computeStats([], w.q));
      }
    },
    close: async () => undefined,
  };
}

const Q: StatsQuery = { since: 0, until: 86_400_000 };

test('sharedStats: identical queries while one runs share it; a different query runs on its own', async () => {
  const inner = counting();
  const shared = sharedStats(inner, 1_000, () => 0);
  const a = shared.run(Q);
  const b = shared.run({ ...Q });
  const c = shared.run({ ...Q, namespaces: ['shop'] });
  assert.equal(inner.calls.length, 2);
  inner.settle();
  assert.equal(await a, await b, 'the same report');
  assert.notEqual(await a, await c);
});

test('sharedStats: an answer is reused for reuseMs after it arrived, then computed again', async () => {
  const inner = counting();
  let now = 0;
  const shared = sharedStats(inner, 1_000, () => now);
  const first = shared.run(Q);
  inner.settle();
  await first;
  now = 999;
  assert.equal(await shared.run(Q), await first);
  assert.equal(inner.calls.length, 1);
  now = 1_000;
  const again = shared.run(Q);
  assert.equal(inner.calls.length, 2, 'recomputed once reuseMs passed');
  inner.settle();
  await again;
});

test('sharedStats: a failed computation is not reused', async () => {
  const inner = counting();
  const shared = sharedStats(inner, 1_000, () => 0);
  const failed = shared.run(Q);
  inner.settle(true);
  await assert.rejects(failed, /boom/);
  const next = shared.run(Q);
  assert.equal(inner.calls.length, 2);
  inner.settle();
  assert.equal((await next).total.releases, 0);
});
