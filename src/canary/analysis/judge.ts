import type { Instant } from '../../lib/clock.ts';
import type { Counters, Measurement, MeasurementVerdict } from '../record.ts';
import { ZERO_COUNTERS } from '../record.ts';
import { evaluate } from './condition.ts';
import { usesStable, type Analysis, type MetricSpec } from './schema.ts';

/**
 * Judging measurements, three-valued. One measurement of one metric is:
 * - `error` when a query failed (Prometheus unreachable, a bad query);
 * - `inconclusive` when a judged track's request rate is below the traffic floor (a floor of 0
 *   turns this gate off: no rate is queried), when a value
 *   is missing or NaN, or when both conditions are given and neither holds — never a pass;
 * - else `failed` when the failure condition holds or the success condition does not;
 * - else `successful`.
 * A step's analysis (assessStep) passes once every metric has `count` successful measurements;
 * one failure more than `failureLimit` fails it (abort), one inconclusive more than
 * `inconclusiveLimit` or one error in a row more than `consecutiveErrorLimit` pauses the canary for
 * a human (a monitoring gap is not evidence against the canary, nor for it).
 */

/** RawMeasurement is what the shell got from Prometheus for one metric (null: no data). */
export interface RawMeasurement {
  readonly query: string;
  readonly value: number | null;
  readonly stableQuery: string | null;
  readonly stableValue: number | null;
  readonly canaryRate: number | null;
  /** The compared track's rate; null when the metric does not compare. */
  readonly stableRate: number | null;
  /** Set when a query failed: what went wrong (names the URL). */
  readonly error: string | null;
}

const fmt = (v: number | null): string => (v === null || Number.isNaN(v) ? 'no data' : Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, ''));

/** conditionText renders the conditions applied. */
export function conditionText(m: MetricSpec): string {
  return [m.successCondition ? `success: ${m.successCondition.text}` : '', m.failureCondition ? `failure: ${m.failureCondition.text}` : ''].filter((s) => s !== '').join('; ');
}

/** judge turns one raw measurement into a Measurement with a verdict and its reason. */
export function judge(m: MetricSpec, raw: RawMeasurement, floor: number, step: number, at: Instant): Measurement {
  const base = { metric: m.name, step, at, query: raw.query, value: raw.value, stableQuery: raw.stableQuery, stableValue: raw.stableValue, canaryRate: raw.canaryRate, stableRate: raw.stableRate, condition: conditionText(m) };
  const verdict = (v: MeasurementVerdict, reason: string): Measurement => ({ ...base, verdict: v, reason });
  if (raw.error !== null) return verdict('error', `${m.name}: query failed: ${raw.error}`);
  const compares = usesStable(m);
  const thin = (track: string, rate: number | null): string =>
    rate === null || Number.isNaN(rate) ? `${m.name}: no request rate for the ${track} in Prometheus (traffic floor ${floor} req/s)` : `${m.name}: ${track} traffic ${fmt(rate)} req/s is below the floor of ${floor} req/s`;
  if (floor > 0 && (raw.canaryRate === null || Number.isNaN(raw.canaryRate) || raw.canaryRate < floor)) return verdict('inconclusive', thin('canary', raw.canaryRate));
  if (floor > 0 && compares && (raw.stableRate === null || Number.isNaN(raw.stableRate) || raw.stableRate < floor)) return verdict('inconclusive', thin('stable', raw.stableRate));
  const vals = { result: raw.value, stable: raw.stableValue };
  const withStable = compares ? ` (stable ${fmt(raw.stableValue)})` : '';
  if (raw.value === null || Number.isNaN(raw.value)) return verdict('inconclusive', `${m.name}: no data for the canary`);
  const fail = m.failureCondition ? evaluate(m.failureCondition, vals) : null;
  const pass = m.successCondition ? evaluate(m.successCondition, vals) : null;
  const head = `${m.name} = ${fmt(raw.value)}${withStable}`;
  if (fail === true) return verdict('failed', `${head}: failure condition ${m.failureCondition!.text} holds`);
  if (pass === false && !m.failureCondition) return verdict('failed', `${head}: success condition ${m.successCondition!.text} does not hold`);
  // From here on nothing failed. A success needs every given condition decided the right way.
  const successDecided = m.successCondition ? pass === true : true;
  const failureDecided = m.failureCondition ? fail === false : true;
  if (successDecided && failureDecided) return verdict('successful', `${head}: ${conditionText(m)}`);
  if ((m.successCondition && pass === null) || (m.failureCondition && fail === null)) return verdict('inconclusive', `${head}: cannot be decided without data (${conditionText(m)})`);
  return verdict('inconclusive', `${head}: between the thresholds (${conditionText(m)})`);
}

