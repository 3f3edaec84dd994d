import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZERO_COUNTERS, type Counters, type Measurement } from '../record.ts';
import { assessStep, count, isNoDataRetry, judge, NO_DATA_PROBES_PER_INTERVAL, NO_DATA_RETRY_MS, noDataRetryMs, type RawMeasurement } from './judge.ts';
import { validateAnalysis, type Analysis } from './schema.ts';

function analysis(doc: unknown): Analysis {
  const r = validateAnalysis(doc);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

const A = analysis({
  trafficFloor: 1,
  metrics: [
    { name: 'success-rate', builtin: 'success-rate', successCondition: 'result >= 0.99', failureCondition: 'result < 0.95', interval: '10s', count: 2, failureLimit: 0, inconclusiveLimit: 1 },
    { name: 'latency-p99', builtin: 'latency-p99', successCondition: 'result <= stable * 1.5 + 0.05', interval: '10s', count: 2 },
  ],
});
const [SR, LAT] = A.metrics as [(typeof A.metrics)[0], (typeof A.metrics)[0]];
const raw = (o: Partial<RawMeasurement>): RawMeasurement => ({ query: 'q', value: 1, stableQuery: null, stableValue: null, canaryRate: 10, stableRate: null, error: null, ...o });

test('one measurement, three-valued: no data and thin traffic are inconclusive, never a pass', () => {
  const rows: [typeof SR, Partial<RawMeasurement>, Measurement['verdict'], string][] = [
    [SR, { value: 0.999 }, 'successful', 'success-rate = 0.999'],
    [SR, { value: 0.7 }, 'failed', 'success-rate = 0.7: failure condition result < 0.95 holds'],
    [SR, { value: 0.97 }, 'inconclusive', 'between the thresholds'],
    [SR, { value: null }, 'inconclusive', 'no data'],
    [SR, { value: NaN }, 'inconclusive', 'no data'],
    [SR, { value: 1, canaryRate: 0.2 }, 'inconclusive', 'canary traffic 0.2 req/s is below the floor of 1 req/s'],
    [SR, { value: 1, canaryRate: null }, 'inconclusive', 'no request rate for the canary in Prometheus (traffic floor 1 req/s)'],
    [SR, { error: 'GET http://127.0.0.1:9/api/v1/query: connection refused' }, 'error', 'query failed: GET http://127.0.0.1:9'],
    [LAT, { value: 0.12, stableValue: 0.1, stableRate: 5 }, 'successful', 'latency-p99 = 0.12 (stable 0.1)'],
    [LAT, { value: 0.45, stableValue: 0.1, stableRate: 5 }, 'failed', 'success condition result <= stable * 1.5 + 0.05 does not hold'],
    [LAT, { value: 0.12, stableValue: null, stableRate: 5 }, 'inconclusive', 'cannot be decided without data'],
    [LAT, { value: 0.12, stableValue: 0.1, stableRate: 0 }, 'inconclusive', 'stable traffic 0 req/s is below the floor'],
  ];
  // a floor of 0 turns the traffic gate off; a missing value is still no data
  assert.equal(judge(SR, raw({ value: 0.999, canaryRate: null }), 0, 0, 1).verdict, 'successful');
  assert.equal(judge(SR, raw({ value: null, canaryRate: null }), 0, 0, 1).verdict, 'inconclusive');
  for (const [m, r, verdict, says] of rows) {
    const got = judge(m, raw(r), A.trafficFloor, 0, 1000);
    assert.equal(got.verdict, verdict, `${JSON.stringify(r)}: ${got.reason}`);
    assert.ok(got.reason.includes(says), `${got.reason} should include ${says}`);
    assert.equal(got.condition, m === SR ? 'success: result >= 0.99; failure: result < 0.95' : 'success: result <= stable * 1.5 + 0.05');
  }
});

function run(verdicts: [metric: string, verdict: Measurement['verdict'], at: number][]): { counters: Record<string, Counters>; ms: Measurement[] } {
  const counters: Record<string, Counters> = {};
  const ms: Measurement[] = [];
  for (const [metric, verdict, at] of verdicts) {
    const m: Measurement = { metric, step: 0, at, query: 'q', value: 1, stableQuery: null, stableValue: null, canaryRate: 1, stableRate: 1, condition: 'c', verdict, reason: `${metric} was ${verdict}` };
    counters[metric] = count(counters[metric], m);
    ms.push(m);
  }
  return { counters, ms };
}

test('step assessment: cadence from the step start, limits, pass only on enough successes', () => {
  const at = (v: [string, Measurement['verdict'], number][], now: number) => {
    const r = run(v);
    return assessStep(A, r.counters, r.ms, 0, 0, now);
  };
  // the first measurement is due when the step is reached (initialDelay 0), then one interval after the previous
  assert.deepEqual(at([], 0), { kind: 'measure', metrics: ['success-rate', 'latency-p99'] });
  const delayed = analysis({ metrics: [{ name: 'sr', builtin: 'success-rate', successCondition: 'result >= 0.99', interval: '10s', initialDelay: '4s' }] });
  assert.deepEqual(assessStep(delayed, {}, [], 0, 1_000, 2_000), { kind: 'wait', until: 5_000 });
  assert.deepEqual(at([['success-rate', 'successful', 10_000], ['latency-p99', 'successful', 10_500]], 15_000), { kind: 'wait', until: 20_000 });
  assert.deepEqual(at([['success-rate', 'successful', 10_000], ['latency-p99', 'successful', 10_500]], 20_000), { kind: 'measure', metrics: ['success-rate'] });
  const passed = [['success-rate', 'successful', 10_000], ['latency-p99', 'successful', 10_000], ['success-rate', 'successful', 20_000], ['latency-p99', 'successful', 20_000]] as [string, Measurement['verdict'], number][];
  assert.deepEqual(at(passed, 20_000), { kind: 'passed' });
  // inconclusive measurements never count towards `count`
  const noData = [['success-rate', 'inconclusive', 10_000], ['latency-p99', 'successful', 10_000], ['latency-p99', 'successful', 20_000]] as [string, Measurement['verdict'], number][];
  assert.deepEqual(at(noData, 20_000), { kind: 'measure', metrics: ['success-rate'] });
  const r = at([...noData, ['success-rate', 'inconclusive', 20_000]], 20_000);
  assert.equal(r.kind, 'paused');
  assert.ok(r.kind === 'paused' && r.reason.includes('2 inconclusive measurements, inconclusiveLimit 1'), JSON.stringify(r));
  const f = at([['success-rate', 'failed', 10_000]], 10_000);
  assert.ok(f.kind === 'failed' && f.reason.startsWith('success-rate was failed') && f.reason.includes('failureLimit 0'), JSON.stringify(f));
  const errs = at([1, 2, 3, 4, 5].map((i) => ['latency-p99', 'error', i * 10_000] as [string, Measurement['verdict'], number]), 60_000);
  assert.ok(errs.kind === 'paused' && errs.reason.includes('5 errors in a row, consecutiveErrorLimit 4'), JSON.stringify(errs));
  // an error followed by a success resets the streak
  const c = run([['latency-p99', 'error', 1], ['latency-p99', 'successful', 2]]).counters['latency-p99']!;
  assert.equal(c.consecutiveErrors, 0);
  assert.equal(c.errors, 1);
});

test('no data: retried without being recorded until one interval after the last counted measurement; thin traffic or a decision is counted at once', () => {
  const none = {};
  const retry = (r: Partial<RawMeasurement>, m: typeof SR, when: number, counters: Record<string, Counters> = none): boolean => isNoDataRetry(A, judge(m, raw(r), A.trafficFloor, 0, when), counters, 1_000);
  assert.equal(retry({ value: null }, SR, 5_000), true, 'no canary series yet');
  assert.equal(retry({ value: 1, canaryRate: null }, SR, 5_000), true, 'no rate yet (fewer than two scrapes)');
  assert.equal(retry({ value: 0.12, stableValue: null, stableRate: 5 }, LAT, 5_000), true, 'the stable has no data yet');
  assert.equal(retry({ value: null }, SR, 11_000), false, 'one interval after reachedAt no data counts as inconclusive');
  const once = { 'success-rate': { ...ZERO_COUNTERS, inconclusive: 1, lastAt: 11_000 } };
  assert.equal(retry({ value: null }, SR, 15_000, once), true, 'then once more per interval');
  assert.equal(retry({ value: null }, SR, 21_000, once), false);
  assert.equal(retry({ value: 1, canaryRate: 0.2 }, SR, 5_000), false, 'traffic below the floor is evidence of thin traffic, counted');
  assert.equal(retry({ value: 0.97 }, SR, 5_000), false, 'between the thresholds is counted');
  assert.equal(retry({ value: 0.7 }, SR, 5_000), false, 'a failure is counted at once');
  assert.equal(retry({ error: 'down' }, SR, 5_000), false, 'a query error is counted');
  // while the last counted measurement had no data the metric is due at once (the shell paces the retries)
  const m: Measurement = { ...judge(SR, raw({ value: null }), A.trafficFloor, 0, 11_000) };
  const c = { 'success-rate': count(undefined, m), 'latency-p99': { ...ZERO_COUNTERS, successes: 2, lastAt: 11_000 } };
  assert.deepEqual(assessStep(A, c, [m], 0, 1_000, 12_000), { kind: 'measure', metrics: ['success-rate'] });
});

test('no-data retries are bounded per interval: every second for short intervals, a quarter interval for long ones', () => {
  const a = (interval: string): Analysis => {
    const r = validateAnalysis({ metrics: [{ name: 'sr', builtin: 'success-rate', successCondition: 'result >= 0.99', interval }, { name: 'p99', builtin: 'latency-p99', successCondition: 'result <= 0.5', interval: '20m' }] });
    assert.ok(r.ok);
    return r.value;
  };
  assert.equal(noDataRetryMs(a('3s'), ['sr']), NO_DATA_RETRY_MS);
  assert.equal(noDataRetryMs(a('2m'), ['sr']), 30_000);
  assert.equal(noDataRetryMs(a('2m'), ['sr', 'p99']), 30_000, 'the shortest of the metrics retried');
  assert.equal(noDataRetryMs(a('2m'), ['p99']), 300_000);
  // per interval at most NO_DATA_PROBES_PER_INTERVAL retries, whatever its length
  for (const i of ['4s', '1m', '10m']) assert.ok(a(i).metrics[0]!.intervalMs / noDataRetryMs(a(i), ['sr']) <= NO_DATA_PROBES_PER_INTERVAL);
});
