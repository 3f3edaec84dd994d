import type { Instant } from '../../lib/clock.ts';
import type { ContainerImage, Actor, Outcome, Phases, Release, ReleaseId, Trigger, WorkloadRef } from '../../model/release.ts';
import type { Diagnosis } from '../../model/diagnosis.ts';
import type { PodTemplateRecord } from '../../model/records.ts';
import { promotionOf } from '../../model/canary-cause.ts';
import { redactedTemplate, templateJson } from '../../model/template.ts';
import { releaseIdFor } from './identity.ts';

/** imagesOf lists a template's images, init containers first (as the kubelet starts them). */
export function imagesOf(t: PodTemplateRecord): readonly ContainerImage[] {
  return [...t.initContainers, ...t.containers].map((c) => ({ container: c.name, image: c.image }));
}

/** ReleaseDraft is everything a new Release needs; `buildRelease` derives the id and the empty parts. */
export interface ReleaseDraft {
  readonly workload: WorkloadRef;
  readonly releaseNumber: number;
  readonly revision: number;
  readonly template: PodTemplateRecord;
  readonly trigger: Trigger;
  readonly actor: Actor;
  readonly changeCause: string | null;
  readonly previousReleaseId: ReleaseId | null;
  /** The release a rollback returns to, when known. */
  readonly rollbackTo?: number | null;
  readonly startedAt: Instant;
  readonly phases: Phases;
  readonly outcome: Outcome;
  readonly failure?: Diagnosis | null;
  readonly finishedAt?: Instant | null;
  readonly backfilled: boolean;
}

/**
 * buildRelease makes a Release from a draft. The id comes from the natural key (workload uid,
 * template fingerprint, native revision) and `startedAt`, so rebuilding the same release yields the
 * same id. Replica counts start at zero (the rollout machine fills them in).
 */
export function buildRelease(d: ReleaseDraft): Release {
  const revision = String(d.revision);
  return {
    id: releaseIdFor({ workloadUid: d.workload.uid, templateHash: d.template.fingerprint, revision }, d.startedAt),
    workload: d.workload,
    releaseNumber: d.releaseNumber,
    revision,
    templateHash: d.template.fingerprint,
    // a canary's promotion is named so whatever the template diff says (model/canary-cause.ts)
    trigger: promotionOf(d.changeCause, imagesOf(d.template)) !== null ? 'canary-promote' : d.trigger,
    images: imagesOf(d.template),
    actor: d.actor,
    changeCause: d.changeCause,
    previousReleaseId: d.previousReleaseId,
    ...(d.rollbackTo !== undefined && d.rollbackTo !== null ? { rollbackTo: d.rollbackTo } : {}),
    startedAt: d.startedAt,
    finishedAt: d.finishedAt ?? null,
    outcome: d.outcome,
    failure: d.failure ?? null,
    phases: d.phases,
    replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
    events: [],
    template: redactedTemplate(d.template),
    backfilled: d.backfilled,
  };
}

/**
 * templateOfRelease rebuilds the comparable part of a release's template (for a release seeded
 * from the ledger): fingerprint, images by container and the template annotations, from the
 * redacted template it stored.
 */
export function templateOfRelease(r: Release): PodTemplateRecord {
  const t = r.template;
  const meta = typeof t === 'object' && t !== null && 'metadata' in t ? (t as { metadata?: unknown }).metadata : undefined;
  const ann = typeof meta === 'object' && meta !== null && 'annotations' in meta ? (meta as { annotations?: unknown }).annotations : undefined;
  const annotations: Record<string, string> = {};
  if (typeof ann === 'object' && ann !== null) for (const [k, v] of Object.entries(ann)) if (typeof v === 'string') annotations[k] = v;
  return {
    fingerprint: r.templateHash,
    containers: r.images.map((i) => ({ name: i.container, image: i.image })),
    initContainers: [],
    annotations,
    redactedJson: templateJson(t),
    configRefs: [],
  };
}
