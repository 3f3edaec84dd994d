import type { Instant } from '../lib/clock.ts';
import { promoteCause } from '../model/canary-cause.ts';
import { labelsOf, replicasOf, uidOf } from '../migration/manifests.ts';
import type { ApiCall } from '../migration/steps.ts';
import { computeVerdict } from '../track/status/compute.ts';
import type { Unstructured } from '../track/status/fields.ts';
import { assessStep, count, isNoDataRetry, noDataRetryMs } from './analysis/judge.ts';
import { validateAnalysis, type Analysis } from './analysis/schema.ts';
import { imagesMatch, imagesOf, promotionPatch, trackManifest } from './manifests.ts';
import {
  ACTIVE_LABEL,
  CANARY_OF_LABEL,
  commandOf,
  initialStatus,
  isFinal,
  MEASUREMENTS_KEPT,
  RECORD_ANNOTATION,
  recordOf,
  STATUS_ANNOTATION,
  statusOf,
  type CanaryRecord,
  type CanaryStatus,
  type Measurement,
} from './record.ts';
import { splitReplicas } from './split.ts';
import { formatPause } from './steps.ts';

/**
 * The level-triggered canary planner: `nextStep(observed) → step`, pure. What the canary is for
 * is in its record, where it stands in its status (record.ts) — both annotations on the stable
 * Deployment — and everything else follows from the objects as observed, so a driver killed
 * between any two writes, or replaced by another, computes the same next step.
 *
 * progressing, step i with weight w (split = splitReplicas(total, w); with --baseline the
 *   baseline gets as many pods as the canary, taken from the stable's share):
 *   create or scale the canary → wait until it is rolled out → (baseline likewise) → scale the
 *   stable down → wait until it is rolled out → record stepReachedAt → analysis (below 100 %):
 *   measure when due / wait / abort on failure / pause on inconclusive or errors → timed pause
 *   (deadline recorded once) or manual pause → advance to i+1; after the last step, promoting.
 *   The canary grows before the stable shrinks, so capacity never drops below the total.
 * promoting: stable template := its own template with the canary's images, replicas := total →
 *   wait rolled out → delete baseline and canary (UID precondition, Background) → wait gone → promoted.
 * aborting: stable replicas := total → wait rolled out → canary to 0 → delete → wait gone → aborted.
 * paused: nothing moves until a command: promote (continue with the next step), abort.
 * Commands (COMMAND_ANNOTATION) are acted on once each; `retry` restarts an aborted canary from step 0.
 * Two drivers (a CLI and `serve`, two CLIs, a restarted one) never both act, because:
 * - a driver acts only while it holds the claim in the status (holder, holderUntil): a driver other
 *   than the holder gets `held` until the claim runs out; claiming, like every status write, is a
 *   compare-and-swap on the stable's resourceVersion, so of two drivers racing for a free claim
 *   exactly one write succeeds and the other is answered 409 and observes the winner's claim;
 * - the holder renews its claim (a status write) whenever at most leaseMs / 2 is left, before any
 *   other step, so it never computes a step on a claim about to run out;
 * - every other write is guarded too: patches of the stable, canary or baseline carry the
 *   resourceVersion they were computed from (`guarded`), creates fail with 409 if the object exists,
 *   deletes carry the UID. A driver stalled past its claim (a paused VM) whose late write meets an
 *   object that another driver has written meanwhile gets a 409, not a second action.
 */

/** Observed is what the planner looks at, read fresh before each step. */
export interface Observed {
  readonly namespace: string;
  readonly name: string;
  readonly stable: Unstructured | null;
  /** The Deployment `<name>-canary`, or null. */
  readonly canary: Unstructured | null;
  /** The Deployment `<name>-baseline`, or null. */
  readonly baseline: Unstructured | null;
  readonly now: Instant;
}

/** Driver identifies who computes the step and how long its claim holds. */
export interface Driver {
  readonly id: string;
  readonly leaseMs: number;
}

/** PlanInput is one planner call. */
export interface PlanInput {
  readonly observed: Observed;
  readonly driver: Driver;
  /** A new canary to start when none is running; null to only continue one. */
  readonly proposed: CanaryRecord | null;
  /** Set when a rollout wait failed (the diagnosis, in words): the canary aborts with it. */
  readonly failure: string | null;
}

