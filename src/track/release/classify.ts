import type { WorkloadRecord } from '../../model/records.ts';
import type { Trigger, WorkloadEventType } from '../../model/release.ts';
import { ACTOR_ANNOTATION, CHANGE_CAUSE } from './actor.ts';
import { triggerOf } from './template-trigger.ts';
import type { TemplateHistory } from './rollback-target.ts';

/**
 * WorkloadChange is one thing that changed between two versions of a workload:
 * - `template`: the pod template changed (or the workload was created) — a release is coming; the
 *   release itself starts when Kubernetes activates the template (new ReplicaSet/revision).
 * - `event`: a change that is NOT a release (scale, pause, resume, spec, metadata, delete).
 */
export type WorkloadChange =
  | { readonly kind: 'template'; readonly trigger: Trigger }
  | { readonly kind: 'event'; readonly type: WorkloadEventType; readonly detail: Readonly<Record<string, unknown>> };

/**
 * CONTROLLER_ANNOTATIONS are workload annotations that controllers and client tooling maintain;
 * their changes are bookkeeping, not user metadata changes (kubernetes.md §1.4).
 */
const CONTROLLER_ANNOTATIONS: ReadonlySet<string> = new Set([
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

/** RELEASE_ANNOTATIONS describe a release; changed together with the template they belong to it. */
const RELEASE_ANNOTATIONS: ReadonlySet<string> = new Set([CHANGE_CAUSE, ACTOR_ANNOTATION]);

/** ClassifyOptions give classifyChange what the workload alone cannot tell. */
export interface ClassifyOptions {
  /** What the workload's earlier releases proved of their templates (rollback detection). If unset, nothing. */
  readonly earlierTemplates?: TemplateHistory;
}

function changedKeys(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>, ignore: (k: string) => boolean): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignore(k) && a[k] !== b[k]).sort();
}

/**
 * classifyChange says what changed from `prev` to `next` (two versions of one workload, same uid).
 * No `prev` → a create (one `template` change with trigger `create`). Scaling (`spec.replicas`,
 * by hand or by an HPA) is only ever a `scale` event, never a release. Status-only updates and
 * equal objects yield nothing. One update may carry several changes (e.g. an apply that changes
 * the image and the replica count), returned in a fixed order: template, scale, pause/resume,
 * spec, metadata, delete.
 */
export function classifyChange(prev: WorkloadRecord | undefined, next: WorkloadRecord, options: ClassifyOptions = {}): readonly WorkloadChange[] {
  if (prev === undefined) return [{ kind: 'template', trigger: 'create' }];
  if (prev === next) return [];
  const out: WorkloadChange[] = [];
  const templateChanged = prev.template.fingerprint !== next.template.fingerprint;
  if (templateChanged) out.push({ kind: 'template', trigger: triggerOf(prev.template, next.template, options.earlierTemplates) });
  if (prev.replicas !== next.replicas) out.push({ kind: 'event', type: 'scale', detail: { from: prev.replicas, to: next.replicas } });
  if (prev.paused !== next.paused) out.push({ kind: 'event', type: next.paused ? 'pause' : 'resume', detail: {} });
  if (prev.specFingerprint !== next.specFingerprint || prev.strategy !== next.strategy)
    out.push({ kind: 'event', type: 'spec', detail: prev.strategy === next.strategy ? {} : { strategy: { from: prev.strategy, to: next.strategy } } });
  const labels = changedKeys(prev.labels, next.labels, () => false);
  const annotations = changedKeys(
    prev.annotations,
    next.annotations,
    (k) => CONTROLLER_ANNOTATIONS.has(k) || (templateChanged && RELEASE_ANNOTATIONS.has(k)),
  );
  if (labels.length > 0 || annotations.length > 0) out.push({ kind: 'event', type: 'metadata', detail: { labels, annotations } });
  if (prev.deletionTimestamp === null && next.deletionTimestamp !== null)
    out.push({ kind: 'event', type: 'delete', detail: { deletionTimestamp: next.deletionTimestamp, graceful: true } });
  return out;
}