/**
 * NO_DATA_RETRY_MS: while a metric finds no data (hasNoData: its series absent, NaN, or fewer than
 * the two scrapes rate() needs), it is measured again sooner than once per interval — every
 * noDataRetryMs (at least this, about one scrape; at most NO_DATA_PROBES_PER_INTERVAL times per
 * interval) — and such a measurement is counted (as inconclusive) only once per interval: the
 * first time one interval after the previous counted measurement (or after reachedAt +
 * initialDelay), the others are retries that are not recorded (isNoDataRetry). So a canary's first
 * judged measurement comes within a scrape (short intervals) or a quarter interval (long ones) of
 * its data reaching Prometheus, not up to an interval later, while no traffic at all still counts
 * one inconclusive per interval and pauses the canary after the same time as with a fixed cadence.
 * The number of retries per interval is bounded, so a step without data costs Prometheus and the
 * API server the same per interval whether the interval is 3 s or 5 min (bench/canary.bench.ts).
 */
export const NO_DATA_RETRY_MS = 1000;
/** NO_DATA_PROBES_PER_INTERVAL bounds the no-data retries per interval (see NO_DATA_RETRY_MS). */
export const NO_DATA_PROBES_PER_INTERVAL = 4;

/** noDataRetryMs is how long to wait before measuring `metrics` again after none of them found data. */
export function noDataRetryMs(a: Analysis, metrics: readonly string[]): number {
  let ms = Number.POSITIVE_INFINITY;
  for (const m of a.metrics) if (metrics.includes(m.name)) ms = Math.min(ms, Math.max(NO_DATA_RETRY_MS, Math.ceil(m.intervalMs / NO_DATA_PROBES_PER_INTERVAL)));
  return ms === Number.POSITIVE_INFINITY ? NO_DATA_RETRY_MS : ms;
}

/** hasNoData tells whether an inconclusive measurement lacked data (a series absent or NaN) rather than traffic or a decision. */
export function hasNoData(m: MetricSpec, x: Measurement, floor: number): boolean {
  if (x.verdict !== 'inconclusive') return false;
  if (x.value === null || (floor > 0 && x.canaryRate === null)) return true;
  return usesStable(m) && (x.stableValue === null || (floor > 0 && x.stableRate === null));
}

/** countDueAt is when a metric's next measurement counts: one interval after its last counted one, or after reachedAt + initialDelay. */
function countDueAt(m: MetricSpec, c: Counters | undefined, reachedAt: Instant): Instant {
  const lastAt = c?.lastAt ?? null;
  return lastAt === null ? reachedAt + m.initialDelayMs + m.intervalMs : lastAt + m.intervalMs;
}

/** isNoDataRetry tells whether a measurement is a no-data retry that is not recorded (NO_DATA_RETRY_MS). */
export function isNoDataRetry(a: Analysis, x: Measurement, counters: Readonly<Record<string, Counters>>, reachedAt: Instant): boolean {
  const m = a.metrics.find((s) => s.name === x.metric);
  return m !== undefined && hasNoData(m, x, a.trafficFloor) && x.at < countDueAt(m, counters[m.name], reachedAt);
}