/** StepName names a step for progress lines and the journal. */
export type StepName =
  | 'start'
  | 'create-canary'
  | 'scale-canary'
  | 'create-baseline'
  | 'scale-baseline'
  | 'delete-baseline'
  | 'scale-stable'
  | 'step-reached'
  | 'record-measurements'
  | 'pause'
  | 'advance'
  | 'abort'
  | 'command'
  | 'renew'
  | 'promote-stable'
  | 'delete-canary'
  | 'finish';

/** Step is the planner's answer. */
export type Step =
  | { readonly kind: 'write'; readonly name: StepName; readonly describe: string; readonly call: ApiCall }
  | { readonly kind: 'wait'; readonly on: 'rollout' | 'gone'; readonly object: string; readonly describe: string }
  | { readonly kind: 'sleep'; readonly until: Instant; readonly describe: string }
  | { readonly kind: 'measure'; readonly metrics: readonly string[]; readonly step: number; readonly describe: string }
  | { readonly kind: 'held'; readonly by: string; readonly until: Instant; readonly describe: string }
  | { readonly kind: 'paused'; readonly reason: string }
  | { readonly kind: 'done'; readonly outcome: 'promoted' | 'aborted'; readonly reason: string }
  | { readonly kind: 'idle'; readonly reason: string }
  | { readonly kind: 'blocked'; readonly reason: string; readonly hint: string };

const deployPath = (ns: string, name?: string): string => `/apis/apps/v1/namespaces/${ns}/deployments${name === undefined ? '' : `/${name}`}`;
const resourceVersionOf = (o: Unstructured): string => {
  const m = o.metadata;
  return typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>).resourceVersion === 'string' ? ((m as Record<string, unknown>).resourceVersion as string) : '';
};

function patch(name: StepName, ns: string, deployment: string, body: Unstructured, describe: string): Step {
  return { kind: 'write', name, describe, call: { method: 'PATCH', path: deployPath(ns, deployment), patchType: 'merge', body } };
}

/**
 * guarded is a merge patch of the observed Deployment `o` with its resourceVersion as a
 * precondition: if anything wrote `o` since it was observed (another driver's claim or step, a
 * human), the API server answers 409 and the driver observes again instead of acting on a stale view.
 */
function guarded(name: StepName, ns: string, o: Unstructured, body: Unstructured, describe: string): Step {
  const meta = typeof body.metadata === 'object' && body.metadata !== null ? (body.metadata as Record<string, unknown>) : {};
  return patch(name, ns, (o.metadata as Record<string, unknown>).name as string, { ...body, metadata: { ...meta, resourceVersion: resourceVersionOf(o) } }, describe);
}

/** analysisOf reads the record's analysis (validated when the record was written; null when none). */
export function analysisOf(rec: CanaryRecord): Analysis | null {
  if (rec.analysis === null || rec.analysis === undefined) return null;
  const r = validateAnalysis(rec.analysis);
  return r.ok ? r.value : null;
}

/** findCanary reads the record and status of the stable Deployment (null when it carries none). */
export function findCanary(stable: Unstructured | null): { record: CanaryRecord; status: CanaryStatus } | null {
  const record = recordOf(stable);
  const status = statusOf(stable);
  if (record === null || status === null || status.id !== record.id) return null;
  return { record, status };
}

/**
 * statusWrite writes the status (with `changes`) to the stable Deployment, claimed by the driver,
 * with the observed resourceVersion as a precondition: a concurrent write makes it a 409.
 */
function statusWrite(obs: Observed, stable: Unstructured, st: CanaryStatus, changes: Partial<CanaryStatus>, d: Driver, name: StepName, describe: string, extra: Record<string, string | null> = {}): Step {
  const next: CanaryStatus = { ...st, ...changes, holder: d.id, holderUntil: obs.now + d.leaseMs, updatedAt: obs.now };
  // a finished canary leaves nothing for a driver to do: its stable drops ACTIVE_LABEL (a retry sets it again)
  const labels = isFinal(next.phase) && !isFinal(st.phase) ? { labels: { [ACTIVE_LABEL]: null } } : {};
  return patch(name, obs.namespace, obs.name, { metadata: { resourceVersion: resourceVersionOf(stable), ...labels, annotations: { [STATUS_ANNOTATION]: JSON.stringify(next), ...extra } } }, describe);
}

