import type { Instant } from '../../lib/clock.ts';
import type { WorkloadRecord } from '../../model/records.ts';
import { CONTINUES_ANNOTATION, type WorkloadEventType } from '../../model/release.ts';
import { advance } from '../rollout/machine.ts';
import { activateRevisions } from './activate.ts';
import { changeCauseOf, scaleActorOf, specActorOf, templateWriteOf, UNKNOWN_ACTOR } from './actor.ts';
import { classifyChange } from './classify.ts';
import type { Fact } from './facts.ts';
import { isStale } from './rv-order.ts';
import { putWorkload, removeWorkload, unchanged, type Step, type TrackerState } from './tracker-state.ts';
import { newWorkloadState, withPending, workloadRefOf, type WorkloadState } from './workload-state.ts';

const observed = (ws: WorkloadState, w: WorkloadRecord, deletedAt: Instant | null): Fact => ({
  kind: 'workloadObserved',
  workload: ws.ref,
  labels: w.labels,
  createdAt: w.creationTimestamp,
  deletedAt,
});

/**
 * onWorkloadUpsert handles an added/updated Deployment, StatefulSet or DaemonSet: classifies the
 * change (releases start later, when Kubernetes activates the template — see activate.ts), emits
 * workload events for scale/pause/resume/spec/metadata/delete, activates revisions that already
 * arrived, and feeds the status to the current rollout. A record with an already-seen
 * resourceVersion (relist, replay) changes nothing.
 */
export function onWorkloadUpsert(s: TrackerState, w: WorkloadRecord, now: Instant): Step {
  const before = s.workloads.get(w.uid);
  if (isStale(w.resourceVersion, before?.record?.resourceVersion)) return unchanged(s);
  let ws = before ?? newWorkloadState(workloadRefOf(s.cluster, w));
  const facts: Fact[] = [];
  const prev = ws.record ?? undefined;
  if (prev === undefined) {
    facts.push(observed(ws, w, null));
    const predecessor = w.annotations[CONTINUES_ANNOTATION];
    if (before === undefined && predecessor !== undefined && predecessor !== w.uid) {
      // Recreated by a selector migration: numbering continues after the predecessor's last release.
      const last = s.workloads.get(predecessor)?.lastNumber ?? s.goneNumbers.get(predecessor) ?? 0;
      if (last > ws.lastNumber) ws = { ...ws, lastNumber: last };
      facts.push({ kind: 'workloadEvent', event: { workload: ws.ref, type: 'migrate', time: now, resourceVersion: w.resourceVersion, actor: specActorOf(undefined, w), detail: { previousUid: predecessor, lastReleaseNumber: last } } });
    }
    // First sight: if Kubernetes has not activated this template yet (a workload created just now,
    // or while the list was still running), its release is live and its author is the newest
    // template writer. If it is already active, backfill adopts it and this is forgotten.
    if (ws.rollout?.release.templateHash !== w.template.fingerprint) {
      const write = templateWriteOf(undefined, w);
      ws = withPending(ws, { fingerprint: w.template.fingerprint, observedAt: now, writtenAt: write.at, actor: write.actor, changeCause: changeCauseOf(w.annotations) });
    }
  } else {
    for (const c of classifyChange(prev, w, { earlierTemplates: ws.templates })) {
      if (c.kind === 'template') ws = onTemplateChange(ws, prev, w, now, facts);
      else {
        facts.push(workloadEvent(ws, prev, w, c.type, c.detail, now));
        if (c.type === 'delete') ws = { ...ws, deleteRecorded: true };
        if (c.type === 'metadata' && !sameLabels(prev.labels, w.labels)) facts.push(observed(ws, w, null));
      }
    }
  }
  ws = { ...ws, record: w };
  let started: readonly string[] = [];
  if (s.synced) {
    const a = activateRevisions(ws, { now, rules: s.rules, live: true });
    ws = a.ws;
    facts.push(...a.facts);
    started = a.started;
  }
  ws = observeStatus(ws, w, now, facts);
  return { state: putWorkload(s, before, ws), facts, arrived: [w.uid, ...started] };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function onTemplateChange(ws: WorkloadState, prev: WorkloadRecord, w: WorkloadRecord, now: Instant, facts: Fact[]): WorkloadState {
  const { actor, at } = templateWriteOf(prev, w);
  const changeCause = changeCauseOf(w.annotations);
  const r = ws.rollout;
  if (r !== null && r.release.templateHash === w.template.fingerprint) {
    // The revision arrived before this update (watch order): the release exists; name its author.
    const t = advance(r, { kind: 'actorObserved', actor, changeCause, observedAt: now }, now);
    if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
    return { ...ws, rollout: t.state, pending: ws.pending.filter((p) => p.fingerprint !== w.template.fingerprint) };
  }
  return withPending(ws, { fingerprint: w.template.fingerprint, observedAt: now, writtenAt: at, actor, changeCause });
}

function workloadEvent(ws: WorkloadState, prev: WorkloadRecord, w: WorkloadRecord, type: WorkloadEventType, detail: Readonly<Record<string, unknown>>, now: Instant): Fact {
  const actor = type === 'scale' ? scaleActorOf(prev, w) : type === 'delete' ? UNKNOWN_ACTOR : specActorOf(prev, w);
  return { kind: 'workloadEvent', event: { workload: ws.ref, type, time: now, resourceVersion: w.resourceVersion, actor, detail } };
}

function observeStatus(ws: WorkloadState, w: WorkloadRecord, now: Instant, facts: Fact[]): WorkloadState {
  if (ws.rollout === null) return ws;
  const t = advance(ws.rollout, { kind: 'workloadObserved', workload: w }, now);
  if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
  return t.state === ws.rollout ? ws : { ...ws, rollout: t.state };
}

/**
 * onWorkloadDeleted handles a deleted workload (a watch DELETED or a relist tombstone): one
 * `delete` workload event (unless its deletionTimestamp already produced one), a running rollout
 * fails with `Deleted`, and the workload is forgotten — a re-created one (new uid) starts afresh
 * with release number 1.
 */
export function onWorkloadDeleted(s: TrackerState, w: WorkloadRecord, finalStateUnknown: boolean, now: Instant): Step {
  const ws = s.workloads.get(w.uid);
  if (ws === undefined) return unchanged(s);
  const facts: Fact[] = [];
  if (!ws.deleteRecorded)
    facts.push({
      kind: 'workloadEvent',
      event: { workload: ws.ref, type: 'delete', time: now, resourceVersion: w.resourceVersion, actor: UNKNOWN_ACTOR, detail: { finalStateUnknown } },
    });
  if (ws.rollout !== null) {
    const t = advance(ws.rollout, { kind: 'workloadDeleted' }, now);
    if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
  }
  facts.push(observed(ws, w, now));
  return { state: removeWorkload(s, ws, now), facts, arrived: [] };
}
