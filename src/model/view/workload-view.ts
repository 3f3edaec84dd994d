import { z } from 'zod';
import { rfc3339Millis } from '../../lib/timestamps.ts';
import { DIAGNOSIS_CODES } from '../diagnosis.ts';
import { OUTCOMES } from '../outcome.ts';
import type { Actor, WorkloadEvent, WorkloadRef } from '../release.ts';
import type { Instant } from '../../lib/clock.ts';
import type { ContainerImage, Outcome, ReleaseId, Trigger } from '../release.ts';
import type { DiagnosisCode } from '../diagnosis.ts';
import { TRIGGERS, WORKLOAD_KINDS, toWorkloadRefView, workloadRefView } from './release-view.ts';

/**
 * The public view of a workload (`GET /api/v1/workloads`) and of a workload event (a non-release
 * change: scale, pause, resume, spec, metadata, delete — the SSE `workload-event`). Same rules as
 * release-view.ts: one zod definition, RFC 3339 times, null for absent values.
 */

const time = z.iso.datetime();

/** releaseSummaryView is the part of a release shown next to its workload. */
export const releaseSummaryView = z.strictObject({
  id: z.string(),
  releaseNumber: z.number().int(),
  revision: z.string().nullable(),
  trigger: z.enum(TRIGGERS),
  images: z.array(z.strictObject({ container: z.string(), image: z.string(), digest: z.string().nullable() })),
  startedAt: time,
  finishedAt: time.nullable(),
  outcome: z.enum(OUTCOMES),
  failureCode: z.enum(DIAGNOSIS_CODES).nullable(),
});

/** workloadView is a workload as the ledger knows it, with its latest release. */
export const workloadView = z
  .strictObject({
    cluster: z.string(),
    namespace: z.string(),
    kind: z.enum(WORKLOAD_KINDS),
    name: z.string(),
    uid: z.string(),
    workload: workloadRefView,
    labels: z.record(z.string(), z.string()),
    createdAt: time.nullable(),
    deletedAt: time.nullable().describe('when the workload was deleted; null while it exists'),
    observedAt: time.describe('when the tracker last wrote this record'),
    latestRelease: releaseSummaryView.nullable(),
  })
  .describe('A tracked workload with its latest release');

/** WORKLOAD_EVENT_TYPES are the non-release changes recorded for a workload. */
export const WORKLOAD_EVENT_TYPES = ['scale', 'pause', 'resume', 'spec', 'metadata', 'delete', 'migrate'] as const satisfies readonly WorkloadEvent['type'][];

// Compile-time check that the list above names every WorkloadEventType (a new type must be added there).
const _everyWorkloadEventType: readonly (typeof WORKLOAD_EVENT_TYPES)[number][] = [] as WorkloadEvent['type'][];

/** workloadEventView is one non-release change of a workload. */
export const workloadEventView = z
  .strictObject({
    cluster: z.string(),
    namespace: z.string(),
    kind: z.enum(WORKLOAD_KINDS),
    name: z.string(),
    workload: workloadRefView,
    type: z.enum(WORKLOAD_EVENT_TYPES),
    time,
    resourceVersion: z.string(),
    actor: z.strictObject({ manager: z.string(), user: z.string().nullable() }),
    detail: z.record(z.string(), z.unknown()).describe('e.g. {"from": 3, "to": 5} for scale'),
  })
  .describe('A change to a workload that is not a release');

export type ReleaseSummaryView = z.infer<typeof releaseSummaryView>;
export type WorkloadView = z.infer<typeof workloadView>;
export type WorkloadEventView = z.infer<typeof workloadEventView>;

/** WorkloadViewInput is what the ledger knows about a workload (store/ledger.ts WorkloadSummary, structurally). */
export interface WorkloadViewInput {
  readonly workload: WorkloadRef;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: Instant | null;
  readonly deletedAt: Instant | null;
  readonly observedAt: Instant;
  readonly latestRelease: {
    readonly id: ReleaseId;
    readonly releaseNumber: number;
    readonly revision: string | null;
    readonly trigger: Trigger;
    readonly images: readonly ContainerImage[];
    readonly startedAt: Instant;
    readonly finishedAt: Instant | null;
    readonly outcome: Outcome;
    readonly failureCode: DiagnosisCode | null;
  } | null;
}

const actorView = (a: Actor): { manager: string; user: string | null } => ({ manager: a.manager, user: a.user ?? null });

/** toWorkloadView converts a ledger workload summary. */
export function toWorkloadView(w: WorkloadViewInput): WorkloadView {
  const l = w.latestRelease;
  return {
    cluster: w.workload.cluster,
    namespace: w.workload.namespace,
    kind: w.workload.kind,
    name: w.workload.name,
    uid: w.workload.uid,
    workload: toWorkloadRefView(w.workload),
    labels: { ...w.labels },
    createdAt: rfc3339Millis(w.createdAt),
    deletedAt: rfc3339Millis(w.deletedAt),
    observedAt: rfc3339Millis(w.observedAt),
    latestRelease:
      l === null
        ? null
        : {
            id: l.id,
            releaseNumber: l.releaseNumber,
            revision: l.revision,
            trigger: l.trigger,
            images: l.images.map((i) => ({ container: i.container, image: i.image, digest: i.digest ?? null })),
            startedAt: rfc3339Millis(l.startedAt),
            finishedAt: rfc3339Millis(l.finishedAt),
            outcome: l.outcome,
            failureCode: l.failureCode,
          },
  };
}

/** toWorkloadEventView converts a workload event. */
export function toWorkloadEventView(e: WorkloadEvent): WorkloadEventView {
  return {
    cluster: e.workload.cluster,
    namespace: e.workload.namespace,
    kind: e.workload.kind,
    name: e.workload.name,
    workload: toWorkloadRefView(e.workload),
    type: e.type,
    time: rfc3339Millis(e.time),
    resourceVersion: e.resourceVersion,
    actor: actorView(e.actor),
    detail: { ...e.detail },
  };
}
