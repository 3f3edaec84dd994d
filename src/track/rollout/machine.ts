import type { Instant } from '../../lib/clock.ts';
import { assertNever } from '../../lib/assert-never.ts';
import { promotionOf } from '../../model/canary-cause.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { EventRecord } from '../../model/records.ts';
import type { ContainerImage, Outcome, PhaseName, Release } from '../../model/release.ts';
import { diagnose } from '../status/diagnose.ts';
import { evaluateFailFast } from '../status/fail-fast.ts';
import { isStale } from '../release/rv-order.ts';
import { attachEvent, eventTimeOf } from './attach-event.ts';
import type { Effect } from './effects.ts';
import type { RolloutEvent } from './events.ts';
import { digestOf, hasPulledImage, isReady, isScheduled, progressOf } from './progress.ts';
import { isClosedOutcome } from '../../model/outcome.ts';
import { isWatching, type RolloutState } from './state.ts';

/** Transition is the result of one `advance`: the next state and what changed. */
export interface Transition {
  readonly state: RolloutState;
  readonly effects: readonly Effect[];
}

/**
 * MAX_RECENT_EVENTS bounds the raw events kept for diagnosis while a rollout runs; diagnosis reads
 * the newest warnings (pull failures, back-offs, scheduling, probes, FailedCreate).
 */
const MAX_RECENT_EVENTS = 100;

/**
 * EVENT_CLOCK_SLACK_MS admits events stamped slightly before the release started: Kubernetes
 * timestamps have one-second precision and come from other clocks.
 */
const EVENT_CLOCK_SLACK_MS = 2_000;

const same = (state: RolloutState): Transition => ({ state, effects: [] });

/**
 * advance applies one observation to a release's rollout. Pure. When nothing changes it returns the
 * same `state` object and no effects, so the shell can skip writes.
 *
 * Outcome rules (decided for a demanding user; see also track/release/README.md):
 * - `progressing` → `succeeded` when the status engine's kind rules say `Current` (§1.11; a
 *   partitioned or OnDelete StatefulSet/DaemonSet completes as `rollscope status` says);
 * - `progressing` → `failed` on the Progressing condition's ProgressDeadlineExceeded, or when
 *   `diagnose` finds a problem that outlasts its fail-fast grace (DEFAULT_FAIL_FAST_RULES);
 * - `failed` → `succeeded` if the same rollout later completes after all and nothing is wrong
 *   with its pods any more (e.g. a missing Secret was created): the record tells the final truth,
 *   and the recovery is a state change of its own; `failure` is cleared;
 * - `succeeded` → `failed` if, within `settleMs` of completing, its new pods fail after all
 *   (containers that pass readiness and crash seconds later: Kubernetes already said "complete");
 * - at most two verdicts per release (`verdicts`): a recovered or post-success failure is final,
 *   so a flapping workload does not flap its release;
 * - `progressing` ⇄ `paused` while the Deployment is paused mid-rollout;
 * - a newer release makes a `progressing`/`paused` one `superseded`, or `rolled-back` when the newer
 *   one went back to an earlier template; a `succeeded` one becomes `rolled-back` too (it was
 *   undone), a `failed` one stays `failed` (its diagnosis says more);
 * - deleting the workload fails a running rollout with code `Deleted`.
 * `superseded` and `rolled-back` are final: later observations change nothing.
 */
export function advance(state: RolloutState, event: RolloutEvent, now: Instant): Transition {
  if (isClosedOutcome(state.release.outcome)) return same(state);
  switch (event.kind) {
    case 'workloadObserved': {
      const w = state.workload;
      if (w !== null && (w === event.workload || isStale(event.workload.resourceVersion, w.resourceVersion))) return same(state);
      return settle(state, { ...state, workload: event.workload }, [], now);
    }
    case 'podObserved': {
      const known = state.pods.get(event.pod.uid);
      if (!isWatching(state, now) || known === event.pod || (known !== undefined && isStale(event.pod.resourceVersion, known.resourceVersion)))
        return same(state);
      const pods = new Map(state.pods).set(event.pod.uid, event.pod);
      return settle(state, { ...state, pods }, [], now);
    }
    case 'podDeleted': {
      if (!state.pods.has(event.uid)) return same(state);
      const pods = new Map(state.pods);
      pods.delete(event.uid);
      return settle(state, { ...state, pods }, [], now);
    }
    case 'eventObserved':
      return onEvent(state, event.event, now);
    case 'superseded':
      return onSuperseded(state, event.rollback, now);
    case 'workloadDeleted':
      return onDeleted(state, now);
    case 'actorObserved':
      return onActor(state, event, now);
    case 'tick':
      return settle(state, state, [], now);
    default:
      return assertNever(event);
  }
}

