import type { Instant } from '../../lib/clock.ts';
import type { PodRecord } from '../../model/records.ts';
import type { Release } from '../../model/release.ts';
import { advance } from '../rollout/machine.ts';
import { newRolloutState } from '../rollout/state.ts';
import type { FailFastRules } from '../status/fail-fast.ts';
import { changeCauseOf, UNKNOWN_ACTOR } from './actor.ts';
import { backfillReleases, type BackfillKnown } from './backfill.ts';
import { buildRelease } from './build.ts';
import type { Fact } from './facts.ts';
import { provenTemplateWrite } from './proven-write.ts';
import { podMatches, type RevisionSource } from './revision-source.ts';
import { rollbackTargetOf } from './rollback-target.ts';
import { triggerOf } from './template-trigger.ts';
import { pendingFor, rememberRelease, sourceKeyOf, type WorkloadState } from './workload-state.ts';

/** ActivateOptions say how to turn new revisions into releases. */
export interface ActivateOptions {
  readonly now: Instant;
  readonly rules: FailFastRules;
  /**
   * live: the newest new revision was activated while we watched — it becomes a tracked release
   * with the actor seen on the workload. Otherwise (the first list after a start) every new
   * revision is backfilled, except that the newest gets its author and start when the workload
   * still proves them (`provenTemplateWrite`).
   */
  readonly live: boolean;
}

/**
 * ACTIVATION_WAIT_MS is how long live activation waits for what it is missing, so that a relist
 * (after a 410 or a dropped watch) records the same releases as uninterrupted watching:
 * - a missing revision: the lowest new revision is not the next one (revision 5 arrives, 4 has
 *   not). A LIST is delivered in name order, not revision order, so 4 may be on its way — or gone
 *   for good (cleaned up). Without waiting, 4 would be lost under 5;
 * - the workload watch behind: the newest revision's template is neither the workload's nor a
 *   pending change, so its author and write time (the release start, hence its id) are still to
 *   come with the workload's own update.
 * Activation then happens when the missing record arrives, or on the first `tick` at least this
 * long after the wait began. Watching without gaps, in the usual order (the workload's update
 * before the revision it causes), never waits.
 */
export const ACTIVATION_WAIT_MS = 1_000;

/**
 * Activation is the workload state after activating new revisions, and the facts that produced.
 * `started` lists the uids of the revisions whose releases started (records held for them, such
 * as pods that arrived while activation waited, can now be replayed).
 */
export interface Activation {
  readonly ws: WorkloadState;
  readonly facts: readonly Fact[];
  readonly started: readonly string[];
}

/**
 * newRevisionsOf lists the workload's revisions that no release covers yet: native revision above
 * every activated one and an unknown natural key, oldest first. Kubernetes only ever raises
 * revisions (a rollback re-promotes an old ReplicaSet under max+1, §1.5), so this is exactly the
 * set of activations not yet recorded.
 */
export function newRevisionsOf(ws: WorkloadState): readonly RevisionSource[] {
  const uid = ws.ref.uid;
  return [...ws.revisions.values()]
    .filter((s) => s.revision > ws.maxRevision && !ws.keys.has(sourceKeyOf(uid, s)))
    .sort((a, b) => a.revision - b.revision);
}

/**
 * activateRevisions starts a release for every new revision of the workload, in revision order:
 * the older ones backfilled (they came and went while we were not looking), the newest one live
 * when `options.live`. Each new release supersedes (or rolls back) the previous current one.
 * Returns the same `ws` and no facts when there is nothing new.
 */
export function activateRevisions(ws: WorkloadState, options: ActivateOptions): Activation {
  const record = ws.record;
  const fresh = newRevisionsOf(ws);
  if (record === null || fresh.length === 0) return { ws: ws.waitingSince === null || record === null ? ws : { ...ws, waitingSince: null }, facts: [], started: [] };
  if (options.live && awaitsMissing(ws, fresh, options.now)) return { ws: ws.waitingSince === null ? { ...ws, waitingSince: options.now } : ws, facts: [], started: [] };
  const facts: Fact[] = [];
  const backfilled = options.live ? fresh.slice(0, -1) : fresh;
  let cur: WorkloadState = ws.waitingSince === null ? ws : { ...ws, waitingSince: null };
  if (backfilled.length > 0) {
    const releases = backfillReleases({
      workload: record,
      ref: ws.ref,
      revisions: backfilled,
      pods: [],
      now: options.now,
      known: knownOf(ws),
      proven: options.live ? null : provenTemplateWrite(record, fresh.at(-1)!, ws.revisions.values()),
    });
    for (const r of releases) {
      const src = backfilled.find((s) => String(s.revision) === r.revision)!;
      // Older than a live one that follows: it was superseded, whatever the status said.
      const release = options.live && (r.outcome === 'progressing' || r.outcome === 'paused') ? { ...r, outcome: 'superseded' as const } : r;
      cur = adopt(cur, release, src, facts, options);
    }
  }
  if (options.live) cur = adopt(cur, liveRelease(cur, fresh.at(-1)!, options.now), fresh.at(-1)!, facts, options);
  return { ws: cur, facts, started: fresh.map((f) => f.uid) };
}

