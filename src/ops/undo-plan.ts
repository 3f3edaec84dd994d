import { TrackerError } from '../lib/errors.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { boolField, fieldAt, isUnstructured, mapField, nameOf, stringField, type Unstructured } from '../track/status/fields.ts';

/** REVISION is the Deployment/ReplicaSet revision annotation. */
const REVISION = 'deployment.kubernetes.io/revision';

/**
 * ANNOTATIONS_TO_SKIP are the Deployment annotations an undo keeps from the Deployment instead of
 * taking them from the target ReplicaSet (kubectl `rollback.go` annotationsToSkip).
 */
export const ANNOTATIONS_TO_SKIP: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

/**
 * UndoPlan is what an undo does: send `patch` (of `patchType`) to the workload, rolling back to
 * native revision `revision`; or `skip` with kubectl's message when the target template is
 * already the current one.
 */
export type UndoPlan =
  | { readonly kind: 'patch'; readonly patchType: 'json' | 'strategic'; readonly patch: unknown; readonly revision: number }
  | { readonly kind: 'skip'; readonly message: string; readonly revision: number };

/** DeploymentUndoInput is a Deployment, every ReplicaSet in its namespace that may be its, and the revision asked for (0 = previous). */
export interface DeploymentUndoInput {
  readonly deployment: Unstructured;
  readonly replicaSets: readonly Unstructured[];
  readonly toRevision: number;
  /** How to name the workload in errors, e.g. `deployment shop/web`. */
  readonly subject: string;
}

/**
 * planDeploymentUndo reproduces `kubectl rollout undo` for a Deployment (kubectl `rollback.go`,
 * kubernetes.md §4.3): pick the ReplicaSet with revision N (0 → the second-highest), refuse a
 * paused Deployment, skip when the template already matches, else a JSON patch replacing
 * /spec/template (without pod-template-hash) and /metadata/annotations (skip-list keys from the
 * Deployment, the rest from the ReplicaSet). Pure. Errors carry kubectl's wording, with a hint.
 * Example: revisions 1, 2, 3 and toRevision 0 → the ReplicaSet of revision 2.
 */
export function planDeploymentUndo(input: DeploymentUndoInput): Result<UndoPlan, TrackerError> {
  const { deployment: d, toRevision, subject } = input;
  if (toRevision < 0) return err(revisionNotFound(toRevision, subject));
  const picked = pickReplicaSet(input);
  if (!picked.ok) return picked;
  const rs = picked.value;
  if (boolField(d, 'spec.paused'))
    return err(
      new TrackerError('INVALID', `${subject}: you cannot rollback a paused deployment; resume it first with 'rollscope resume deployment/${nameOf(d)}' and try again`, {
        subject,
        hint: `run rollscope resume deployment/${nameOf(d)} -n ${stringField(d, 'metadata.namespace')}, then undo again`,
      }),
    );
  const revision = Number(mapField(rs, 'metadata.annotations')[REVISION]);
  const template = withoutHashLabel(fieldAt(rs, 'spec.template'));
  if (deepEqual(normalise(template), normalise(withoutHashLabel(fieldAt(d, 'spec.template')))))
    return ok({ kind: 'skip', message: `skipped rollback (current template already matches revision ${toRevision})`, revision });
  const current = mapField(d, 'metadata.annotations');
  const annotations: Record<string, string> = {};
  for (const k of ANNOTATIONS_TO_SKIP) if (current[k] !== undefined) annotations[k] = current[k];
  for (const [k, v] of Object.entries(mapField(rs, 'metadata.annotations'))) if (!ANNOTATIONS_TO_SKIP.includes(k)) annotations[k] = v;
  const patch = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  return ok({ kind: 'patch', patchType: 'json', patch, revision });
}

function pickReplicaSet(input: DeploymentUndoInput): Result<Unstructured, TrackerError> {
  const uid = stringField(input.deployment, 'metadata.uid');
  const owned = input.replicaSets
    .filter((rs) => isControlledBy(rs, uid))
    .map((rs) => ({ rs, revision: parseRevision(mapField(rs, 'metadata.annotations')[REVISION]) }))
    .filter((x): x is { rs: Unstructured; revision: number } => x.revision !== null);
  if (input.toRevision > 0) {
    const hit = owned.find((x) => x.revision === input.toRevision);
    return hit ? ok(hit.rs) : err(revisionNotFound(input.toRevision, input.subject));
  }
  const sorted = [...owned].sort((a, b) => b.revision - a.revision);
  const previous = sorted[1];
  if (!previous)
    return err(
      new TrackerError('NOT_FOUND', `no rollout history found for deployment "${nameOf(input.deployment)}"`, {
        subject: input.subject,
        hint: 'a Deployment needs an earlier revision to roll back to; check revisionHistoryLimit and kubectl rollout history',
      }),
    );
  return ok(previous.rs);
}