/** recordMeasurements is the status after a round of measurements (counters, bounded history). */
export function recordMeasurements(st: CanaryStatus, ms: readonly Measurement[]): CanaryStatus {
  const counters = { ...st.counters };
  for (const m of ms) counters[m.metric] = count(counters[m.metric], m);
  return { ...st, counters, measurements: [...st.measurements, ...ms].slice(-MEASUREMENTS_KEPT) };
}

/**
 * measurementWrite is the write that records a round of measurements — or, when every one of them
 * is a no-data retry (judge.ts isNoDataRetry), a sleep of noDataRetryMs with nothing written.
 */
export function measurementWrite(input: PlanInput, ms: readonly Measurement[]): Step | null {
  const obs = input.observed;
  const found = findCanary(obs.stable);
  if (found === null || obs.stable === null) return null;
  const a = analysisOf(found.record);
  const reachedAt = found.status.stepReachedAt;
  const counted = a === null || reachedAt === null ? ms : ms.filter((m) => !isNoDataRetry(a, m, found.status.counters, reachedAt));
  if (counted.length === 0 && a !== null) {
    const retry = noDataRetryMs(a, ms.map((m) => m.metric));
    // capped like every sleep of a holder: it wakes in time to renew its claim
    return { kind: 'sleep', until: Math.min(obs.now + retry, found.status.holderUntil - Math.floor(input.driver.leaseMs / 2)), describe: `no data yet for ${ms.map((m) => m.metric).join(', ')}; measuring again in ${retry} ms` };
  }
  const next = recordMeasurements(found.status, counted);
  return statusWrite(obs, obs.stable, found.status, { counters: next.counters, measurements: next.measurements }, input.driver, 'record-measurements', counted.map((m) => `${m.verdict}: ${m.reason}`).join('; '));
}

const isCurrent = (o: Unstructured, now: Instant): 'current' | 'failed' | 'progressing' => {
  const v = computeVerdict({ object: { apiVersion: 'apps/v1', kind: 'Deployment', ...o }, now });
  if (!v.ok) return 'progressing';
  return v.value.state === 'Current' ? 'current' : v.value.state === 'Failed' ? 'failed' : 'progressing';
};
const ours = (o: Unstructured, stableName: string): boolean => labelsOf(o)[CANARY_OF_LABEL] === stableName;
const dep = (name: string): string => `deployment/${name}`;

