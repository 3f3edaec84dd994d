import type { EventRecord } from '../../model/records.ts';
import type { ReleaseEvent } from '../../model/release.ts';

/**
 * MAX_RELEASE_EVENTS bounds the events kept with one release. A rollout rarely has more than a few
 * dozen distinct events (Kubernetes aggregates repeats into `count`); a crash-looping 100-replica
 * rollout could produce thousands, and only the newest matter for the story.
 */
export const MAX_RELEASE_EVENTS = 200;

/** objectOf renders an event's involved object as `Kind namespace/name`. */
export function objectOf(e: EventRecord): string {
  const ns = e.involved.namespace === '' ? '' : `${e.involved.namespace}/`;
  return `${e.involved.kind} ${ns}${e.involved.name}`;
}

/** eventTimeOf is when an event last happened, as far as it tells; null when it carries no time. */
export function eventTimeOf(e: EventRecord): number | null {
  return e.lastSeen ?? e.firstSeen ?? e.creationTimestamp;
}

/** toReleaseEvent converts a Kubernetes event record to the form kept with a release. */
export function toReleaseEvent(e: EventRecord, fallbackTime: number): ReleaseEvent {
  return {
    uid: e.uid,
    time: eventTimeOf(e) ?? fallbackTime,
    type: e.type,
    reason: e.reason,
    message: e.message,
    object: objectOf(e),
    count: Math.max(1, e.count),
  };
}

const sameEvent = (a: ReleaseEvent, b: ReleaseEvent): boolean =>
  a.uid !== undefined && a.uid !== '' ? a.uid === b.uid : a.time === b.time && a.reason === b.reason && a.object === b.object && a.message === b.message;

const equalEvent = (a: ReleaseEvent, b: ReleaseEvent): boolean =>
  a.time === b.time && a.count === b.count && a.message === b.message && a.type === b.type && a.reason === b.reason;

/**
 * attachEvent adds a Kubernetes event to a release's events, deduplicated by the event's uid: a
 * repeat (higher `count`, later time) replaces the earlier entry in place. Returns the SAME array
 * when nothing changed. Keeps at most MAX_RELEASE_EVENTS, dropping the oldest.
 */
export function attachEvent(events: readonly ReleaseEvent[], e: EventRecord, fallbackTime: number): readonly ReleaseEvent[] {
  const next = toReleaseEvent(e, fallbackTime);
  const i = events.findIndex((x) => sameEvent(x, next));
  if (i >= 0) {
    const old = events[i]!;
    if (equalEvent(old, next) || next.count < old.count) return events;
    return events.map((x, j) => (j === i ? next : x));
  }
  const added = [...events, next].sort((a, b) => a.time - b.time);
  return added.length > MAX_RELEASE_EVENTS ? added.slice(added.length - MAX_RELEASE_EVENTS) : added;
}