function onEvent(state: RolloutState, e: EventRecord, now: Instant): Transition {
  const r = state.release;
  if (!isWatching(state, now)) return same(state);
  const t = eventTimeOf(e);
  if (t !== null && t < r.startedAt - EVENT_CLOCK_SLACK_MS) return same(state);
  const events = attachEvent(r.events, e, now);
  const recentEvents = keepRecent(state.recentEvents, e);
  if (events === r.events && recentEvents === state.recentEvents) return same(state);
  const effects: Effect[] = [];
  if (events !== r.events) effects.push({ kind: 'eventsAttached', count: 1 });
  const next = { ...state, recentEvents, release: { ...r, events } };
  return settle(state, next, effects, now, e.reason === 'Pulled' && e.involved.kind === 'Pod');
}

function keepRecent(recent: readonly EventRecord[], e: EventRecord): readonly EventRecord[] {
  const i = recent.findIndex((x) => x.uid === e.uid);
  if (i >= 0) return recent[i] === e ? recent : recent.map((x, j) => (j === i ? e : x));
  const added = [...recent, e];
  return added.length > MAX_RECENT_EVENTS ? added.slice(added.length - MAX_RECENT_EVENTS) : added;
}

function onSuperseded(state: RolloutState, rollback: boolean, now: Instant): Transition {
  const r = state.release;
  let to: Outcome;
  if (r.outcome === 'progressing' || r.outcome === 'paused') to = rollback ? 'rolled-back' : 'superseded';
  else if (r.outcome === 'succeeded' && rollback) to = 'rolled-back';
  else return same(prune(state));
  const finishedAt = r.finishedAt ?? now;
  const release: Release = { ...r, outcome: to, finishedAt };
  return { state: prune({ ...state, release }), effects: [{ kind: 'outcomeChanged', from: r.outcome, to }] };
}

function onDeleted(state: RolloutState, now: Instant): Transition {
  const r = state.release;
  if (r.outcome !== 'progressing' && r.outcome !== 'paused') return same(prune(state));
  const w = r.workload;
  const object = `${w.kind} ${w.namespace}/${w.name}`;
  const failure: Diagnosis = { code: 'Deleted', reason: 'Deleted', message: `${object} was deleted before its rollout finished`, object };
  const release: Release = { ...r, outcome: 'failed', failure, finishedAt: now };
  return {
    state: prune({ ...state, release }),
    effects: [
      { kind: 'outcomeChanged', from: r.outcome, to: 'failed' },
      { kind: 'failureChanged', failure },
    ],
  };
}

function onActor(state: RolloutState, e: Extract<RolloutEvent, { kind: 'actorObserved' }>, now: Instant): Transition {
  const r = state.release;
  const observed = r.phases.templateObserved;
  const betterActor = r.actor.manager === 'unknown' && e.actor.manager !== 'unknown';
  const betterCause = r.changeCause === null && e.changeCause !== null;
  const earlier = observed === undefined || e.observedAt < observed;
  if (!betterActor && !betterCause && !earlier) return same(state);
  const release: Release = {
    ...r,
    actor: betterActor ? e.actor : r.actor,
    changeCause: betterCause ? e.changeCause : r.changeCause,
    // a cause learned late can still name the release a canary's promotion (model/canary-cause.ts)
    trigger: betterCause && promotionOf(e.changeCause, r.images) !== null ? 'canary-promote' : r.trigger,
    phases: earlier ? { ...r.phases, templateObserved: e.observedAt } : r.phases,
  };
  const effects: Effect[] = [];
  if (betterActor || betterCause) effects.push({ kind: 'actorResolved' });
  if (earlier) effects.push({ kind: 'phaseReached', phase: 'templateObserved', at: e.observedAt });
  return settle(state, { ...state, release }, effects, now);
}

/**
 * prune drops what a finished rollout no longer needs: pods, raw events, suspicion, and the
 * release's own event list — the ledger already holds those events (its merge is a union), so
 * later facts about a finished release (e.g. rolled-back) carry `events: []`. This keeps memory at
 * one small release per workload.
 */
function prune(state: RolloutState): RolloutState {
  const r = state.release;
  if (state.pods.size === 0 && state.recentEvents.length === 0 && state.suspect === null && r.events.length === 0) return state;
  return { ...state, pods: new Map(), recentEvents: [], suspect: null, release: r.events.length === 0 ? r : { ...r, events: [] } };
}

/**
 * settle recomputes phases, replica counts, image digests and the outcome of `next` (which already
 * holds the new observation), returning `prev` itself when nothing changed.
 */
