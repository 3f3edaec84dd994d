import { z } from 'zod';
import type { Instant } from '../../lib/clock.ts';
import { rfc3339Millis } from '../../lib/timestamps.ts';
import { DIAGNOSIS_CODES } from '../diagnosis.ts';
import { parsePromoteCause } from '../canary-cause.ts';
import { OUTCOMES } from '../outcome.ts';
import { PHASE_NAMES, type ListedRelease, type ReleaseEvent, type Trigger, type WorkloadKind, type WorkloadRef } from '../release.ts';

/**
 * The public view of a release: the one shape every output shows (HTTP API, SSE, CLI `-o json|yaml`,
 * webhook notifications, the dashboard's client types). Defined once as a zod schema; the TypeScript
 * type is inferred from it and the JSON Schema generated from it (docs/api/schemas.json).
 * Rules: times are RFC 3339 UTC strings with milliseconds; absent values are null, never missing;
 * fields are added, never renamed or removed. The pod template is not part of the view (the API's
 * release detail carries the template diff instead).
 */

/** WORKLOAD_KINDS are the workload kinds rollscope tracks. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const satisfies readonly WorkloadKind[];

/** TRIGGERS are the reasons a pod template changed (see model/release.ts Trigger). */
export const TRIGGERS = ['create', 'image', 'config', 'restart', 'rollback', 'canary-promote'] as const satisfies readonly Trigger[];

// Compile-time checks that the lists above name every Trigger and WorkloadKind.
const _everyTrigger: readonly (typeof TRIGGERS)[number][] = [] as Trigger[];
const _everyKind: readonly (typeof WORKLOAD_KINDS)[number][] = [] as WorkloadKind[];

const time = z.iso.datetime().describe('RFC 3339 UTC time with milliseconds');

/** workloadRefView names a workload: cluster, namespace, kind, name and uid (a re-created workload has a new uid). */
export const workloadRefView = z.strictObject({
  cluster: z.string().describe('the cluster name the tracker was started with (`serve --cluster`), "default" unless set'),
  namespace: z.string(),
  kind: z.enum(WORKLOAD_KINDS),
  name: z.string(),
  uid: z.string(),
});

/** releaseEventView is a Kubernetes event kept with a release. */
export const releaseEventView = z.strictObject({
  uid: z.string().nullable().describe('the Event object uid, when known'),
  time,
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  object: z.string().describe('`Kind namespace/name` of the involved object'),
  count: z.number().int(),
});

/** failureView says why a rollout failed or is stuck. */
export const failureView = z.strictObject({
  code: z.enum(DIAGNOSIS_CODES),
  reason: z.string(),
  message: z.string(),
  object: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  container: z.string().nullable().describe('for CrashLoop: the container that crashed'),
  logTail: z.array(z.string()).nullable().describe('for CrashLoop: the last lines the container wrote before it exited (its previous run), at most 10 lines of 300 characters, secrets redacted'),
});

/** releaseView is one release as every output shows it. */
export const releaseView = z
  .strictObject({
    id: z.string(),
    releaseNumber: z.number().int().describe('per workload, from 1, never renumbered'),
    cluster: z.string(),
    namespace: z.string(),
    kind: z.enum(WORKLOAD_KINDS),
    name: z.string(),
    workloadUid: z.string(),
    workload: workloadRefView,
    revision: z.string().nullable().describe('the native revision when observed'),
    templateHash: z.string(),
    trigger: z.enum(TRIGGERS),
    images: z.array(z.strictObject({ container: z.string(), image: z.string(), digest: z.string().nullable() })),
    actor: z.strictObject({ manager: z.string(), user: z.string().nullable() }),
    changeCause: z.string().nullable(),
    previousReleaseId: z.string().nullable(),
    rollbackTo: z.number().int().nullable().describe('for trigger `rollback`: the number of the earlier release whose template this one returns to, when known'),
    startedAt: time,
    finishedAt: time.nullable(),
    durationMs: z.number().nullable(),
    durationSeconds: z.number().nullable().describe('durationMs / 1000 (kept for `-o json` readers of the first version)'),
    outcome: z.enum(OUTCOMES),
    failure: failureView.nullable(),
    phases: z.partialRecord(z.enum(PHASE_NAMES), time).describe('the time each rollout phase was first reached; unreached phases are absent'),
    replicas: z.strictObject({ desired: z.number().int(), updated: z.number().int(), ready: z.number().int(), available: z.number().int() }),
    events: z.array(releaseEventView),
    backfilled: z.boolean(),
    canary: z
      .strictObject({ id: z.string(), href: z.string().describe('the canary in the API: /api/v1/canaries/{namespace}/{name}?id={id}') })
      .nullable()
      .describe('for a release with trigger canary-promote: the canary it promoted; else null'),
  })
  .describe('A release: one activation of a pod template on a workload');

