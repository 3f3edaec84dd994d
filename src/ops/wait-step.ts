import type { Instant } from '../lib/clock.ts';
import type { TrackerError } from '../lib/errors.ts';
import { err, ok, type Result } from '../lib/result.ts';
import type { DiagnosisCode } from '../model/diagnosis.ts';
import type { WorkloadRecord } from '../model/records.ts';
import { computeVerdict } from '../track/status/compute.ts';
import { goDuration } from '../model/duration.ts';
import { evaluateFailFast, type FailFastRules } from '../track/status/fail-fast.ts';
import { NO_PROGRESS, verdict, type Verdict } from '../track/status/verdict.ts';
import { workloadObject } from '../track/status/workload-record.ts';
import { describeTarget } from './workload-target.ts';
import { stuckPods, type StuckPod, type WorkloadView } from './workload-view.ts';
import type { WorkloadTarget } from '../model/release.ts';

/** TargetStatus is where the wait for one workload stands: still `waiting`, or settled as `done`, `failed` or `notfound`. */
export type TargetStatus = 'waiting' | 'done' | 'failed' | 'notfound';

/**
 * TargetTrack is what the waiter remembers about one workload between steps: whether it was ever
 * seen, its pod template's fingerprint when first seen (to notice a newer revision superseding it), when it first
 * saw each diagnosis code (fail-fast grace counts from there), and the last verdict.
 */
export interface TargetTrack {
  readonly target: WorkloadTarget;
  readonly seen: boolean;
  readonly template: string | null;
  readonly superseded: boolean;
  readonly firstSeen: Readonly<Partial<Record<DiagnosisCode, Instant>>>;
  readonly status: TargetStatus;
  readonly verdict: Verdict;
  readonly stuck: readonly StuckPod[];
  /** When the workload settled (done/failed/notfound); null while waiting. */
  readonly settledAt: Instant | null;
}

/** newTrack is the track of a workload before anything was observed. */
export function newTrack(target: WorkloadTarget): TargetTrack {
  return { target, seen: false, template: null, superseded: false, firstSeen: {}, status: 'waiting', verdict: verdict('InProgress', 'NotObserved', 'waiting for the first observation', NO_PROGRESS), stuck: [], settledAt: null };
}

/** StepInput is one observation of one workload. */
export interface StepInput {
  readonly track: TargetTrack;
  /** The workload's record as the watch holds it now (the tracker's projection); null when it does not exist. */
  readonly workload: WorkloadRecord | null;
  readonly view: WorkloadView;
  readonly now: Instant;
  /** When the wait began. */
  readonly startedAt: Instant;
  readonly rules: FailFastRules;
  /** How long a workload missing at the start may take to appear before it counts as not found. */
  readonly notFoundGraceMs: number;
  /** Passed to diagnose(). If unset, 30 s. */
  readonly notReadyGraceMs?: number;
  /**
   * Count a paused Deployment as done once the controller has observed the pause (for `pause
   * --wait`). If unset, false: paused fails the wait.
   */
  readonly pausedIsDone?: boolean;
}

/** StepOutput is the new track and, while waiting, when the waiter should look again without a change (a fail-fast grace ending). */
export interface StepOutput {
  readonly track: TargetTrack;
  readonly recheckAt: Instant | null;
}

/** RECHECK_MS bounds how long an in-progress workload goes without re-evaluation: time alone can turn a not-ready pod into ReadinessFailing. Local work only, no requests. */
const RECHECK_MS = 1000;

