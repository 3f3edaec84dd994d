import { z } from 'zod';
import { canarySummaryView, type CanarySummaryView } from './canary-view.ts';
import { releaseView, type ReleaseView } from './release-view.ts';
import { workloadEventView, type WorkloadEventView } from './workload-view.ts';

/**
 * liveEventView is one Server-Sent Event of `GET /api/v1/stream` as the tracker publishes it: the
 * SSE event name is `type`, the `data:` line is `data` as JSON. (`hello`, sent first on every
 * stream, carries `{cluster}`.)
 */
export const liveEventView = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('release'), data: releaseView }),
  z.strictObject({ type: z.literal('workload-event'), data: workloadEventView }),
  z.strictObject({ type: z.literal('canary'), data: canarySummaryView }),
]);

export type LiveEventView = z.infer<typeof liveEventView>;

/** releaseEvent is the live event announcing a release as stored. */
export function releaseEvent(data: ReleaseView): LiveEventView {
  return { type: 'release', data };
}

/** workloadEvent is the live event announcing a non-release change of a workload. */
export function workloadEvent(data: WorkloadEventView): LiveEventView {
  return { type: 'workload-event', data };
}

/** canaryEvent is the live event announcing a canary's change as ledgered. */
export function canaryEvent(data: CanarySummaryView): LiveEventView {
  return { type: 'canary', data };
}
