import type { Instant } from '../../lib/clock.ts';
import type { ControllerRevisionRecord, ReplicaSetRecord } from '../../model/records.ts';
import { activateRevisions } from './activate.ts';
import { revisionSourceOf } from './revision-source.ts';
import { isStale } from './rv-order.ts';
import { dropHeld, hold, putWorkload, unchanged, type Step, type TrackerState } from './tracker-state.ts';
import { releaseKeyOf, sourceKeyOf, type WorkloadState } from './workload-state.ts';

/**
 * onRevisionUpsert handles an added/updated ReplicaSet or ControllerRevision. A new native revision
 * of a known workload starts a release (activate.ts); one of a workload not seen yet is held until
 * the workload arrives; one of a deleted workload is dropped. ReplicaSets without a revision
 * annotation (not made by a Deployment) are ignored. Before the first sync, revisions are only
 * collected (backfill runs at sync, in revision order).
 */
export function onRevisionUpsert(s: TrackerState, rec: ReplicaSetRecord | ControllerRevisionRecord, now: Instant): Step {
  const src = revisionSourceOf(rec);
  if (src === null) return unchanged(s);
  const before = s.workloads.get(src.ownerUid);
  if (before === undefined) return s.gone.has(src.ownerUid) ? unchanged(s) : { state: hold(s, rec, src.ownerUid, now), facts: [], arrived: [] };
  if (isStale(src.resourceVersion, before.revisions.get(src.uid)?.resourceVersion)) return unchanged(s);
  let ws: WorkloadState = { ...before, revisions: new Map(before.revisions).set(src.uid, src) };
  const r = ws.rollout;
  // A release seeded from the ledger learns which object carries it (to recognise its pods).
  if (r !== null && r.revisionUid === '' && releaseKeyOf(r.release) === sourceKeyOf(ws.ref.uid, src))
    ws = { ...ws, rollout: { ...r, revisionUid: src.uid, revisionName: src.name, podHash: src.podHash } };
  let facts: Step['facts'] = [];
  let started: readonly string[] = [];
  if (s.synced) {
    const a = activateRevisions(ws, { now, rules: s.rules, live: true });
    ws = a.ws;
    facts = a.facts;
    started = a.started;
  }
  const state = putWorkload({ ...s, owners: s.owners.set(src.uid, src.ownerUid) }, before, ws);
  return { state, facts, arrived: [...new Set([src.uid, ...started])] };
}

/** onRevisionDeleted forgets a ReplicaSet/ControllerRevision (history clean-up, GC). Its releases stay. */
export function onRevisionDeleted(s: TrackerState, rec: ReplicaSetRecord | ControllerRevisionRecord): Step {
  const dropped = dropHeld(dropHeld(s, rec.uid), rec.owner?.uid, rec.uid);
  const wuid = dropped.owners.get(rec.uid);
  if (wuid === undefined) return unchanged(dropped);
  const before = dropped.workloads.get(wuid);
  const owners = dropped.owners.delete(rec.uid);
  if (before === undefined) return unchanged({ ...dropped, owners });
  const revisions = new Map(before.revisions);
  revisions.delete(rec.uid);
  return unchanged(putWorkload({ ...dropped, owners }, before, { ...before, revisions }));
}
