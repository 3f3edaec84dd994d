import type { Instant } from '../lib/clock.ts';
import { assertNever } from '../lib/assert-never.ts';
import type { TrackedRecord } from '../model/records.ts';
import type { Release } from '../model/release.ts';
import { activateRevisions, ACTIVATION_WAIT_MS } from './release/activate.ts';
import { UNKNOWN_ACTOR } from './release/actor.ts';
import type { Fact } from './release/facts.ts';
import { onEventUpsert, onPodDeleted, onPodUpsert } from './release/on-pod-event.ts';
import { onRevisionDeleted, onRevisionUpsert } from './release/on-revision.ts';
import { onWorkloadDeleted, onWorkloadUpsert } from './release/on-workload.ts';
import { emptyPMap } from './release/persistent-map.ts';
import { dropHeld, expireHeld, putWorkload, removeWorkload, takeHeld, unchanged, type Step, type TrackerState } from './release/tracker-state.ts';
import { seedWorkloadState, type WorkloadState } from './release/workload-state.ts';
import { advance } from './rollout/machine.ts';
import { isWatching } from './rollout/state.ts';
import { DEFAULT_FAIL_FAST_RULES, type FailFastRules } from './status/fail-fast.ts';
import type { ChangeType } from '../model/watch-event.ts';

export type { Fact } from './release/facts.ts';
export type { TrackerState } from './release/tracker-state.ts';

/**
 * TrackerDelta is one change the list-watch layer saw, typed as the watch spelled it
 * (model/watch-event.ts ChangeType):
 * - `ADDED` / `MODIFIED`: a record of any tracked kind (workload, ReplicaSet, ControllerRevision,
 *   pod, event), in any order across kinds;
 * - `DELETED`: a record is gone; `finalStateUnknown` for a relist tombstone
 *   (DeletedFinalStateUnknown: the object vanished while the watch was down) — same meaning;
 * - `synced`: the initial list of every kind is complete (sent again after a relist: harmless);
 * - `tick`: time passed (fail-fast grace periods, held-record expiry). Send every few seconds.
 */
export type TrackerDelta =
  | { readonly type: Exclude<ChangeType, 'DELETED'>; readonly record: TrackedRecord }
  | { readonly type: Extract<ChangeType, 'DELETED'>; readonly record: TrackedRecord; readonly finalStateUnknown?: boolean }
  | { readonly type: 'synced' }
  | { readonly type: 'tick' };

/** TrackerConfig configures a tracker. */
export interface TrackerConfig {
  readonly cluster: string;
  /** Fail-fast grace per diagnosis code. If unset, DEFAULT_FAIL_FAST_RULES. */
  readonly rules?: FailFastRules;
  /**
   * Most records held while waiting for their owner. If unset, 5000: enough for the pods and
   * events of a burst of rollouts whose ReplicaSets lag by a watch round-trip.
   */
  readonly maxHeld?: number;
  /** How long a record is held, and a deleted workload remembered. If unset, 10 minutes. */
  readonly holdMs?: number;
}

/** TrackerStep is the result of one delta: the next state and the facts learned. */
export interface TrackerStep {
  readonly state: TrackerState;
  readonly facts: readonly Fact[];
}

/**
 * initialTrackerState starts a tracker, seeded from the ledger: `seed` holds releases the ledger
 * already has (per workload, at least the latest few and every non-final one). Numbering continues
 * after them, their natural keys are not recorded again, and their rollouts are followed on.
 */
export function initialTrackerState(config: TrackerConfig, seed: readonly Release[] = []): TrackerState {
  const rules = config.rules ?? DEFAULT_FAIL_FAST_RULES;
  const byUid = new Map<string, Release[]>();
  for (const r of seed) byUid.set(r.workload.uid, [...(byUid.get(r.workload.uid) ?? []), r]);
  let workloads = emptyPMap<WorkloadState>();
  for (const [uid, releases] of byUid) {
    const ws = seedWorkloadState(releases, rules);
    if (ws) workloads = workloads.set(uid, ws);
  }
  return {
    cluster: config.cluster,
    rules,
    maxHeld: config.maxHeld ?? 5000,
    holdMs: config.holdMs ?? 10 * 60_000,
    synced: false,
    workloads,
    owners: emptyPMap(),
    pods: emptyPMap(),
    gone: emptyPMap(),
    goneNumbers: emptyPMap(),
    held: emptyPMap(),
    heldCount: 0,
    droppedHeld: 0,
  };
}

/**
 * trackDelta applies one delta to the tracker. Pure: `now` is the only clock. Returns the SAME
 * state object and no facts when nothing changed (a replayed or relisted record, a pod of a
 * finished rollout, an event about an HPA), so replays never duplicate facts.
 */
export function trackDelta(state: TrackerState, delta: TrackerDelta, now: Instant): TrackerStep {
  return replayArrivals(dispatch(state, delta, now), now);
}

