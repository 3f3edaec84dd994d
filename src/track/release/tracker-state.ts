import type { Instant } from '../../lib/clock.ts';
import type { TrackedRecord } from '../../model/records.ts';
import type { FailFastRules } from '../status/fail-fast.ts';
import type { Fact } from './facts.ts';
import type { PMap } from './persistent-map.ts';
import { withCurrentNoted, type WorkloadState } from './workload-state.ts';

/**
 * HeldRecord is a record whose owner has not arrived yet (watches of different kinds deliver in
 * any order): a pod before its ReplicaSet, a ReplicaSet before its Deployment, an event before its
 * pod. It is replayed when the object with uid `waitFor` arrives, or dropped after `holdMs`.
 */
export interface HeldRecord {
  readonly record: TrackedRecord;
  readonly waitFor: string;
  readonly heldAt: Instant;
}

/**
 * TrackerState is the whole tracker: read-only, replaced (with structural sharing) by every delta
 * that changes something, identical when nothing did.
 * - `workloads`: per workload uid; `owners`: ReplicaSet/ControllerRevision uid → workload uid;
 *   `pods`: uid of a NEW pod of an active rollout → workload uid (routes pod events);
 * - `gone`: uids of deleted workloads → deletion time, so late ReplicaSets/pods/events of a deleted
 *   workload are dropped instead of held;
 * - `held`: records waiting for their owner, by the owner's uid; `heldCount` of them, at most `maxHeld`;
 * - `synced`: the first full list is done (before it, revisions are only collected; at it, backfill).
 */
export interface TrackerState {
  readonly cluster: string;
  readonly rules: FailFastRules;
  readonly maxHeld: number;
  readonly holdMs: number;
  readonly synced: boolean;
  readonly workloads: PMap<WorkloadState>;
  readonly owners: PMap<string>;
  readonly pods: PMap<string>;
  readonly gone: PMap<Instant>;
  /** The last release number of each workload in `gone` (a recreated successor continues from it, CONTINUES_ANNOTATION). */
  readonly goneNumbers: PMap<number>;
  readonly held: PMap<readonly HeldRecord[]>;
  readonly heldCount: number;
  /** How many held records were dropped (full, or their owner never came): a health counter. */
  readonly droppedHeld: number;
}

/**
 * Step is a handler's result: the next state, the facts, and uids that just became known (held
 * records waiting for them are replayed by the tracker).
 */
export interface Step {
  readonly state: TrackerState;
  readonly facts: readonly Fact[];
  readonly arrived: readonly string[];
}

/** unchanged is the Step of a delta that changed nothing. */
export const unchanged = (state: TrackerState): Step => ({ state, facts: [], arrived: [] });

/**
 * hold parks a record until `waitFor` arrives (replacing an earlier held version of the same
 * record). When `maxHeld` records are already held the record is dropped and counted: a bound on
 * memory whatever the arrival order. Costs one bucket copy, never a scan of everything held.
 */
export function hold(s: TrackerState, record: TrackedRecord, waitFor: string, now: Instant): TrackerState {
  const list = s.held.get(waitFor) ?? [];
  const kept = list.filter((h) => h.record.uid !== record.uid || h.record.kind !== record.kind);
  const count = s.heldCount - (list.length - kept.length);
  if (count >= s.maxHeld) return { ...s, droppedHeld: s.droppedHeld + 1 };
  return { ...s, held: s.held.set(waitFor, [...kept, { record, waitFor, heldAt: now }]), heldCount: count + 1 };
}

/** takeHeld removes and returns the records waiting for `waitFor`, oldest first. */
export function takeHeld(s: TrackerState, waitFor: string): { readonly state: TrackerState; readonly records: readonly TrackedRecord[] } {
  const list = s.held.get(waitFor);
  if (list === undefined) return { state: s, records: [] };
  return { state: { ...s, held: s.held.delete(waitFor), heldCount: s.heldCount - list.length }, records: list.map((h) => h.record) };
}

/** dropHeld forgets the records waiting for `waitFor` (only the one with `recordUid`, if given); the same state when none. */
export function dropHeld(s: TrackerState, waitFor: string | undefined, recordUid?: string): TrackerState {
  const list = waitFor === undefined ? undefined : s.held.get(waitFor);
  if (waitFor === undefined || list === undefined) return s;
  const kept = recordUid === undefined ? [] : list.filter((h) => h.record.uid !== recordUid);
  if (kept.length === list.length) return s;
  const held = kept.length === 0 ? s.held.delete(waitFor) : s.held.set(waitFor, kept);
  return { ...s, held, heldCount: s.heldCount - (list.length - kept.length) };
}

/** expireHeld drops records held longer than `holdMs` (their owner never came), counting them. */
export function expireHeld(s: TrackerState, now: Instant): TrackerState {
  let held = s.held;
  let dropped = 0;
  for (const [key, list] of s.held.entries()) {
    const kept = list.filter((h) => h.heldAt > now - s.holdMs);
    if (kept.length === list.length) continue;
    dropped += list.length - kept.length;
    held = kept.length === 0 ? held.delete(key) : held.set(key, kept);
  }
  return dropped === 0 ? s : { ...s, held, heldCount: s.heldCount - dropped, droppedHeld: s.droppedHeld + dropped };
}

/**
 * putWorkload stores a workload's new state and keeps what derives from its rollout in step: pods
 * the rollout dropped (finished, pruned) leave the pod index, new ones enter it; the current
 * release's outcome is noted in the workload's template history (rollback detection).
 */
export function putWorkload(s: TrackerState, before: WorkloadState | undefined, next: WorkloadState): TrackerState {
  if (before === next) return s;
  const after = withCurrentNoted(next);
  let pods = s.pods;
  const oldPods = before?.rollout?.pods;
  const newPods = after.rollout?.pods;
  if (oldPods !== newPods) {
    if (oldPods) for (const uid of oldPods.keys()) if (!newPods?.has(uid)) pods = pods.delete(uid);
    if (newPods) for (const uid of newPods.keys()) if (!oldPods?.has(uid)) pods = pods.set(uid, after.ref.uid);
  }
  return { ...s, workloads: s.workloads.set(after.ref.uid, after), pods };
}

/** removeWorkload forgets a deleted workload: its state, revisions, pods; remembers it as gone. */
export function removeWorkload(s: TrackerState, ws: WorkloadState, now: Instant): TrackerState {
  let owners = s.owners;
  for (const uid of ws.revisions.keys()) owners = owners.delete(uid);
  let pods = s.pods;
  for (const uid of ws.rollout?.pods.keys() ?? []) pods = pods.delete(uid);
  return { ...s, workloads: s.workloads.delete(ws.ref.uid), owners, pods, gone: s.gone.set(ws.ref.uid, now), goneNumbers: s.goneNumbers.set(ws.ref.uid, ws.lastNumber) };
}
