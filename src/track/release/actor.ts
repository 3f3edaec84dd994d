import type { ManagerRecord, WorkloadRecord } from '../../model/records.ts';
import type { Actor } from '../../model/release.ts';

/** ACTOR_ANNOTATION is the optional workload annotation naming the person behind a change. */
export const ACTOR_ANNOTATION = 'rollscope.io/actor';

/** CHANGE_CAUSE is the annotation `kubectl --record` and many CI tools set (kubectl rollout history shows it). */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** UNKNOWN_ACTOR is the actor of a change whose author cannot be known. Never replaced by a guess. */
export const UNKNOWN_ACTOR: Actor = Object.freeze({ manager: 'unknown' });

/** ManagerFilter picks the managedFields entries that may have made a change. */
type ManagerFilter = (m: ManagerRecord) => boolean;

const sameEntry = (a: ManagerRecord, b: ManagerRecord): boolean =>
  a.manager === b.manager && a.operation === b.operation && a.subresource === b.subresource;

/**
 * writerOf finds the manager whose write made a change between `prev` and `next`: among entries
 * that match `filter` and are new or carry a new time since `prev`, the newest. None → null (the
 * author cannot be known: e.g. a write that only REMOVED fields, such as `kubectl rollout resume`
 * patching `paused: null`, updates no entry; two writes by one manager within the same second keep
 * its time). No guess from older entries. With no `prev` (a create), the newest matching entry.
 */
function writerOf(prev: WorkloadRecord | undefined, next: WorkloadRecord, filter: ManagerFilter): ManagerRecord | null {
  const candidates = next.managers.filter(filter);
  const newest = (ms: readonly ManagerRecord[]): ManagerRecord | null => {
    let best: ManagerRecord | null = null;
    for (const m of ms) if (best === null || (m.time ?? -1) > (best.time ?? -1)) best = m;
    return best;
  };
  if (prev === undefined) return newest(candidates);
  const changed = candidates.filter((m) => {
    const before = prev.managers.find((p) => sameEntry(p, m));
    return before === undefined || before.time !== m.time;
  });
  return newest(changed);
}

/**
 * actorOfWriter names the actor of a write: the managedFields entry's manager (`unknown` without
 * one) plus the optional `rollscope.io/actor` annotation of the workload as `user`.
 */
export function actorOfWriter(writer: ManagerRecord | null, next: WorkloadRecord): Actor {
  const user = next.annotations[ACTOR_ANNOTATION];
  const m = writer?.manager ?? UNKNOWN_ACTOR.manager;
  return user === undefined || user === '' ? { manager: m } : { manager: m, user };
}

const withUser = actorOfWriter;

/**
 * templateActorOf names who changed the pod template between `prev` and `next`: the managedFields
 * manager whose write touched `spec.template` (not through a subresource), plus the optional
 * `rollscope.io/actor` annotation. Unknown → manager `unknown`.
 */
export function templateActorOf(prev: WorkloadRecord | undefined, next: WorkloadRecord): Actor {
  return templateWriteOf(prev, next).actor;
}

/**
 * templateWriteOf is templateActorOf plus the server time of that write (the managedFields entry's
 * `time`, one-second precision), null when unknown. The time is the same whoever observes the
 * change and whenever, so it makes a stable release start (and so a stable release id).
 */
export function templateWriteOf(prev: WorkloadRecord | undefined, next: WorkloadRecord): { readonly actor: Actor; readonly at: number | null } {
  const writer = writerOf(prev, next, (m) => m.touchesTemplate && m.subresource === '');
  return { actor: withUser(writer, next), at: writer?.time ?? null };
}

/**
 * scaleActorOf names who changed `spec.replicas`: a manager touching replicas, directly or through
 * the `scale` subresource (HPA: `horizontal-pod-autoscaler`, `kubectl scale`).
 */
export function scaleActorOf(prev: WorkloadRecord | undefined, next: WorkloadRecord): Actor {
  return withUser(
    writerOf(prev, next, (m) => (m.touchesReplicas || m.subresource === 'scale') && m.subresource !== 'status'),
    next,
  );
}

/** specActorOf names who made any other spec or metadata change: the newest non-status writer. */
export function specActorOf(prev: WorkloadRecord | undefined, next: WorkloadRecord): Actor {
  return withUser(
    writerOf(prev, next, (m) => m.subresource !== 'status'),
    next,
  );
}

/** changeCauseOf reads `kubernetes.io/change-cause` from annotations; empty or absent → null. */
export function changeCauseOf(annotations: Readonly<Record<string, string>>): string | null {
  const c = annotations[CHANGE_CAUSE];
  return c === undefined || c === '' ? null : c;
}