export type WorkloadRefView = z.infer<typeof workloadRefView>;
export type ReleaseEventView = z.infer<typeof releaseEventView>;
export type FailureView = z.infer<typeof failureView>;
export type ReleaseView = z.infer<typeof releaseView>;

/** toWorkloadRefView converts a workload reference. */
export function toWorkloadRefView(w: WorkloadRef): WorkloadRefView {
  return { cluster: w.cluster, namespace: w.namespace, kind: w.kind, name: w.name, uid: w.uid };
}

/** toReleaseEventView converts a release's Kubernetes event. */
export function toReleaseEventView(e: ReleaseEvent): ReleaseEventView {
  return { uid: e.uid ?? null, time: rfc3339Millis(e.time), type: e.type, reason: e.reason, message: e.message, object: e.object, count: e.count };
}

/** toReleaseView converts a release to its public view. */
export function toReleaseView(r: ListedRelease): ReleaseView {
  const phases: Partial<Record<(typeof PHASE_NAMES)[number], string>> = {};
  for (const name of PHASE_NAMES) {
    const at: Instant | undefined = r.phases[name];
    if (at !== undefined) phases[name] = rfc3339Millis(at);
  }
  const durationMs = r.finishedAt === null ? null : r.finishedAt - r.startedAt;
  return {
    id: r.id,
    releaseNumber: r.releaseNumber,
    cluster: r.workload.cluster,
    namespace: r.workload.namespace,
    kind: r.workload.kind,
    name: r.workload.name,
    workloadUid: r.workload.uid,
    workload: toWorkloadRefView(r.workload),
    revision: r.revision,
    templateHash: r.templateHash,
    trigger: r.trigger,
    images: r.images.map((i) => ({ container: i.container, image: i.image, digest: i.digest ?? null })),
    actor: { manager: r.actor.manager, user: r.actor.user ?? null },
    changeCause: r.changeCause,
    previousReleaseId: r.previousReleaseId,
    rollbackTo: r.rollbackTo ?? null,
    startedAt: rfc3339Millis(r.startedAt),
    finishedAt: rfc3339Millis(r.finishedAt),
    durationMs,
    durationSeconds: durationMs === null ? null : durationMs / 1000,
    outcome: r.outcome,
    failure:
      r.failure === null
        ? null
        : { code: r.failure.code, reason: r.failure.reason, message: r.failure.message, object: r.failure.object ?? null, exitCode: r.failure.exitCode ?? null, container: r.failure.container ?? null, logTail: r.failure.logTail ? [...r.failure.logTail] : null },
    phases,
    replicas: { desired: r.replicas.desired, updated: r.replicas.updated, ready: r.replicas.ready, available: r.replicas.available },
    events: r.events.map(toReleaseEventView),
    backfilled: r.backfilled,
    canary: canaryLinkOf(r),
  };
}

/** canaryLinkOf links a canary-promote release to its canary (model/canary-cause.ts); null for every other release. */
function canaryLinkOf(r: ListedRelease): { id: string; href: string } | null {
  const p = r.trigger === 'canary-promote' ? parsePromoteCause(r.changeCause) : null;
  return p === null ? null : { id: p.id, href: `/api/v1/canaries/${encodeURIComponent(r.workload.namespace)}/${encodeURIComponent(r.workload.name)}?id=${encodeURIComponent(p.id)}` };
}
