import type { Instant } from '../../lib/clock.ts';
import type { PodRecord, PodTemplateRecord, WorkloadRecord } from '../../model/records.ts';
import type { Outcome, Release, ReleaseId, WorkloadRef } from '../../model/release.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import { changeCauseOf, UNKNOWN_ACTOR } from './actor.ts';
import { buildRelease } from './build.ts';
import { naturalKeyString } from './identity.ts';
import type { ProvenWrite } from './proven-write.ts';
import { podMatches, type RevisionSource } from './revision-source.ts';
import { noteRelease, rollbackTargetOf, type TemplateHistory } from './rollback-target.ts';
import { triggerOf } from './template-trigger.ts';
import { digestOf, progressOf } from '../rollout/progress.ts';

/** BackfillKnown is what the ledger (seeded tracker state) already holds for the workload. */
export interface BackfillKnown {
  /** Highest release number so far; new releases continue after it. If unset, 0. */
  readonly lastNumber?: number;
  /** Revisions at or below this are in the ledger already. If unset, 0. */
  readonly floorRevision?: number;
  /** Natural keys (naturalKeyString) already in the ledger. */
  readonly keys?: ReadonlySet<string>;
  /** What earlier releases proved of their templates (rollback detection, rollback-target.ts). */
  readonly templates?: TemplateHistory;
  /** The latest known release (the new ones follow it). */
  readonly previous?: { readonly id: ReleaseId; readonly template: PodTemplateRecord; readonly startedAt: Instant } | null;
}

/** BackfillInput is what `backfillReleases` reconstructs from. */
export interface BackfillInput {
  readonly workload: WorkloadRecord;
  readonly ref: WorkloadRef;
  /** The workload's ReplicaSets or ControllerRevisions that still exist, any order. */
  readonly revisions: readonly RevisionSource[];
  /** The workload's pods (for image digests), any revision. */
  readonly pods: readonly PodRecord[];
  readonly now: Instant;
  readonly known?: BackfillKnown;
  /**
   * The template write proven to have made the newest revision (`provenTemplateWrite`), if any: that
   * release gets its actor, start and change-cause, and is not marked backfilled.
   */
  readonly proven?: ProvenWrite | null;
}

/**
 * backfillReleases reconstructs releases from the revisions that still exist (first start, or
 * after a gap), oldest revision first, skipping what the ledger already holds (same natural key,
 * or a revision at or below `floorRevision`) — so it is idempotent with the ledger. What cannot be
 * known is not invented:
 * - `actor` is `unknown`, `backfilled` is true; `changeCause` is the ReplicaSet's copy, if any —
 *   except for the newest revision when `input.proven` names the write that made it: then its
 *   author, `startedAt` = the write's server time (as the live tracker records it, so the same id),
 *   the workload's change-cause, and `backfilled: false` (every field is proven; see README);
 * - `startedAt` is the revision's creation time; for a re-promoted ReplicaSet (rollback) its
 *   creation time predates the releases it follows, so the previous release's start is used as a
 *   lower bound; with no creation time at all, `now`;
 * - `trigger`: revision 1 → `create`; a re-promoted ReplicaSet or a template an earlier release
 *   proved good → `rollback` with `rollbackTo` (rollback-target.ts; not when that template's latest
 *   release failed); otherwise the template difference to the previous revision (image/restart/config);
 *   with no previous template left to compare, `config` (the generic "template changed");
 * - outcome of the workload's current revision from the workload status (complete → `succeeded`,
 *   ProgressDeadlineExceeded → `failed`, paused → `paused`, else `progressing`, which the live
 *   tracker then follows); every older revision `superseded`, or `rolled-back` when the next one
 *   is a rollback. `finishedAt` is null when it cannot be known.
 * Returns the new releases in activation order, numbered after `known.lastNumber`.
 */
export function backfillReleases(input: BackfillInput): readonly Release[] {
  const { workload: w, ref, now } = input;
  const known = input.known ?? {};
  const keys = known.keys ?? new Set<string>();
  let templates: TemplateHistory = known.templates ?? new Map();
  const sorted = [...input.revisions]
    .filter((s) => s.ownerUid === w.uid && s.revision > (known.floorRevision ?? 0))
    .sort((a, b) => a.revision - b.revision)
    .filter((s) => !keys.has(naturalKeyString({ workloadUid: w.uid, templateHash: s.template.fingerprint, revision: String(s.revision) })));
  const out: Release[] = [];
  let number = known.lastNumber ?? 0;
  let prev = known.previous ?? null;
  for (const [i, s] of sorted.entries()) {
    const isLast = i === sorted.length - 1;
    const back = rollbackTargetOf(templates, s.template.fingerprint, prev?.template.fingerprint ?? null, s.rePromoted);
    const trigger = back.rollback ? 'rollback' : s.revision === 1 ? 'create' : prev ? triggerOf(prev.template, s.template) : 'config';
    const write = isLast && input.proven?.revisionUid === s.uid ? input.proven : null;
    const startedAt = write !== null ? Math.min(write.at, now) : Math.max(s.createdAt ?? now, s.rePromoted && prev ? prev.startedAt : -Infinity);
    const current = isLast ? currentOutcome(w, s) : null;
    number += 1;
    const release = buildRelease({
      workload: ref,
      releaseNumber: number,
      revision: s.revision,
      template: s.template,
      trigger,
      actor: write?.actor ?? UNKNOWN_ACTOR,
      changeCause: write?.changeCause ?? changeCauseOf(s.annotations),
      previousReleaseId: prev?.id ?? null,
      rollbackTo: back.to,
      startedAt,
      phases: { templateObserved: startedAt, revisionCreated: write !== null ? Math.max(startedAt, s.createdAt ?? startedAt) : startedAt },
      outcome: current?.outcome ?? 'superseded',
      failure: current?.failure ?? null,
      backfilled: write === null,
    });
    const pods = input.pods.filter((p) => podMatches(s, p));
    out.push(withDigests(release, pods));
    templates = noteRelease(templates, release);
    prev = { id: release.id, template: s.template, startedAt };
  }
  // A release followed by a rollback was undone: say so when the revisions prove it.
  return out.map((r, i) => (out[i + 1]?.trigger === 'rollback' && r.outcome === 'superseded' ? { ...r, outcome: 'rolled-back' } : r));
}

function currentOutcome(w: WorkloadRecord, s: RevisionSource): { outcome: Outcome; failure: Diagnosis | null } {
  // A newer template not yet activated (paused with edits): this revision still runs; nothing proves more.
  if (w.template.fingerprint !== s.template.fingerprint) return { outcome: w.paused ? 'paused' : 'progressing', failure: null };
  const progress = progressOf({ templateHash: s.template.fingerprint }, w);
  if (progress.complete) return { outcome: 'succeeded', failure: null };
  const deadline = w.status.conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (deadline) {
    const object = `${w.kind} ${w.namespace}/${w.name}`;
    return { outcome: 'failed', failure: { code: 'ProgressDeadlineExceeded', reason: deadline.reason, message: deadline.message, object } };
  }
  return { outcome: w.paused ? 'paused' : 'progressing', failure: null };
}

function withDigests(r: Release, pods: readonly PodRecord[]): Release {
  if (pods.length === 0) return r;
  const images = r.images.map((img) => {
    for (const p of pods)
      for (const c of p.containerStatuses) {
        const digest = c.name === img.container ? digestOf(c.imageID) : '';
        if (digest !== '') return { ...img, digest };
      }
    return img;
  });
  return { ...r, images };
}