/** nextStep computes the one next step of a canary (see the file comment). */
export function nextStep(input: PlanInput): Step {
  const obs = input.observed;
  const d = input.driver;
  const stable = obs.stable;
  if (stable === null) return { kind: 'blocked', reason: `deployment ${obs.namespace}/${obs.name} not found`, hint: 'check the name and the namespace (-n)' };
  for (const [o, n] of [[obs.canary, `${obs.name}-canary`], [obs.baseline, `${obs.name}-baseline`]] as const)
    if (o !== null && !ours(o, obs.name))
      return { kind: 'blocked', reason: `deployment ${obs.namespace}/${n} exists and was not made by rollscope canary for ${obs.name}`, hint: `rename or delete deployment ${n}, then start again` };
  const found = findCanary(stable);
  const command = commandOf(stable);
  if (found === null || (isFinal(found.status.phase) && input.proposed !== null && input.proposed.id !== found.record.id)) {
    if (input.proposed === null) return found === null ? { kind: 'idle', reason: `no canary of deployment ${obs.namespace}/${obs.name}` } : { kind: 'done', outcome: found.status.phase === 'promoted' ? 'promoted' : 'aborted', reason: found.status.message };
    const st = initialStatus(input.proposed, d.id, obs.now, d.leaseMs, command?.id ?? null);
    return patch('start', obs.namespace, obs.name, { metadata: { resourceVersion: resourceVersionOf(stable), labels: { [ACTIVE_LABEL]: 'true' }, annotations: { [RECORD_ANNOTATION]: JSON.stringify(input.proposed), [STATUS_ANNOTATION]: JSON.stringify(st) } } }, `start canary ${input.proposed.id} of deployment ${obs.name}`);
  }
  const { record: rec, status: st } = found;
  if (input.proposed !== null && input.proposed.id !== rec.id && !isFinal(st.phase))
    return {
      kind: 'blocked',
      reason: `deployment ${obs.namespace}/${obs.name} already has canary ${rec.id} running (${Object.entries(rec.images).map(([c, i]) => `${c}=${i}`).join(', ')})`,
      hint: `attach with the same --image, or run rollscope canary abort deployment/${obs.name} first`,
    };
  if (!isFinal(st.phase) && st.holder !== d.id && st.holderUntil > obs.now)
    return { kind: 'held', by: st.holder, until: st.holderUntil, describe: `canary ${rec.id} is driven by ${st.holder}` };

  const w = (changes: Partial<CanaryStatus>, name: StepName, describe: string): Step => statusWrite(obs, stable, st, changes, d, name, describe);
  const lastIndex = rec.steps.length - 1;
  const advance = (why: string, extra: Partial<CanaryStatus> = {}, name: StepName = 'advance'): Step =>
    st.stepIndex >= lastIndex
      ? w({ ...extra, phase: 'promoting', message: `promoting: ${why}` }, name, `all steps done (${why}); promoting`)
      : w({ ...extra, phase: 'progressing', stepIndex: st.stepIndex + 1, stepReachedAt: null, pauseUntil: null, counters: {}, message: `step ${st.stepIndex + 2}/${rec.steps.length}: ${rec.steps[st.stepIndex + 1]!.weight}%` }, name, `${why}; on to ${rec.steps[st.stepIndex + 1]!.weight}%`);

  if (command !== null && command.id !== st.handledCommand) {
    const handled = { handledCommand: command.id };
    if (command.verb === 'abort' && !isFinal(st.phase) && st.phase !== 'aborting')
      return w({ ...handled, phase: 'aborting', message: `aborted by ${command.by}` }, 'command', `abort requested by ${command.by}`);
    if (command.verb === 'promote' && (st.phase === 'progressing' || st.phase === 'paused'))
      return advance(`promoted by ${command.by} at ${rec.steps[st.stepIndex]!.weight}%`, handled, 'command');
    if (command.verb === 'retry' && st.phase === 'aborted')
      return w({ ...handled, phase: 'progressing', stepIndex: 0, stepReachedAt: null, pauseUntil: null, counters: {}, attempt: st.attempt + 1, finishedAt: null, message: `retry ${st.attempt + 1} by ${command.by}` }, 'command', `retry requested by ${command.by}`);
    return w(handled, 'command', `${command.verb} by ${command.by} does not apply in phase ${st.phase}; ignored`);
  }

  if (st.phase === 'promoted' || st.phase === 'aborted') return { kind: 'done', outcome: st.phase, reason: st.message };
  if (input.failure !== null && (st.phase === 'progressing' || st.phase === 'paused')) return w({ phase: 'aborting', message: input.failure }, 'abort', `aborting: ${input.failure}`);
  // `<=`: a driver whose sleep was capped at holderUntil - leaseMs/2 (below) renews on waking, not one round later
  if (st.holderUntil - obs.now <= d.leaseMs / 2) return w({}, 'renew', `renew the claim on canary ${rec.id}`);
  if (st.phase === 'aborting') return abortStep(obs, rec, st, w);
  const containers = imagesOf(stable);
  const missing = Object.keys(rec.images).filter((c) => !Object.hasOwn(containers, c));
  if (missing.length > 0)
    return { kind: 'blocked', reason: `deployment ${obs.namespace}/${obs.name} has no container ${missing.join(', ')} (canary ${rec.id} names it)`, hint: `rollscope canary abort deployment/${obs.name}, then start again with --image for one of: ${Object.keys(containers).join(', ')}` };
  if (st.phase === 'promoting') return promoteStep(obs, rec, st, w);
  if (st.phase === 'paused') return { kind: 'paused', reason: st.message };
  const step = progressStep(obs, rec, st, w, advance);
  // a sleeping driver wakes in time to renew its claim
  return step.kind === 'sleep' ? { ...step, until: Math.min(step.until, st.holderUntil - Math.floor(d.leaseMs / 2)) } : step;
}

