import type { Instant } from '../../lib/clock.ts';
import type { ManagerRecord, WorkloadRecord } from '../../model/records.ts';
import type { Actor } from '../../model/release.ts';
import { actorOfWriter, changeCauseOf } from './actor.ts';
import type { RevisionSource } from './revision-source.ts';

/**
 * ATTRIBUTION_WINDOW_MS is how long before a revision's creation the template write that caused it
 * may lie for the write to be taken as its cause, after the fact. The Deployment, StatefulSet and
 * DaemonSet controllers create the new ReplicaSet/ControllerRevision within milliseconds of seeing
 * the write, but both times are stored at one-second precision (truncated independently, so a
 * prompt controller reads as 0–1 s apart): 5 s leaves about 4 s for a busy controller-manager
 * queue. It is kept short on purpose: a write that only REMOVES template fields (a JSON patch
 * `remove`, a merge patch with `null`) updates no managedFields entry, so an older writer found
 * inside a long window could be credited with a change it did not make; and every other
 * template-owning entry inside the window makes the attribution ambiguous (→ unknown).
 */
export const ATTRIBUTION_WINDOW_MS = 5_000;

/** ProvenWrite is the template write proven to have made a revision: its author and server time. */
export interface ProvenWrite {
  /** The revision (ReplicaSet / ControllerRevision uid) the write made. */
  readonly revisionUid: string;
  readonly actor: Actor;
  /** Server time of the write (managedFields `time`, one-second precision). */
  readonly at: Instant;
  /** The workload's `kubernetes.io/change-cause` now (the template is still the written one). */
  readonly changeCause: string | null;
}

const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['Update', 'Apply']);

/** isTemplateWriter tells whether a managedFields entry may have written the pod template. */
const isTemplateWriter = (m: ManagerRecord): m is ManagerRecord & { readonly time: Instant } =>
  m.touchesTemplate && m.subresource === '' && WRITE_OPERATIONS.has(m.operation) && m.time !== null;

/**
 * provenTemplateWrite names, after the fact (a first start, a restart, a relist), the author of the
 * template write that made `newest` — the workload's newest revision — when the workload's
 * managedFields still prove it, else null (the release stays `unknown`; nothing is guessed). Proof
 * needs all of:
 * - `newest` is a fresh activation: not a re-promoted ReplicaSet (a rollback keeps the old creation
 *   time, so nothing anchors the write), with a creation time;
 * - the workload's template is still the one `newest` carries (same fingerprint);
 * - W, the newest template-touching entry (operation Update or Apply, not a subresource), lies in
 *   [created − ATTRIBUTION_WINDOW_MS, created]: a later entry means a later write, so W's time
 *   may not be the write that made `newest`; an older one is too far to be its cause;
 * - no entry of another manager touching the template lies in that window (two candidates);
 * - W is strictly newer than the creation of every other revision in `others` (a write in the same
 *   second as the previous activation could be that one's cause).
 * Example: kubectl-set at 10:00:00, ReplicaSet revision 3 created 10:00:01 → kubectl-set, 10:00:00.
 */
export function provenTemplateWrite(w: WorkloadRecord, newest: RevisionSource, others: Iterable<RevisionSource>): ProvenWrite | null {
  const created = newest.createdAt;
  if (newest.rePromoted || created === null || newest.template.fingerprint !== w.template.fingerprint) return null;
  const writers = w.managers.filter(isTemplateWriter);
  let last: (typeof writers)[number] | null = null;
  for (const m of writers) if (last === null || m.time > last.time) last = m;
  if (last === null || last.time > created || last.time < created - ATTRIBUTION_WINDOW_MS) return null;
  const from = created - ATTRIBUTION_WINDOW_MS;
  const manager = last.manager;
  if (writers.some((m) => m.manager !== manager && m.time >= from)) return null;
  for (const o of others) if (o.uid !== newest.uid && o.createdAt !== null && o.createdAt >= last.time) return null;
  return { revisionUid: newest.uid, actor: actorOfWriter(last, w), at: last.time, changeCause: changeCauseOf(w.annotations) };
}
