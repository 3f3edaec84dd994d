import type { Instant } from '../../lib/clock.ts';
import type { PodTemplateRecord, WorkloadRecord } from '../../model/records.ts';
import type { Actor, Release, WorkloadRef } from '../../model/release.ts';
import type { FailFastRules } from '../status/fail-fast.ts';
import { newRolloutState, type RolloutState } from '../rollout/state.ts';
import { templateOfRelease } from './build.ts';
import { naturalKeyString } from './identity.ts';
import type { RevisionSource } from './revision-source.ts';
import { noteRelease, type TemplateHistory } from './rollback-target.ts';

/**
 * PendingTemplate is a template change seen on the workload but not yet activated by Kubernetes
 * (no new ReplicaSet/revision yet — e.g. while a Deployment is paused, kubernetes.md §1.9). The
 * release starts when the revision appears; several edits while paused make ONE release.
 */
export interface PendingTemplate {
  readonly fingerprint: string;
  readonly observedAt: Instant;
  /** Server time of the write that changed the template (managedFields), null when unknown. */
  readonly writtenAt: Instant | null;
  readonly actor: Actor;
  readonly changeCause: string | null;
}

/**
 * WorkloadState is what the tracker keeps per workload (keyed by uid):
 * - `record`: the latest workload record, null while only known from the ledger (seeded);
 * - `revisions`: its ReplicaSets / ControllerRevisions by uid (small: revisionHistoryLimit + 1);
 * - `lastNumber`: highest release number given; the next release gets lastNumber + 1;
 * - `maxRevision`: highest native revision activated — only higher revisions start releases;
 * - `keys`: natural keys of recent releases (bounded by MAX_REMEMBERED), for idempotency;
 * - `templates`: the latest release number per recent template, null when it failed
 *   (rollback-target.ts), for rollback detection; it always reflects the current release's latest
 *   outcome (rememberRelease, and withCurrentNoted on every store — tracker-state.ts putWorkload);
 * - `currentTemplate` and `rollout`: the latest release's template and rollout state;
 * - `pending`: template changes seen but not yet activated, oldest first (at most MAX_PENDING):
 *   several, because the workload watch may run ahead of the ReplicaSet watch;
 * - `deleteRecorded`: a `delete` workload event was already emitted (deletionTimestamp seen);
 * - `waitingSince`: when live activation began waiting for a missing revision or workload update
 *   (activate.ts ACTIVATION_WAIT_MS), null when not waiting.
 */
export interface WorkloadState {
  readonly ref: WorkloadRef;
  readonly record: WorkloadRecord | null;
  readonly revisions: ReadonlyMap<string, RevisionSource>;
  readonly lastNumber: number;
  readonly maxRevision: number;
  readonly keys: ReadonlySet<string>;
  readonly templates: TemplateHistory;
  readonly currentTemplate: PodTemplateRecord | null;
  readonly rollout: RolloutState | null;
  readonly pending: readonly PendingTemplate[];
  readonly deleteRecorded: boolean;
  readonly waitingSince: Instant | null;
}

/**
 * MAX_REMEMBERED bounds the keys and fingerprints kept per workload. Rollbacks go back a few
 * revisions (revisionHistoryLimit defaults to 10); older releases are matched by the ledger's
 * idempotent upsert instead.
 */
export const MAX_REMEMBERED = 50;

/** workloadRefOf names a workload record in a cluster. */
export function workloadRefOf(cluster: string, w: WorkloadRecord): WorkloadRef {
  return { cluster, namespace: w.namespace, kind: w.kind, name: w.name, uid: w.uid };
}

/** newWorkloadState starts the state of a workload seen for the first time. */
export function newWorkloadState(ref: WorkloadRef): WorkloadState {
  return {
    ref,
    record: null,
    revisions: new Map(),
    lastNumber: 0,
    maxRevision: 0,
    keys: new Set(),
    templates: new Map(),
    currentTemplate: null,
    rollout: null,
    pending: [],
    deleteRecorded: false,
    waitingSince: null,
  };
}

/**
 * MAX_PENDING bounds the template changes remembered before activation: enough for a burst of
 * edits (or a lagging ReplicaSet watch); the oldest are forgotten (their releases then show actor
 * `unknown`, never a wrong one).
 */
export const MAX_PENDING = 8;

/** withPending records a template change awaiting activation, replacing one of the same template. */
export function withPending(ws: WorkloadState, p: PendingTemplate): WorkloadState {
  const rest = ws.pending.filter((x) => x.fingerprint !== p.fingerprint);
  return { ...ws, pending: [...rest, p].slice(-MAX_PENDING) };
}

/** pendingFor finds the pending change that produced a template, if remembered. */
export function pendingFor(ws: WorkloadState, fingerprint: string): PendingTemplate | null {
  return ws.pending.find((p) => p.fingerprint === fingerprint) ?? null;
}

/** releaseKeyOf is a release's natural key string. */
export const releaseKeyOf = (r: Release): string =>
  naturalKeyString({ workloadUid: r.workload.uid, templateHash: r.templateHash, revision: r.revision });

/** sourceKeyOf is the natural key string a revision would give its release. */
export const sourceKeyOf = (workloadUid: string, s: RevisionSource): string =>
  naturalKeyString({ workloadUid, templateHash: s.template.fingerprint, revision: String(s.revision) });

function remember(set: ReadonlySet<string>, value: string): ReadonlySet<string> {
  if (set.has(value)) return set;
  const out = new Set(set).add(value);
  for (const v of out) {
    if (out.size <= MAX_REMEMBERED) break;
    out.delete(v);
  }
  return out;
}

/**
 * rememberRelease records a release as the workload's latest: number, revision, key, fingerprint,
 * template and rollout state.
 */
export function rememberRelease(ws: WorkloadState, rollout: RolloutState, template: PodTemplateRecord): WorkloadState {
  const r = rollout.release;
  const revision = Number(r.revision ?? '0');
  return {
    ...ws,
    lastNumber: Math.max(ws.lastNumber, r.releaseNumber),
    maxRevision: Number.isSafeInteger(revision) ? Math.max(ws.maxRevision, revision) : ws.maxRevision,
    keys: remember(ws.keys, releaseKeyOf(r)),
    templates: noteRelease(ws.templates, r),
    currentTemplate: template,
    rollout,
    pending: ws.pending.some((p) => p.fingerprint === r.templateHash) ? ws.pending.filter((p) => p.fingerprint !== r.templateHash) : ws.pending,
  };
}

/**
 * withCurrentNoted notes the current release's outcome in the template history (a release can
 * fail, or recover, long after it started); the same state when the history already says so.
 */
export function withCurrentNoted(ws: WorkloadState): WorkloadState {
  const r = ws.rollout?.release;
  if (r === undefined) return ws;
  const templates = noteRelease(ws.templates, r);
  return templates === ws.templates ? ws : { ...ws, templates };
}

/**
 * seedWorkloadState rebuilds a workload's state from its releases in the ledger (any order; the
 * newest few are enough): numbering continues after the highest number, revisions at or below the
 * highest known are not activated again, and the latest release is tracked on.
 */
export function seedWorkloadState(releases: readonly Release[], rules: FailFastRules): WorkloadState | null {
  const sorted = [...releases].sort((a, b) => a.releaseNumber - b.releaseNumber);
  const latest = sorted.at(-1);
  if (latest === undefined) return null;
  let ws = newWorkloadState(latest.workload);
  for (const r of sorted) ws = rememberRelease(ws, newRolloutState(r, { rules }), templateOfRelease(r));
  return ws;
}