/**
 * stepTarget re-judges one workload. Pure. Rules:
 * - missing: after having been seen → failed, reason Deleted; never seen → notfound once the
 *   not-found grace is over, else waiting.
 * - being deleted → failed, reason Deleted.
 * - the pod template changed since first seen (its fingerprint, as the tracker tells releases apart)
 *   → marked superseded; the wait goes on for the newest.
 * - Current → done; Failed (progress deadline, or a diagnosis past its fail-fast grace counted
 *   from when this waiter first saw it) → failed; Paused → failed with reason Paused (a paused
 *   Deployment never finishes; kubectl would wait forever).
 * The verdict comes from computeVerdict over the record read back as an object
 * (track/status/workload-record.ts), the same rules the ledger's completion uses.
 * Errors: UNSUPPORTED_KIND / MALFORMED_OBJECT from computeVerdict.
 */
export function stepTarget(input: StepInput): Result<StepOutput, TrackerError> {
  const { track, workload, now } = input;
  if (track.status !== 'waiting') return ok({ track, recheckAt: null });
  const subject = describeTarget(track.target);
  if (workload === null) {
    if (track.seen) return ok(settle(track, 'failed', deleted(`${subject} was deleted during the wait`, subject), now));
    if (now - input.startedAt >= input.notFoundGraceMs)
      return ok(settle(track, 'notfound', verdict('NotFound', 'NotFound', `${subject} not found`, NO_PROGRESS), now));
    const waiting = verdict('InProgress', 'NotCreated', `not created yet; waiting up to ${goDuration(input.notFoundGraceMs)} (--grace) for it to appear`, NO_PROGRESS);
    return ok({ track: { ...track, verdict: waiting }, recheckAt: input.startedAt + input.notFoundGraceMs });
  }
  const template = workload.template.fingerprint;
  const seen: TargetTrack = { ...track, seen: true, template: track.template ?? template, superseded: track.superseded || (track.template !== null && track.template !== template) };
  if (workload.deletionTimestamp !== null) return ok(settle(seen, 'failed', deleted(`${subject} is being deleted`, subject), now));
  const base = { object: workloadObject(workload), pods: input.view.pods, events: input.view.events, now, subject, ...(input.notReadyGraceMs === undefined ? {} : { notReadyGraceMs: input.notReadyGraceMs }) };
  const probe = computeVerdict({ ...base, rules: {} });
  if (!probe.ok) return err(probe.error);
  const code = probe.value.diagnosis?.code;
  const firstSeen = code === undefined ? {} : { [code]: seen.firstSeen[code] ?? now };
  const judged = computeVerdict({ ...base, rules: input.rules, ...(code === undefined ? {} : { firstSeenAt: firstSeen[code] ?? now }) });
  if (!judged.ok) return err(judged.error);
  const v = judged.value;
  const next: TargetTrack = { ...seen, firstSeen, verdict: v, stuck: stuckPods(input.view.pods) };
  switch (v.state) {
    case 'Current':
      return ok(settle(next, 'done', v, now));
    case 'Failed':
      return ok(settle(next, 'failed', v, now));
    case 'Paused':
      if (input.pausedIsDone) return workload.status.observedGeneration >= workload.generation ? ok(settle(next, 'done', v, now)) : ok({ track: next, recheckAt: now + RECHECK_MS });
      return ok(settle(next, 'failed', { ...v, reason: 'Paused', message: `paused: it will not roll out until resumed (rollscope resume ${track.target.kind.toLowerCase()}/${track.target.name})` }, now));
    default: {
      const d = v.diagnosis;
      const decision = d && code !== undefined ? evaluateFailFast(d, firstSeen[code] ?? now, now, input.rules) : null;
      const failAt = decision?.kind === 'wait' ? decision.failAt : Infinity;
      return ok({ track: next, recheckAt: Math.min(failAt, now + RECHECK_MS) });
    }
  }
}

function settle(track: TargetTrack, status: TargetStatus, v: Verdict, now: Instant): StepOutput {
  return { track: { ...track, status, verdict: v, settledAt: now }, recheckAt: null };
}

function deleted(message: string, subject: string): Verdict {
  return verdict('Failed', 'Deleted', message, NO_PROGRESS, { code: 'Deleted', reason: 'Deleted', message, object: subject });
}
