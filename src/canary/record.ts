import { z } from 'zod';
import type { Instant } from '../lib/clock.ts';
import { isJsonObject } from '../model/fields.ts';

/**
 * A canary's state ON THE CLUSTER, as annotations on the stable Deployment (it outlives the
 * canary Deployment, so a finished canary can still be reported):
 * - RECORD_ANNOTATION (`rollscope.io/canary`): what this canary set out to do — written once at
 *   the start, never changed (images, steps, the analysis file's content, the total replicas).
 * - STATUS_ANNOTATION (`rollscope.io/canary-status`): where it stands — phase, step index, when
 *   the step was reached, the pause deadline, per-metric counters, the last measurements, the
 *   driver holding it. Every write of it carries the object's resourceVersion (a conflicting write
 *   by another driver fails with 409 and is recomputed), so a restarted driver reads the same step
 *   and the same pause deadline and continues; it never repeats or skips a step.
 * - COMMAND_ANNOTATION (`rollscope.io/canary-command`): the last human command (promote, abort,
 *   retry) with a unique id; the planner acts on a command once, marking its id handled in the status.
 * Both records are validated on read (zod); a malformed annotation reads as absent, with the
 * shell warning about it.
 */
export const RECORD_ANNOTATION = 'rollscope.io/canary';
export const STATUS_ANNOTATION = 'rollscope.io/canary-status';
export const COMMAND_ANNOTATION = 'rollscope.io/canary-command';
/** TRACK_LABEL is the pod label telling the tracks apart (`canary`, `baseline`; absent on the stable). */
export const TRACK_LABEL = 'rollscope.io/track';
/**
 * ACTIVE_LABEL (`rollscope.io/canary-active: "true"`) marks a stable Deployment whose canary a
 * driver has work on: set with the start (and by a command), removed with the finish write. It
 * lets `serve` find the canaries to drive with one label-selected list instead of reading every
 * Deployment's annotations.
 */
export const ACTIVE_LABEL = 'rollscope.io/canary-active';
/** CANARY_OF_LABEL marks a canary or baseline Deployment with the stable one's name. */
export const CANARY_OF_LABEL = 'rollscope.io/canary-of';
/** MEASUREMENTS_KEPT bounds the measurement history kept in the status annotation. */
export const MEASUREMENTS_KEPT = 40;

const pauseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('timed'), ms: z.number().int().positive() }),
  z.object({ kind: z.literal('manual') }),
]);

export const canaryRecordSchema = z.object({
  v: z.literal(1),
  /** Unique id of this canary (time-based, from the shell). */
  id: z.string().min(1),
  namespace: z.string(),
  name: z.string(),
  canaryName: z.string(),
  /** The baseline Deployment's name with --baseline, else null. */
  baselineName: z.string().nullable(),
  /** New image per container name. */
  images: z.record(z.string(), z.string()),
  /** The stable's images at the start, per container (abort and the report use them). */
  fromImages: z.record(z.string(), z.string()),
  steps: z.array(z.object({ weight: z.number().int().min(0).max(100), pause: pauseSchema })).min(1),
  /** Replicas split between the tracks: the stable's (or its HPA's) count at the start. */
  total: z.number().int().min(0),
  /** The Service both tracks sit behind ('' when none was found: no traffic analysis possible). */
  service: z.string(),
  serviceSelector: z.record(z.string(), z.string()),
  /** The analysis file's content as validated (re-validated on read), or null for no analysis. */
  analysis: z.unknown().nullable(),
  /**
   * The Prometheus base URL the analysis queries, so any driver (a rerun CLI, `serve`) can resume
   * the canary; without credentials (user:password@ is removed before it is recorded: never a
   * secret on the cluster). Absent in records written before it was kept; null without analysis.
   */
  prometheus: z.string().nullable().optional(),
  startedAt: z.number(),
});
export type CanaryRecord = z.infer<typeof canaryRecordSchema>;

export const PHASES = ['progressing', 'paused', 'promoting', 'aborting', 'promoted', 'aborted'] as const;
export type Phase = (typeof PHASES)[number];
export const isFinal = (p: Phase): boolean => p === 'promoted' || p === 'aborted';

export const VERDICTS = ['successful', 'failed', 'inconclusive', 'error'] as const;
export type MeasurementVerdict = (typeof VERDICTS)[number];

const measurementSchema = z.object({
  metric: z.string(),
  step: z.number().int(),
  at: z.number(),
  /** The canary's query and value (null: no data). */
  query: z.string(),
  value: z.number().nullable(),
  /** The stable's (or baseline's) query and value when a condition compares with it. */
  stableQuery: z.string().nullable(),
  stableValue: z.number().nullable(),
  /** Request rates (req/s) of the judged tracks, for the traffic floor and the traffic share. */
  canaryRate: z.number().nullable(),
  stableRate: z.number().nullable(),
  /** The conditions applied, e.g. "success: result >= 0.99; failure: result < 0.95". */
  condition: z.string(),
  verdict: z.enum(VERDICTS),
  /** Why, in words (names the value and the threshold). */
  reason: z.string(),
});
export type Measurement = z.infer<typeof measurementSchema>;

