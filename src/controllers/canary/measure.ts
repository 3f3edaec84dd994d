import { judge, type RawMeasurement } from '../../canary/analysis/judge.ts';
import { usesStable, type Analysis } from '../../canary/analysis/schema.ts';
import { queryFor, trafficQueryFor, type QueryContext, type Track } from '../../canary/analysis/templates.ts';
import type { CanaryRecord, Measurement } from '../../canary/record.ts';
import type { Instant } from '../../lib/clock.ts';
import type { PrometheusClient } from '../../prometheus/client.ts';

/** contextOf is the template context of a canary record. */
export function contextOf(rec: CanaryRecord, a: Analysis): QueryContext {
  return { namespace: rec.namespace, service: rec.service, serviceSelector: rec.serviceSelector, labels: a.labels, releases: { canary: rec.canaryName, stable: rec.name, baseline: rec.baselineName ?? `${rec.name}-baseline` } };
}

/**
 * measure takes one round of measurements: per due metric, the canary's value and request rate
 * and — when a condition compares — the stable's (or the baseline's) value and rate. A failed
 * query makes that metric's measurement an `error` naming the URL; it never throws for Prometheus.
 */
export async function measure(prom: PrometheusClient, rec: CanaryRecord, a: Analysis, metrics: readonly string[], step: number, now: () => Instant, signal: AbortSignal): Promise<Measurement[]> {
  const ctx = contextOf(rec, a);
  const other: Track = rec.baselineName !== null ? 'baseline' : 'stable';
  const out: Measurement[] = [];
  for (const name of metrics) {
    const m = a.metrics.find((x) => x.name === name);
    if (m === undefined) continue;
    const compares = usesStable(m);
    const query = queryFor(m, ctx, 'canary');
    const stableQuery = compares ? queryFor(m, ctx, other) : null;
    let raw: RawMeasurement;
    try {
      const [value, canaryRate, stableValue, stableRate] = await Promise.all([
        prom.instant(query, signal),
        a.trafficFloor > 0 ? prom.instant(trafficQueryFor(ctx, 'canary', m.intervalMs), signal) : Promise.resolve(null),
        stableQuery === null ? Promise.resolve(null) : prom.instant(stableQuery, signal),
        compares && a.trafficFloor > 0 ? prom.instant(trafficQueryFor(ctx, other, m.intervalMs), signal) : Promise.resolve(null),
      ]);
      raw = { query, value, stableQuery, stableValue, canaryRate, stableRate, error: null };
    } catch (e) {
      if (signal.aborted) throw e;
      raw = { query, value: null, stableQuery, stableValue: null, canaryRate: null, stableRate: null, error: e instanceof Error ? e.message : String(e) };
    }
    out.push(judge(m, raw, a.trafficFloor, step, now()));
  }
  return out;
}
