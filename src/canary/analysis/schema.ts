import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.ts';
import { parseDuration } from '../../model/duration.ts';
import { parseCondition, type Condition } from './condition.ts';

/**
 * The analysis file (`rollscope canary --analysis FILE`, YAML or JSON): which Prometheus queries
 * judge a canary, how often and how many times, and what counts as failed. Validated with zod;
 * every bad field gets its own error with its path. The JSON Schema published in
 * docs/canary-analysis.schema.json is generated from ANALYSIS_FILE_SCHEMA (see schema-json.ts and
 * its test, which fails when the published file is stale). Field meanings follow Argo Rollouts'
 * AnalysisTemplate where they share a name (`analysis_types.go`), with one deliberate difference:
 * only successful measurements count towards `count`; an inconclusive or failed query is taken
 * again next interval, bounded by its limit (so no data can never add up to a pass).
 */

const durationText = z
  .string()
  .refine((s) => parseDuration(s) !== null, { message: 'a duration like 30s, 1m or 500ms' })
  .describe('Go-style duration, e.g. 30s, 1m, 1m30s');
const conditionText = z.string().min(1).describe('expression over `result` (the canary) and `stable` (the stable or baseline), e.g. "result >= 0.99"');

/** BUILTIN_METRICS are the queries rollscope writes itself (templates.ts). */
export const BUILTIN_METRICS = ['success-rate', 'latency-p99'] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];

const metricSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and dashes').describe('unique name, shown in every decision'),
    query: z.string().min(1).optional().describe('PromQL template; {{namespace}}, {{service}}, {{track}}, {{release}}, {{interval}}, {{selector}} are replaced. Must give one number (a one-sample vector or a scalar)'),
    builtin: z.enum(BUILTIN_METRICS).optional().describe('use a built-in query instead of `query`: success-rate (non-5xx / all requests) or latency-p99 (seconds)'),
    successCondition: conditionText.optional(),
    failureCondition: conditionText.optional(),
    interval: durationText.default('30s').describe('time between measurements, also the rate() window of built-ins'),
    initialDelay: durationText.default('0s').describe('wait after a step is reached before the first measurement'),
    count: z.int().min(1).default(3).describe('successful measurements needed to pass a step'),
    failureLimit: z.int().min(0).default(0).describe('failed measurements tolerated; one more aborts the canary'),
    inconclusiveLimit: z.int().min(0).default(2).describe('inconclusive measurements tolerated per step; one more pauses the canary for a human'),
    consecutiveErrorLimit: z.int().min(0).default(4).describe('query errors in a row tolerated; one more pauses the canary'),
  })
  .describe('one metric judged at every step');

/** ANALYSIS_FILE_SCHEMA is the file's schema (input form, defaults applied on parse). */
export const ANALYSIS_FILE_SCHEMA = z
  .strictObject({
    trafficFloor: z.number().min(0).default(0.5).describe('requests per second each judged track must receive; below it (or with no data about it) a measurement is inconclusive; 0 turns the traffic gate off'),
    labels: z
      .strictObject({
        namespace: z.string().min(1).default('namespace').describe('label holding the namespace on scraped series'),
        track: z.string().min(1).default('rollscope_io_track').describe('label holding the pod label rollscope.io/track (Prometheus labelmap spelling)'),
      })
      .prefault({})
      .describe('label names on the scraped series, used by {{selector}} and the built-ins'),
    metrics: z.array(metricSchema).min(1).describe('the metrics judged at every step'),
  })
  .describe('rollscope canary analysis file');

/** MetricSpec is one validated metric with parsed conditions and durations in ms. */
export interface MetricSpec {
  readonly name: string;
  readonly query: string | null;
  readonly builtin: BuiltinMetric | null;
  readonly successCondition: Condition | null;
  readonly failureCondition: Condition | null;
  readonly intervalMs: number;
  readonly initialDelayMs: number;
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
}

/** Analysis is a validated analysis file. */
export interface Analysis {
  readonly trafficFloor: number;
  readonly labels: { readonly namespace: string; readonly track: string };
  readonly metrics: readonly MetricSpec[];
}

/** usesStable tells whether a metric needs the stable (or baseline) track measured too. */
export const usesStable = (m: MetricSpec): boolean => (m.successCondition?.usesStable ?? false) || (m.failureCondition?.usesStable ?? false);

type FileInput = z.input<typeof ANALYSIS_FILE_SCHEMA>;

/**
 * validateAnalysis checks a parsed document; on failure one message per bad field, each naming
 * its path (e.g. `metrics[1].successCondition: …`).
 */
export function validateAnalysis(doc: unknown): Result<Analysis, string[]> {
  const r = ANALYSIS_FILE_SCHEMA.safeParse(doc);
  if (!r.success) return err(r.error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.message}`));
  const problems: string[] = [];
  const names = new Set<string>();
  const metrics: MetricSpec[] = [];
  for (const [idx, m] of r.data.metrics.entries()) {
    const at = `metrics[${idx}]`;
    if (names.has(m.name)) problems.push(`${at}.name: ${m.name} is used twice`);
    names.add(m.name);
    if ((m.query === undefined) === (m.builtin === undefined)) problems.push(`${at}: give exactly one of query or builtin`);
    if (m.successCondition === undefined && m.failureCondition === undefined) problems.push(`${at}: give successCondition, failureCondition or both`);
    const parse = (field: 'successCondition' | 'failureCondition'): Condition | null => {
      const t = m[field];
      if (t === undefined) return null;
      const c = parseCondition(t);
      if (!c.ok) problems.push(`${at}.${field}: ${c.error}`);
      return c.ok ? c.value : null;
    };
    metrics.push({
      name: m.name,
      query: m.query ?? null,
      builtin: m.builtin ?? null,
      successCondition: parse('successCondition'),
      failureCondition: parse('failureCondition'),
      intervalMs: parseDuration(m.interval)!,
      initialDelayMs: parseDuration(m.initialDelay)!,
      count: m.count,
      failureLimit: m.failureLimit,
      inconclusiveLimit: m.inconclusiveLimit,
      consecutiveErrorLimit: m.consecutiveErrorLimit,
    });
    if (parseDuration(m.interval) === 0) problems.push(`${at}.interval: must be more than 0s`);
  }
  if (problems.length > 0) return err(problems);
  return ok({ trafficFloor: r.data.trafficFloor, labels: r.data.labels, metrics });
}

/** parseAnalysisText reads YAML (or JSON) text and validates it; errors are prefixed with `source`. */
export function parseAnalysisText(text: string, source: string): Result<Analysis, string[]> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return err([`${source}: not YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  const r = validateAnalysis(doc);
  return r.ok ? r : err(r.error.map((m) => `${source}: ${m}`));
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

/** defaultAnalysis is used with --prometheus and no --analysis: the two built-ins against the stable. */
export function defaultAnalysis(intervalText = '30s'): Analysis {
  const doc: FileInput = {
    metrics: [
      { name: 'success-rate', builtin: 'success-rate', successCondition: 'result >= 0.99 || result >= stable - 0.005', failureCondition: 'result < 0.95 && result < stable - 0.02', interval: intervalText },
      { name: 'latency-p99', builtin: 'latency-p99', successCondition: 'result <= stable * 1.5 + 0.05', failureCondition: 'result > stable * 2 + 0.1', interval: intervalText },
    ],
  };
  const r = validateAnalysis(doc);
  if (!r.ok) throw new Error(`built-in analysis is invalid: ${r.error.join('; ')}`);
  return r.value;
}