/**
 * waitingRevisionOf names the new revision a pod belongs to while its workload's activation waits
 * (ACTIVATION_WAIT_MS), so the pod can be held until that release starts; null otherwise.
 */
export function waitingRevisionOf(ws: WorkloadState, pod: PodRecord): string | null {
  if (ws.waitingSince === null) return null;
  return newRevisionsOf(ws).find((src) => podMatches(src, pod))?.uid ?? null;
}

/**
 * awaitsMissing tells whether live activation should wait (see ACTIVATION_WAIT_MS): a revision is
 * skipped, or the workload record lags behind the newest revision — and the wait began less than
 * ACTIVATION_WAIT_MS ago.
 */
function awaitsMissing(ws: WorkloadState, fresh: readonly RevisionSource[], now: Instant): boolean {
  const newest = fresh.at(-1)!.template.fingerprint;
  const skipped = fresh[0]!.revision > ws.maxRevision + 1;
  const behind = ws.record !== null && ws.record.template.fingerprint !== newest && pendingFor(ws, newest) === null;
  if (!skipped && !behind) return false;
  return ws.waitingSince === null || now - ws.waitingSince < ACTIVATION_WAIT_MS;
}

function knownOf(ws: WorkloadState): BackfillKnown {
  const r = ws.rollout?.release;
  return {
    lastNumber: ws.lastNumber,
    floorRevision: ws.maxRevision,
    keys: ws.keys,
    templates: ws.templates,
    previous: r && ws.currentTemplate ? { id: r.id, template: ws.currentTemplate, startedAt: r.startedAt } : null,
  };
}

/** liveRelease builds the release of a revision activated while the tracker watched. */
function liveRelease(ws: WorkloadState, src: RevisionSource, now: Instant): Release {
  const fp = src.template.fingerprint;
  const prevT = ws.currentTemplate;
  const back = rollbackTargetOf(ws.templates, fp, prevT?.fingerprint ?? null, src.rePromoted);
  const trigger = back.rollback ? 'rollback' : prevT === null ? (src.revision === 1 ? 'create' : 'config') : triggerOf(prevT, src.template);
  const pending = pendingFor(ws, fp);
  const record = ws.record;
  const recordCause = record !== null && record.template.fingerprint === fp ? changeCauseOf(record.annotations) : null;
  // Start = the server time of the template write when known (a fresh ReplicaSet's creation time
  // otherwise): the same in every run, so the release id is stable across restarts and relists.
  const serverTime = pending?.writtenAt ?? (src.rePromoted ? null : src.createdAt);
  const startedAt = Math.min(serverTime ?? pending?.observedAt ?? now, now);
  const observedAt = Math.min(pending?.observedAt ?? now, now);
  return buildRelease({
    workload: ws.ref,
    releaseNumber: ws.lastNumber + 1,
    revision: src.revision,
    template: src.template,
    trigger,
    actor: pending?.actor ?? UNKNOWN_ACTOR,
    changeCause: pending?.changeCause ?? recordCause ?? changeCauseOf(src.annotations),
    previousReleaseId: ws.rollout?.release.id ?? null,
    rollbackTo: back.to,
    startedAt,
    phases: { templateObserved: observedAt, revisionCreated: now },
    outcome: 'progressing',
    backfilled: false,
  });
}

/** adopt makes `release` the workload's current release: the previous one is superseded. */
function adopt(ws: WorkloadState, release: Release, src: RevisionSource, facts: Fact[], options: ActivateOptions): WorkloadState {
  const prev = ws.rollout;
  let cur = ws;
  if (prev !== null) {
    const t = advance(prev, { kind: 'superseded', by: release.id, rollback: release.trigger === 'rollback' }, options.now);
    if (t.effects.length > 0) facts.push({ kind: 'releaseUpdated', release: t.state.release, changes: t.effects });
    cur = { ...cur, rollout: t.state };
  }
  let rollout = newRolloutState(release, { revisionUid: src.uid, revisionName: src.name, podHash: src.podHash, rules: options.rules });
  if (ws.record !== null) rollout = advance(rollout, { kind: 'workloadObserved', workload: ws.record }, options.now).state;
  facts.push({ kind: 'releaseStarted', release: rollout.release });
  return rememberRelease(cur, rollout, src.template);
}
