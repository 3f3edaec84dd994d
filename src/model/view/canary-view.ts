import { z } from 'zod';
import { rfc3339Millis } from '../../lib/timestamps.ts';
import { trafficShareOf, type CanaryEntry, type CanaryMeasurementEntry } from '../../canary/ledger.ts';
import { PHASES, VERDICTS } from '../../canary/record.ts';
import { replicaShare } from '../../canary/split.ts';

/**
 * The public view of a canary (`GET /api/v1/canaries`, `GET /api/v1/canaries/{ns}/{name}`, the
 * dashboard's canary page): what it set out to do, where it stands, each step with its replica
 * share next to the traffic share measured in Prometheus, and each measurement with its query,
 * value, condition (the threshold) and verdict. Same rules as the release view: RFC 3339 UTC times
 * with milliseconds, null for absent values, fields added and never renamed.
 */

const time = z.iso.datetime().describe('RFC 3339 UTC time with milliseconds');

/** canaryMeasurementView is one measurement of one metric. */
export const canaryMeasurementView = z.strictObject({
  attempt: z.number().int(),
  step: z.number().int().describe('index into steps of the attempt (0-based)'),
  metric: z.string(),
  at: time,
  query: z.string().describe('the PromQL the canary was measured with'),
  value: z.number().nullable().describe('the canary\'s value; null when there was no data'),
  stableQuery: z.string().nullable(),
  stableValue: z.number().nullable().describe('the stable\'s (or baseline\'s) value, when a condition compares with it'),
  canaryRate: z.number().nullable().describe('requests per second the canary received'),
  stableRate: z.number().nullable().describe('requests per second the stable (or baseline) received'),
  condition: z.string().describe('the conditions applied — the thresholds, e.g. "success: result >= 0.99; failure: result < 0.95"'),
  verdict: z.enum(VERDICTS),
  reason: z.string().describe('the verdict in words, naming the value and the threshold'),
});

/** canaryStepView is one step of one attempt. */
export const canaryStepView = z.strictObject({
  attempt: z.number().int(),
  index: z.number().int(),
  weight: z.number().int().describe('the canary\'s planned share in percent'),
  canaryReplicas: z.number().int(),
  stableReplicas: z.number().int(),
  replicaShare: z.number().describe('canary replicas / all replicas, percent: the share a round-robin Service gives it'),
  trafficShare: z.number().nullable().describe('the canary\'s share of the requests measured in Prometheus at this step, percent; null without rate measurements'),
  reachedAt: time.nullable().describe('when the step\'s replicas were all ready; null until then or when the tracker missed it'),
  leftAt: time.nullable(),
  pauseUntil: time.nullable(),
});

/** failingMetricView is the measurement that aborted a canary. */
export const failingMetricView = z.strictObject({
  metric: z.string(),
  value: z.number().nullable(),
  stableValue: z.number().nullable(),
  condition: z.string().describe('the threshold that failed'),
  query: z.string(),
  reason: z.string(),
});

/** canarySummaryView is a canary as lists show it. */
export const canarySummaryView = z
  .strictObject({
    id: z.string(),
    cluster: z.string(),
    namespace: z.string(),
    name: z.string().describe('the stable Deployment'),
    canaryName: z.string().describe('the canary Deployment (deleted when the canary ends)'),
    state: z.enum(PHASES).describe('progressing, paused, promoting, aborting, promoted or aborted'),
    outcome: z.enum(['promoted', 'aborted']).nullable(),
    attempt: z.number().int(),
    images: z.array(z.strictObject({ container: z.string(), from: z.string(), to: z.string() })),
    stepIndex: z.number().int(),
    stepCount: z.number().int(),
    weight: z.number().int().describe('the current step\'s weight in percent'),
    totalReplicas: z.number().int(),
    service: z.string().nullable(),
    analysis: z.boolean().describe('whether Prometheus judges the canary'),
    message: z.string(),
    failing: failingMetricView.nullable(),
    startedAt: time,
    updatedAt: time,
    finishedAt: time.nullable(),
  })
  .describe('A canary release of a Deployment, as lists show it');

