import type { Instant } from '../../lib/clock.ts';
import type { EventRecord, PodRecord } from '../../model/records.ts';
import { advance } from '../rollout/machine.ts';
import type { RolloutEvent } from '../rollout/events.ts';
import { isWatching } from '../rollout/state.ts';
import { waitingRevisionOf } from './activate.ts';
import { podMatches } from './revision-source.ts';
import { dropHeld, hold, putWorkload, unchanged, type Step, type TrackerState } from './tracker-state.ts';

const POD_OWNER_KINDS: ReadonlySet<string> = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const REVISION_KINDS: ReadonlySet<string> = new Set(['ReplicaSet', 'ControllerRevision']);

/** EVENT_SUBJECT_KINDS are the kinds of involved objects whose Events onEventUpsert reads; Events about any other kind change nothing. */
export const EVENT_SUBJECT_KINDS: ReadonlySet<string> = new Set([...WORKLOAD_KINDS, ...REVISION_KINDS, 'Pod']);

/** feed sends one observation to a workload's current rollout and records what changed. */
function feed(s: TrackerState, wuid: string, event: RolloutEvent, now: Instant, arrived: readonly string[]): Step {
  const before = s.workloads.get(wuid);
  const r = before?.rollout;
  if (before === undefined || r === null || r === undefined) return unchanged(s);
  const t = advance(r, event, now);
  if (t.state === r) return { state: s, facts: [], arrived };
  const state = putWorkload(s, before, { ...before, rollout: t.state });
  return { state, facts: t.effects.length > 0 ? [{ kind: 'releaseUpdated', release: t.state.release, changes: t.effects }] : [], arrived };
}

/**
 * onPodUpsert handles an added/updated pod. Only NEW pods of an active rollout matter (owned by
 * its ReplicaSet, or carrying its controller-revision-hash); others change nothing, and events
 * held for them are dropped. A pod whose owner has not arrived yet, or whose revision's release
 * waits to start, is held.
 */
export function onPodUpsert(s: TrackerState, pod: PodRecord, now: Instant): Step {
  const owner = pod.owner;
  if (owner === null || !POD_OWNER_KINDS.has(owner.kind)) return unchanged(s);
  const wuid = owner.kind === 'ReplicaSet' ? s.owners.get(owner.uid) : s.workloads.has(owner.uid) ? owner.uid : undefined;
  if (wuid === undefined) {
    if (s.gone.has(owner.uid)) return unchanged(s);
    return { state: hold(s, pod, owner.uid, now), facts: [], arrived: [] };
  }
  const ws = s.workloads.get(wuid);
  // A new pod of a revision whose release waits to start (activate.ts): hold it until it starts.
  const waitingFor = ws === undefined ? null : waitingRevisionOf(ws, pod);
  if (waitingFor !== null) return { state: hold(s, pod, waitingFor, now), facts: [], arrived: [] };
  const r = ws?.rollout;
  const isNew = r !== null && r !== undefined && isWatching(r, now) && podMatches({ uid: r.revisionUid, name: r.revisionName, podHash: r.podHash }, pod);
  if (!isNew) return unchanged(dropHeld(s, pod.uid));
  return feed(s, wuid, { kind: 'podObserved', pod }, now, [pod.uid]);
}

/** onPodDeleted handles a deleted pod: it leaves its rollout (and any held copy is dropped). */
export function onPodDeleted(s: TrackerState, pod: PodRecord, now: Instant): Step {
  const cleared = dropHeld(dropHeld(s, pod.uid), pod.owner?.uid, pod.uid);
  const wuid = cleared.pods.get(pod.uid);
  if (wuid === undefined) return unchanged(cleared);
  return feed(cleared, wuid, { kind: 'podDeleted', uid: pod.uid }, now, []);
}

/**
 * onEventUpsert attaches a Kubernetes event to the rollout it is about: events on the workload, on
 * its ReplicaSets/ControllerRevisions, or on new pods of its active rollout. Events about objects
 * not seen yet are held (bounded); events about other objects (HPAs, Services…) are ignored.
 */
export function onEventUpsert(s: TrackerState, e: EventRecord, now: Instant): Step {
  const inv = e.involved;
  let wuid: string | undefined;
  if (!EVENT_SUBJECT_KINDS.has(inv.kind)) return unchanged(s);
  if (WORKLOAD_KINDS.has(inv.kind)) wuid = s.workloads.has(inv.uid) ? inv.uid : undefined;
  else if (REVISION_KINDS.has(inv.kind)) wuid = s.owners.get(inv.uid);
  else wuid = s.pods.get(inv.uid);
  if (wuid === undefined) {
    if (inv.uid === '' || s.gone.has(inv.uid)) return unchanged(s);
    return { state: hold(s, e, inv.uid, now), facts: [], arrived: [] };
  }
  return feed(s, wuid, { kind: 'eventObserved', event: e }, now, []);
}