function dispatch(s: TrackerState, delta: TrackerDelta, now: Instant): Step {
  switch (delta.type) {
    case 'ADDED':
    case 'MODIFIED':
      return upsert(s, delta.record, now);
    case 'DELETED':
      return remove(s, delta.record, delta.finalStateUnknown ?? false, now);
    case 'synced':
      return s.synced ? unchanged(s) : onFirstSync(s, now);
    case 'tick':
      return onTick(s, now);
    default:
      return assertNever(delta);
  }
}

function upsert(s: TrackerState, r: TrackedRecord, now: Instant): Step {
  switch (r.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return onWorkloadUpsert(s, r, now);
    case 'ReplicaSet':
    case 'ControllerRevision':
      return onRevisionUpsert(s, r, now);
    case 'Pod':
      return onPodUpsert(s, r, now);
    case 'Event':
      return onEventUpsert(s, r, now);
    default:
      return assertNever(r);
  }
}

function remove(s: TrackerState, r: TrackedRecord, finalStateUnknown: boolean, now: Instant): Step {
  switch (r.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return onWorkloadDeleted(dropHeld(s, r.uid), r, finalStateUnknown, now);
    case 'ReplicaSet':
    case 'ControllerRevision':
      return onRevisionDeleted(s, r);
    case 'Pod':
      return onPodDeleted(s, r, now);
    case 'Event':
      return unchanged(dropHeld(s, r.involved.uid, r.uid)); // TTL expiry: the release keeps its copy
    default:
      return assertNever(r);
  }
}

/** replayArrivals re-applies held records whose owner just arrived (depth-first: RS → pods → events). */
function replayArrivals(step: Step, now: Instant): TrackerStep {
  let state = step.state;
  const facts = [...step.facts];
  const queue = [...step.arrived];
  while (queue.length > 0) {
    const uid = queue.shift()!;
    const { state: rest, records } = takeHeld(state, uid);
    state = rest;
    for (const record of records) {
      const next = upsert(state, record, now);
      state = next.state;
      facts.push(...next.facts);
      queue.push(...next.arrived);
    }
  }
  return { state, facts };
}

/**
 * onFirstSync runs once the first full list is in: seeded workloads that did not show up were
 * deleted while we were away; every listed workload gets its missing releases backfilled from
 * the revisions that still exist — the newest with its author and start when the workload still
 * proves them (release/proven-write.ts) — and its current rollout sees the workload's status.
 */
function onFirstSync(s0: TrackerState, now: Instant): Step {
  let s: TrackerState = { ...s0, synced: true };
  const facts: Fact[] = [];
  for (const ws of [...s.workloads.values()]) {
    if (ws.record === null) {
      facts.push({ kind: 'workloadEvent', event: { workload: ws.ref, type: 'delete', time: now, resourceVersion: '', actor: UNKNOWN_ACTOR, detail: { whileAway: true } } });
      if (ws.rollout !== null) {
        const t = advance(ws.rollout, { kind: 'workloadDeleted' }, now);
        if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
      }
      facts.push({ kind: 'workloadObserved', workload: ws.ref, labels: {}, createdAt: null, deletedAt: now });
      s = removeWorkload(s, ws, now);
      continue;
    }
    const a = activateRevisions(ws, { now, rules: s.rules, live: false });
    facts.push(...a.facts);
    let next = a.ws;
    if (next.rollout !== null) {
      const t = advance(next.rollout, { kind: 'workloadObserved', workload: ws.record }, now);
      if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
      next = { ...next, rollout: t.state };
    }
    s = putWorkload(s, ws, next);
  }
  return { state: s, facts, arrived: [] };
}

/**
 * onTick activates revisions that waited ACTIVATION_WAIT_MS for a missing record, re-evaluates rollouts
 * waiting out a fail-fast grace period, expires held records and old tombstones.
 */
function onTick(s0: TrackerState, now: Instant): Step {
  let s = s0;
  const facts: Fact[] = [];
  const arrived: string[] = [];
  for (const ws0 of s0.workloads.values()) {
    let ws = ws0;
    if (ws.waitingSince !== null && now - ws.waitingSince >= ACTIVATION_WAIT_MS) {
      const a = activateRevisions(ws, { now, rules: s.rules, live: true });
      facts.push(...a.facts);
      arrived.push(...a.started);
      ws = a.ws;
      s = putWorkload(s, ws0, ws);
    }
    const r = ws.rollout;
    // Waiting out a grace period, or a settle window that has just ended (prune its pods).
    if (r === null || (r.suspect === null && (r.pods.size === 0 || isWatching(r, now)))) continue;
    const t = advance(r, { kind: 'tick' }, now);
    if (t.state === r) continue;
    if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
    s = putWorkload(s, ws, { ...ws, rollout: t.state });
  }
  s = expireHeld(s, now);
  let gone = s.gone;
  let goneNumbers = s.goneNumbers;
  for (const [uid, at] of s.gone.entries())
    if (at <= now - s.holdMs) {
      gone = gone.delete(uid);
      goneNumbers = goneNumbers.delete(uid);
    }
  return { state: gone === s.gone ? s : { ...s, gone, goneNumbers }, facts, arrived };
}