function settle(prev: RolloutState, next: RolloutState, effects: Effect[], now: Instant, pulledEvent = false): Transition {
  // A finished rollout (past its settle window) no longer follows status: HPA scaling later must
  // not rewrite the release over and over.
  if (!isWatching(next, now)) {
    const state = prune(next);
    return effects.length === 0 && state.pods === prev.pods && state.recentEvents === prev.recentEvents && state.suspect === prev.suspect && state.release === prev.release
      ? same(prev)
      : { state, effects };
  }
  let r = next.release;
  const reach = (phase: PhaseName, reached: boolean): void => {
    if (!reached || r.phases[phase] !== undefined) return;
    r = { ...r, phases: { ...r.phases, [phase]: now } };
    effects.push({ kind: 'phaseReached', phase, at: now });
  };
  const pods = [...next.pods.values()];
  reach('firstPodScheduled', pods.some(isScheduled));
  reach('firstImagePulled', pulledEvent || pods.some(hasPulledImage));
  reach('firstPodReady', pods.some(isReady));
  const w = next.workload;
  const progress = w ? progressOf(r, w) : null;
  if (progress?.applies) {
    reach('allUpdated', progress.allUpdated);
    reach('allAvailable', progress.allAvailable);
    reach('oldReplicasGone', progress.oldReplicasGone);
    const c = progress.replicas;
    if (c && (c.desired !== r.replicas.desired || c.updated !== r.replicas.updated || c.ready !== r.replicas.ready || c.available !== r.replicas.available)) {
      r = { ...r, replicas: c };
      effects.push({ kind: 'replicasChanged' });
    }
  }
  const images = withDigests(r.images, pods);
  if (images !== r.images) {
    r = { ...r, images };
    effects.push({ kind: 'imagesResolved' });
  }
  let state: RolloutState = { ...next, release: r };
  state = decideOutcome(state, progress?.complete ?? false, effects, now);
  if (!isWatching(state, now)) state = prune(state);
  if (effects.length === 0 && state.pods === prev.pods && state.recentEvents === prev.recentEvents && state.workload === prev.workload && state.suspect === prev.suspect)
    return same(prev);
  return { state, effects };
}

function decideOutcome(state: RolloutState, complete: boolean, effects: Effect[], now: Instant): RolloutState {
  const r = state.release;
  const to = (outcome: Outcome, failure: Diagnosis | null, finishedAt: Instant | null): RolloutState => {
    effects.push({ kind: 'outcomeChanged', from: r.outcome, to: outcome });
    if (failure !== r.failure) effects.push({ kind: 'failureChanged', failure });
    const verdicts = state.verdicts + (outcome === 'succeeded' || outcome === 'failed' ? 1 : 0);
    return { ...state, suspect: null, verdicts, release: { ...r, outcome, failure, finishedAt } };
  };
  const w = state.workload;
  const current = w !== null && w.template.fingerprint === r.templateHash;
  if (r.outcome === 'paused' && current && !w.paused) return to('progressing', null, null);
  if (r.outcome === 'paused' || state.verdicts >= 2) return state;
  if (complete && r.outcome === 'progressing') return to('succeeded', null, now);
  if (r.outcome === 'progressing' && current && w.paused) return to('paused', null, null);
  const deadline = current && r.outcome === 'progressing' ? w.status.conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') : undefined;
  if (deadline && w) {
    const object = `${w.kind} ${w.namespace}/${w.name}`;
    return to('failed', { code: 'ProgressDeadlineExceeded', reason: deadline.reason, message: deadline.message || `${object} exceeded its progress deadline`, object }, now);
  }
  const finding = isWatching(state, now) ? diagnose({ pods: [...state.pods.values()], events: state.recentEvents, now }) : null;
  if (r.outcome === 'failed') return complete && finding === null && !deadlineHolds(state) ? to('succeeded', null, now) : state;
  if (finding === null) return state.suspect === null ? state : { ...state, suspect: null };
  const code = finding.diagnosis.code;
  const since = finding.since ?? (state.suspect?.code === code ? state.suspect.since : now);
  const decision = evaluateFailFast(finding.diagnosis, since, now, state.rules);
  if (decision.kind === 'fail') return to('failed', finding.diagnosis, now);
  if (decision.kind === 'never') return state.suspect === null ? state : { ...state, suspect: null };
  return state.suspect?.code === code && state.suspect.since === since ? state : { ...state, suspect: { code, since } };
}

const deadlineHolds = (state: RolloutState): boolean =>
  state.workload?.status.conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') ?? false;

function withDigests(images: readonly ContainerImage[], pods: readonly { containerStatuses: readonly { name: string; image: string; imageID: string }[] }[]): readonly ContainerImage[] {
  if (images.every((i) => i.digest !== undefined) || pods.length === 0) return images;
  let changed = false;
  const out = images.map((img) => {
    if (img.digest !== undefined) return img;
    for (const p of pods)
      for (const c of p.containerStatuses) {
        const digest = c.name === img.container ? digestOf(c.imageID) : '';
        if (digest !== '') {
          changed = true;
          return { ...img, digest };
        }
      }
    return img;
  });
  return changed ? out : images;
}
