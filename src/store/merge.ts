import type { Instant } from '../lib/clock.ts';
import type { ContainerImage, Phases, Release, ReleaseEvent } from '../model/release.ts';
import { PHASE_NAMES } from '../model/release.ts';

import { isFinalOutcome } from '../model/outcome.ts';

export { isFinalOutcome };

/** mergePhases keeps, for each phase, the earliest instant either side reached it (phases are "first reached"). */
export function mergePhases(a: Phases, b: Phases): Phases {
  const out: Partial<Record<(typeof PHASE_NAMES)[number], Instant>> = {};
  for (const name of PHASE_NAMES) {
    const x = a[name];
    const y = b[name];
    const v = x === undefined ? y : y === undefined ? x : Math.min(x, y);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const eventKey = (e: ReleaseEvent): string => `${e.type}\u0000${e.reason}\u0000${e.object}\u0000${e.message}`;

/**
 * mergeEvents unions two event lists without duplicates. Kubernetes repeats an event by raising its
 * `count` (same type, reason, object and message), so those four are the key and the copy with the
 * higher count (then the later time) wins. The result is ordered by time, then reason.
 * Example: [{Pulled, count 1, t=5}] + [{Pulled, count 3, t=9}, {Started, t=10}] → [{Pulled, 3, t=9}, {Started}].
 */
export function mergeEvents(a: readonly ReleaseEvent[], b: readonly ReleaseEvent[]): readonly ReleaseEvent[] {
  const byKey = new Map<string, ReleaseEvent>();
  for (const e of [...a, ...b]) {
    const k = eventKey(e);
    const prev = byKey.get(k);
    if (!prev || e.count > prev.count || (e.count === prev.count && e.time > prev.time)) byKey.set(k, e);
  }
  return [...byKey.values()].sort((x, y) => x.time - y.time || x.reason.localeCompare(y.reason));
}

/** mergeImages takes the newer image list, keeping a digest the newer one lacks for the same container and image. */
function mergeImages(stored: readonly ContainerImage[], incoming: readonly ContainerImage[]): readonly ContainerImage[] {
  return incoming.map((img) => {
    if (img.digest !== undefined) return img;
    const old = stored.find((s) => s.container === img.container && s.image === img.image);
    return old?.digest === undefined ? img : { ...img, digest: old.digest };
  });
}

/**
 * mergeRelease combines the stored state of a release with a newly written one. Pure.
 * - Identity stays: `id`, `releaseNumber`, `startedAt` (the earlier) and `workload.uid` of the stored copy.
 * - A backfilled write never overwrites a tracked (non-backfilled) release's facts: only phases and events merge.
 * - A non-final outcome (`progressing`, `paused`) never overwrites a final one: a late replay of an old state
 *   cannot reopen a finished release. Otherwise the incoming outcome, finish and failure win.
 * - Everything else (revision, images, replicas, actor, change cause, template…) follows the incoming state.
 */
export function mergeRelease(stored: Release, incoming: Release): Release {
  const phases = mergePhases(stored.phases, incoming.phases);
  const events = mergeEvents(stored.events, incoming.events);
  const identity = { id: stored.id, releaseNumber: stored.releaseNumber, startedAt: Math.min(stored.startedAt, incoming.startedAt) };
  if (incoming.backfilled && !stored.backfilled) return { ...stored, ...identity, phases, events };
  const keepEnd = isFinalOutcome(stored.outcome) && !isFinalOutcome(incoming.outcome);
  const end = keepEnd
    ? { outcome: stored.outcome, finishedAt: stored.finishedAt, failure: stored.failure }
    : { outcome: incoming.outcome, finishedAt: incoming.finishedAt, failure: incoming.failure };
  return {
    ...incoming,
    ...identity,
    ...end,
    workload: { ...incoming.workload, uid: stored.workload.uid },
    images: mergeImages(stored.images, incoming.images),
    phases,
    events,
  };
}