const countersSchema = z.object({
  successes: z.number().int(),
  failures: z.number().int(),
  inconclusive: z.number().int(),
  errors: z.number().int(),
  consecutiveErrors: z.number().int(),
  lastAt: z.number().nullable(),
});
export type Counters = z.infer<typeof countersSchema>;
export const ZERO_COUNTERS: Counters = Object.freeze({ successes: 0, failures: 0, inconclusive: 0, errors: 0, consecutiveErrors: 0, lastAt: null });

export const canaryStatusSchema = z.object({
  v: z.literal(1),
  /** The record's id this status belongs to. */
  id: z.string(),
  phase: z.enum(PHASES),
  stepIndex: z.number().int().min(0),
  /** When the current step's replicas were all ready (its analysis and pause count from here); null before. */
  stepReachedAt: z.number().nullable(),
  /** Deadline of the current step's timed pause, set once when the pause begins; null when none. */
  pauseUntil: z.number().nullable(),
  /** Per-metric counters of the current step. */
  counters: z.record(z.string(), countersSchema),
  /** The last MEASUREMENTS_KEPT measurements, oldest first. */
  measurements: z.array(measurementSchema),
  /** What the phase is about, in words (the failing metric with value and threshold on abort). */
  message: z.string(),
  /** Attempts: 1, +1 per retry. */
  attempt: z.number().int().min(1),
  /** The last command id acted on. */
  handledCommand: z.string().nullable(),
  /** The driver acting on this canary and until when its claim holds (renewed with every status write). */
  holder: z.string(),
  holderUntil: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type CanaryStatus = z.infer<typeof canaryStatusSchema>;

export const COMMANDS = ['promote', 'abort', 'retry'] as const;
export type CommandVerb = (typeof COMMANDS)[number];
const commandSchema = z.object({ verb: z.enum(COMMANDS), id: z.string().min(1), at: z.number(), by: z.string() });
export type CanaryCommand = z.infer<typeof commandSchema>;

function annotation(obj: unknown, key: string): string | undefined {
  if (!isJsonObject(obj) || !isJsonObject(obj.metadata) || !isJsonObject(obj.metadata.annotations)) return undefined;
  const v = obj.metadata.annotations[key];
  return typeof v === 'string' ? v : undefined;
}

function decode<T>(schema: z.ZodType<T>, text: string | undefined): T | null {
  if (text === undefined) return null;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** recordOf reads the canary record of a stable Deployment; null when absent or malformed. */
export const recordOf = (obj: unknown): CanaryRecord | null => decode(canaryRecordSchema, annotation(obj, RECORD_ANNOTATION));
/** statusOf reads the canary status; null when absent or malformed. */
export const statusOf = (obj: unknown): CanaryStatus | null => decode(canaryStatusSchema, annotation(obj, STATUS_ANNOTATION));
/** commandOf reads the last command; null when none. */
export const commandOf = (obj: unknown): CanaryCommand | null => decode(commandSchema, annotation(obj, COMMAND_ANNOTATION));
/** malformedAnnotations lists our annotations that are present but do not validate (the shell warns). */
export function malformedAnnotations(obj: unknown): string[] {
  const out: string[] = [];
  if (annotation(obj, RECORD_ANNOTATION) !== undefined && recordOf(obj) === null) out.push(RECORD_ANNOTATION);
  if (annotation(obj, STATUS_ANNOTATION) !== undefined && statusOf(obj) === null) out.push(STATUS_ANNOTATION);
  if (annotation(obj, COMMAND_ANNOTATION) !== undefined && commandOf(obj) === null) out.push(COMMAND_ANNOTATION);
  return out;
}

/** initialStatus is a new canary's status, claimed by `holder` until `holderUntil`. */
export function initialStatus(rec: CanaryRecord, holder: string, now: Instant, leaseMs: number, handledCommand: string | null): CanaryStatus {
  return {
    v: 1,
    id: rec.id,
    phase: 'progressing',
    stepIndex: 0,
    stepReachedAt: null,
    pauseUntil: null,
    counters: {},
    measurements: [],
    message: 'started',
    attempt: 1,
    handledCommand,
    holder,
    holderUntil: now + leaseMs,
    updatedAt: now,
    finishedAt: null,
  };
}

/** commandAnnotation renders a command for a merge patch. */
export const encodeCommand = (c: CanaryCommand): string => JSON.stringify(c);