type StatusWriter = (changes: Partial<CanaryStatus>, name: StepName, describe: string) => Step;

function deleteStep(name: StepName, obs: Observed, o: Unstructured, describe: string): Step {
  const n = (o.metadata as Record<string, unknown>).name as string;
  return { kind: 'write', name, describe, call: { method: 'DELETE', path: deployPath(obs.namespace, n), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid: uidOf(o) } } } };
}

function progressStep(obs: Observed, rec: CanaryRecord, st: CanaryStatus, w: StatusWriter, advance: (why: string) => Step): Step {
  const stable = obs.stable!;
  const step = rec.steps[st.stepIndex]!;
  const split = splitReplicas(rec.total, step.weight);
  const baselineWant = rec.baselineName !== null && step.weight < 100 ? Math.min(split.canary, split.stable) : 0;
  const stableWant = split.stable - baselineWant;
  const at = `${step.weight}% (${split.canary}/${rec.total} pods)`;
  if (obs.canary === null)
    return { kind: 'write', name: 'create-canary', describe: `create deployment ${rec.canaryName} with ${split.canary} replica(s) at ${at}`, call: { method: 'POST', path: deployPath(obs.namespace), body: trackManifest(stable, 'canary', rec.canaryName, split.canary, rec.images) } };
  if (replicasOf(obs.canary) !== split.canary) return guarded('scale-canary', obs.namespace, obs.canary, { spec: { replicas: split.canary } }, `scale ${rec.canaryName} to ${split.canary} for ${at}`);
  const canaryState = isCurrent(obs.canary, obs.now);
  if (canaryState === 'failed') return w({ phase: 'aborting', message: `deployment ${rec.canaryName} failed to roll out at ${at}` }, 'abort', `aborting: ${rec.canaryName} failed to roll out`);
  if (canaryState !== 'current') return { kind: 'wait', on: 'rollout', object: dep(rec.canaryName), describe: `${rec.canaryName} rolling out to ${split.canary} replica(s)` };
  if (rec.baselineName !== null) {
    if (obs.baseline === null && baselineWant > 0)
      return { kind: 'write', name: 'create-baseline', describe: `create deployment ${rec.baselineName} (stable version) with ${baselineWant} replica(s)`, call: { method: 'POST', path: deployPath(obs.namespace), body: trackManifest(stable, 'baseline', rec.baselineName, baselineWant, {}) } };
    if (obs.baseline !== null && replicasOf(obs.baseline) !== baselineWant) return guarded('scale-baseline', obs.namespace, obs.baseline, { spec: { replicas: baselineWant } }, `scale ${rec.baselineName} to ${baselineWant}`);
    if (obs.baseline !== null && isCurrent(obs.baseline, obs.now) !== 'current') return { kind: 'wait', on: 'rollout', object: dep(rec.baselineName), describe: `${rec.baselineName} rolling out to ${baselineWant} replica(s)` };
  }
  if (replicasOf(stable) !== stableWant) return guarded('scale-stable', obs.namespace, stable, { spec: { replicas: stableWant } }, `scale ${obs.name} to ${stableWant} for ${at}`);
  const stableState = isCurrent(stable, obs.now);
  if (stableState === 'failed') return w({ phase: 'aborting', message: `deployment ${obs.name} failed to roll out at ${at}` }, 'abort', `aborting: ${obs.name} failed to roll out`);
  if (stableState !== 'current') return { kind: 'wait', on: 'rollout', object: dep(obs.name), describe: `${obs.name} scaling to ${stableWant} replica(s)` };
  if (st.stepReachedAt === null) return w({ stepReachedAt: obs.now, message: `step ${st.stepIndex + 1}/${rec.steps.length}: ${at} reached` }, 'step-reached', `${at} reached`);

  const analysis = analysisOf(rec);
  if (analysis !== null && step.weight < 100) {
    const a = assessStep(analysis, st.counters, st.measurements, st.stepIndex, st.stepReachedAt, obs.now);
    if (a.kind === 'failed') return w({ phase: 'aborting', message: `analysis failed at ${step.weight}%: ${a.reason}` }, 'abort', `analysis failed: ${a.reason}`);
    if (a.kind === 'paused') return w({ phase: 'paused', message: `paused at ${step.weight}%: ${a.reason}` }, 'pause', `paused: ${a.reason}`);
    if (a.kind === 'measure') return { kind: 'measure', metrics: a.metrics, step: st.stepIndex, describe: `measure ${a.metrics.join(', ')} at ${step.weight}%` };
    if (a.kind === 'wait') return { kind: 'sleep', until: a.until, describe: `next measurement at ${step.weight}%` };
  }
  if (step.pause.kind === 'manual') return w({ phase: 'paused', message: `paused at ${step.weight}% until promoted` }, 'pause', `${at}: ${formatPause(step.pause)}`);
  if (step.pause.kind === 'timed') {
    if (st.pauseUntil === null) return w({ pauseUntil: obs.now + step.pause.ms }, 'pause', `${at}: ${formatPause(step.pause)}`);
    if (obs.now < st.pauseUntil) return { kind: 'sleep', until: st.pauseUntil, describe: `paused at ${step.weight}%` };
  }
  return advance(analysis !== null && step.weight < 100 ? `analysis passed at ${step.weight}%` : `${step.weight}% reached`);
}