/** canaryView is one canary with its steps and measurements. */
export const canaryView = z
  .strictObject({
    canary: canarySummaryView,
    steps: z.array(canaryStepView),
    measurements: z.array(canaryMeasurementView).describe('oldest first'),
    metrics: z.array(z.string()).describe('the analysis metric names, in the analysis file\'s order'),
    promoteReleaseId: z.string().nullable().describe('the stable Deployment\'s release that took the canary\'s images (its change-cause is "canary-promote <id>: …"), once tracked'),
  })
  .describe('A canary release with each step and each measurement');

export type CanaryMeasurementView = z.infer<typeof canaryMeasurementView>;
export type CanaryStepView = z.infer<typeof canaryStepView>;
export type CanarySummaryView = z.infer<typeof canarySummaryView>;
export type CanaryView = z.infer<typeof canaryView>;

const analysisMetricNames = (analysis: unknown): string[] => {
  if (typeof analysis !== 'object' || analysis === null || !Array.isArray((analysis as { metrics?: unknown }).metrics)) return [];
  return ((analysis as { metrics: unknown[] }).metrics).flatMap((m) => (typeof m === 'object' && m !== null && typeof (m as { name?: unknown }).name === 'string' ? [(m as { name: string }).name] : []));
};

/** toCanarySummaryView converts a ledger entry for lists. */
export function toCanarySummaryView(e: CanaryEntry): CanarySummaryView {
  const r = e.record;
  const step = r.steps[Math.min(e.stepIndex, r.steps.length - 1)];
  return {
    id: e.id,
    cluster: e.cluster,
    namespace: e.namespace,
    name: e.name,
    canaryName: r.canaryName,
    state: e.phase,
    outcome: e.outcome,
    attempt: e.attempt,
    images: Object.entries(r.images).map(([container, to]) => ({ container, from: r.fromImages[container] ?? '', to })),
    stepIndex: e.stepIndex,
    stepCount: r.steps.length,
    weight: step?.weight ?? 100,
    totalReplicas: r.total,
    service: r.service === '' ? null : r.service,
    analysis: r.analysis !== null && r.analysis !== undefined,
    message: e.message,
    failing: e.failing,
    startedAt: rfc3339Millis(e.startedAt),
    updatedAt: rfc3339Millis(e.updatedAt),
    finishedAt: rfc3339Millis(e.finishedAt),
  };
}

const toMeasurementView = (m: CanaryMeasurementEntry): CanaryMeasurementView => ({
  attempt: m.attempt,
  step: m.step,
  metric: m.metric,
  at: rfc3339Millis(m.at),
  query: m.query,
  value: Number.isFinite(m.value) ? m.value : null,
  stableQuery: m.stableQuery,
  stableValue: Number.isFinite(m.stableValue) ? m.stableValue : null,
  canaryRate: Number.isFinite(m.canaryRate) ? m.canaryRate : null,
  stableRate: Number.isFinite(m.stableRate) ? m.stableRate : null,
  condition: m.condition,
  verdict: m.verdict,
  reason: m.reason,
});

/** toCanaryView converts a ledger entry with its steps and measurements. */
export function toCanaryView(e: CanaryEntry, promoteReleaseId: string | null): CanaryView {
  return {
    canary: toCanarySummaryView(e),
    steps: e.steps.map((s) => ({
      attempt: s.attempt,
      index: s.index,
      weight: s.weight,
      canaryReplicas: s.canaryReplicas,
      stableReplicas: s.stableReplicas,
      replicaShare: replicaShare({ canary: s.canaryReplicas, stable: s.stableReplicas }),
      trafficShare: trafficShareOf(e.measurements.filter((m) => m.attempt === s.attempt && m.step === s.index)),
      reachedAt: rfc3339Millis(s.reachedAt),
      leftAt: rfc3339Millis(s.leftAt),
      pauseUntil: rfc3339Millis(s.pauseUntil),
    })),
    measurements: e.measurements.map(toMeasurementView),
    metrics: analysisMetricNames(e.record.analysis),
    promoteReleaseId,
  };
}