/** RevisionUndoInput is a StatefulSet or DaemonSet, the ControllerRevisions in its namespace, and the revision asked for (0 = previous). */
export interface RevisionUndoInput {
  readonly workload: Unstructured;
  readonly revisions: readonly Unstructured[];
  readonly toRevision: number;
  readonly subject: string;
}

/**
 * planRevisionUndo reproduces `kubectl rollout undo` for a StatefulSet or DaemonSet: the
 * ControllerRevision with revision N (0 → the second-highest; fewer than two → "no last revision
 * to roll back to"), skipped when its template equals the current one, else a strategic merge
 * patch of the ControllerRevision's `data`. Pure.
 */
export function planRevisionUndo(input: RevisionUndoInput): Result<UndoPlan, TrackerError> {
  const { workload, toRevision, subject } = input;
  if (toRevision < 0) return err(revisionNotFound(toRevision, subject));
  const uid = stringField(workload, 'metadata.uid');
  const history = input.revisions.filter((cr) => isControlledBy(cr, uid)).sort((a, b) => numberAt(a, 'revision') - numberAt(b, 'revision'));
  if (toRevision === 0 && history.length <= 1)
    return err(new TrackerError('NOT_FOUND', `${subject}: no last revision to roll back to`, { subject, hint: 'there is only one revision; check kubectl rollout history' }));
  const target = toRevision === 0 ? history[history.length - 2] : history.find((cr) => numberAt(cr, 'revision') === toRevision);
  if (!target) return err(revisionNotFound(toRevision, subject));
  const data = fieldAt(target, 'data');
  const revision = numberAt(target, 'revision');
  if (deepEqual(normalise(stripPatchDirective(fieldAt(data, 'spec.template'))), normalise(fieldAt(workload, 'spec.template'))))
    return ok({ kind: 'skip', message: `skipped rollback (current template already matches revision ${toRevision})`, revision });
  return ok({ kind: 'patch', patchType: 'strategic', patch: data, revision });
}

function revisionNotFound(revision: number, subject: string): TrackerError {
  return new TrackerError('NOT_FOUND', `unable to find specified revision ${revision} in history`, {
    subject,
    hint: 'list the revisions with kubectl rollout history (or rollscope history) and pass one of them to --to-revision',
  });
}

function parseRevision(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

function numberAt(obj: unknown, path: string): number {
  const v = fieldAt(obj, path);
  return typeof v === 'number' ? v : 0;
}

function isControlledBy(obj: unknown, uid: string): boolean {
  const refs = fieldAt(obj, 'metadata.ownerReferences');
  return Array.isArray(refs) && refs.some((r) => isUnstructured(r) && r.controller === true && r.uid === uid);
}

/**
 * withoutHashLabel copies a pod template without the `pod-template-hash` label. Like kubectl, which
 * marshals a typed PodTemplateSpec, the metadata carries `creationTimestamp: null` (a zero
 * metav1.Time is not omitted), so the patched Deployment is byte-for-byte what kubectl makes.
 */
function withoutHashLabel(template: unknown): unknown {
  if (!isUnstructured(template)) return template;
  const meta = isUnstructured(template.metadata) ? template.metadata : {};
  const labels = { ...mapField(meta, 'labels') };
  delete labels['pod-template-hash'];
  return { ...template, metadata: { creationTimestamp: null, ...meta, labels } };
}

function stripPatchDirective(template: unknown): unknown {
  if (!isUnstructured(template)) return template;
  const { $patch: _ignored, ...rest } = template;
  return rest;
}

/** normalise drops nulls and empty objects, so server-side serialisation differences do not count as template changes. */
function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (!isUnstructured(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalise(x);
    if (n === null || n === undefined || (isUnstructured(n) && !Array.isArray(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

/** deepEqual compares JSON values; object key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (!isUnstructured(a) || !isUnstructured(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
}