function promoteStep(obs: Observed, rec: CanaryRecord, st: CanaryStatus, w: StatusWriter): Step {
  const stable = obs.stable!;
  if (!imagesMatch(stable, rec.images) || replicasOf(stable) !== rec.total) {
    const body = promotionPatch(stable, rec.images, rec.total);
    const cause = { metadata: { annotations: { 'kubernetes.io/change-cause': promoteCause(rec.id, rec.images) } } };
    return guarded('promote-stable', obs.namespace, stable, { ...body, ...cause }, `promote: ${obs.name} takes the canary's images at ${rec.total} replica(s)`);
  }
  const s = isCurrent(stable, obs.now);
  if (s !== 'current') return { kind: 'wait', on: 'rollout', object: dep(obs.name), describe: `${obs.name} rolling out the canary's images` };
  if (obs.baseline !== null && !isTerminatingObj(obs.baseline)) return deleteStep('delete-baseline', obs, obs.baseline, `delete deployment ${rec.baselineName}`);
  if (obs.canary !== null && !isTerminatingObj(obs.canary)) return deleteStep('delete-canary', obs, obs.canary, `delete deployment ${rec.canaryName}`);
  if (obs.canary !== null || obs.baseline !== null) return { kind: 'wait', on: 'gone', object: dep(rec.canaryName), describe: `${rec.canaryName} being deleted` };
  return w({ phase: 'promoted', message: `promoted: ${obs.name} runs ${Object.values(rec.images).join(', ')}`, finishedAt: obs.now }, 'finish', 'promoted');
}

function abortStep(obs: Observed, rec: CanaryRecord, st: CanaryStatus, w: StatusWriter): Step {
  const stable = obs.stable!;
  if (replicasOf(stable) !== rec.total) return guarded('scale-stable', obs.namespace, stable, { spec: { replicas: rec.total } }, `abort: scale ${obs.name} back to ${rec.total}`);
  if (isCurrent(stable, obs.now) !== 'current') return { kind: 'wait', on: 'rollout', object: dep(obs.name), describe: `${obs.name} back to ${rec.total} replica(s)` };
  for (const o of [obs.canary, obs.baseline]) {
    if (o === null || isTerminatingObj(o)) continue;
    const n = (o.metadata as Record<string, unknown>).name as string;
    if (replicasOf(o) !== 0) return guarded('scale-canary', obs.namespace, o, { spec: { replicas: 0 } }, `abort: scale ${n} to 0`);
    return deleteStep('delete-canary', obs, o, `abort: delete deployment ${n}`);
  }
  if (obs.canary !== null || obs.baseline !== null) return { kind: 'wait', on: 'gone', object: dep(rec.canaryName), describe: `${rec.canaryName} being deleted` };
  return w({ phase: 'aborted', finishedAt: obs.now }, 'finish', `aborted: ${st.message}`);
}

const isTerminatingObj = (o: Unstructured): boolean => typeof (o.metadata as Record<string, unknown> | undefined)?.deletionTimestamp === 'string';