/** count adds a measurement to a metric's counters. */
export function count(c: Counters | undefined, m: Measurement): Counters {
  const b = c ?? ZERO_COUNTERS;
  return {
    successes: b.successes + (m.verdict === 'successful' ? 1 : 0),
    failures: b.failures + (m.verdict === 'failed' ? 1 : 0),
    inconclusive: b.inconclusive + (m.verdict === 'inconclusive' ? 1 : 0),
    errors: b.errors + (m.verdict === 'error' ? 1 : 0),
    consecutiveErrors: m.verdict === 'error' ? b.consecutiveErrors + 1 : 0,
    lastAt: m.at,
  };
}

/** Assessment is where a step's analysis stands. */
export type Assessment =
  | { readonly kind: 'measure'; readonly metrics: readonly string[] }
  | { readonly kind: 'wait'; readonly until: Instant }
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'paused'; readonly reason: string };

/** lastOf finds the newest measurement of a metric at a step. */
function lastOf(ms: readonly Measurement[], metric: string, step: number): Measurement | undefined {
  for (let i = ms.length - 1; i >= 0; i--) if (ms[i]!.metric === metric && ms[i]!.step === step) return ms[i];
  return undefined;
}

/**
 * assessStep decides a step's analysis from its counters: failed, paused, passed, a measurement
 * due now, or the time the next one is due. Measurement times count from `reachedAt` (when the
 * step's replicas were ready): the first at reachedAt + initialDelay (its rate window may reach
 * back before the step: that is still the canary's own data), then one interval after the previous
 * counted one — all persisted, so a restart keeps the cadence. While a metric finds no data it is
 * due at once: the shell retries every noDataRetryMs (see NO_DATA_RETRY_MS).
 */
export function assessStep(a: Analysis, counters: Readonly<Record<string, Counters>>, measurements: readonly Measurement[], step: number, reachedAt: Instant, now: Instant): Assessment {
  for (const m of a.metrics) {
    const c = counters[m.name] ?? ZERO_COUNTERS;
    if (c.failures > m.failureLimit) {
      const last = measurements.filter((x) => x.metric === m.name && x.step === step && x.verdict === 'failed').at(-1);
      return { kind: 'failed', reason: `${last?.reason ?? `${m.name} failed`} (${c.failures} failed measurement${c.failures === 1 ? '' : 's'}, failureLimit ${m.failureLimit})` };
    }
  }
  for (const m of a.metrics) {
    const c = counters[m.name] ?? ZERO_COUNTERS;
    if (c.consecutiveErrors > m.consecutiveErrorLimit)
      return { kind: 'paused', reason: `${lastOf(measurements, m.name, step)?.reason ?? `${m.name}: queries failed`} (${c.consecutiveErrors} errors in a row, consecutiveErrorLimit ${m.consecutiveErrorLimit}); fix Prometheus, then promote or abort` };
    if (c.inconclusive > m.inconclusiveLimit)
      return { kind: 'paused', reason: `${lastOf(measurements, m.name, step)?.reason ?? `${m.name} inconclusive`} (${c.inconclusive} inconclusive measurements, inconclusiveLimit ${m.inconclusiveLimit}); promote to continue or abort` };
  }
  const due: string[] = [];
  let next = Number.POSITIVE_INFINITY;
  for (const m of a.metrics) {
    const c = counters[m.name] ?? ZERO_COUNTERS;
    if (c.successes >= m.count) continue;
    // probing for data: the first measurement of a step, or the last counted one found no data
    const last = c.lastAt === null ? undefined : lastOf(measurements, m.name, step);
    const probing = c.lastAt === null || (last !== undefined && hasNoData(m, last, a.trafficFloor));
    const at = probing ? Math.max(reachedAt + m.initialDelayMs, c.lastAt ?? 0) : c.lastAt! + m.intervalMs;
    if (at <= now) due.push(m.name);
    else next = Math.min(next, at);
  }
  if (due.length > 0) return { kind: 'measure', metrics: due };
  if (next === Number.POSITIVE_INFINITY) return { kind: 'passed' };
  return { kind: 'wait', until: next };
}
