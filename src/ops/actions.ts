import type { RequestSubject } from '../kube/http-errors.ts';
import { TrackerError } from '../lib/errors.ts';
import { boolField, fieldAt, isUnstructured, mapField, stringField, type Unstructured } from '../track/status/fields.ts';
import type { KubeClient, PatchType } from '../kube/api-client.ts';
import { pausePatch, restartPatch, resumePatch, setImagePatch, type ImageAssignment } from './patches.ts';
import type { Resolved } from './resolve.ts';
import { planDeploymentUndo, planRevisionUndo, type UndoPlan } from './undo-plan.ts';
import { describeTarget, kubectlName, objectPath, resourceOf } from './workload-target.ts';
import type { WorkloadTarget } from '../model/release.ts';

/** ActionContext is what every write operation needs: a client, a cancellation signal, and the time. */
export interface ActionContext {
  readonly client: KubeClient;
  readonly signal: AbortSignal;
  /** Epoch ms now (restart's timestamp). */
  readonly now: () => number;
}

/** ActionResult is what an operation did: kubectl's one-line message, and whether it changed the workload. */
export interface ActionResult {
  readonly target: WorkloadTarget;
  readonly message: string;
  readonly changed: boolean;
  /** The workload after the write (or as read, when nothing changed). */
  readonly object: Unstructured;
}

const patchSubject = (t: WorkloadTarget): RequestSubject => ({ verb: 'patch', resource: resourceOf(t.kind), namespace: t.namespace });

async function send(ctx: ActionContext, r: Resolved, type: PatchType, body: unknown): Promise<Unstructured> {
  return ctx.client.patch(objectPath(r.target), type, body, patchSubject(r.target), ctx.signal);
}

/**
 * setImage changes container images like `kubectl set image` (strategic merge patch by container
 * name, fieldManager rollscope), with `changeCause` written to `kubernetes.io/change-cause`.
 * Errors: INVALID for an unknown container (naming those that exist).
 */
export async function setImage(ctx: ActionContext, r: Resolved, assignments: readonly ImageAssignment[], changeCause?: string): Promise<ActionResult> {
  const built = setImagePatch(r.object, describeTarget(r.target), assignments, changeCause);
  if (!built.ok) throw built.error;
  if (!built.value.changed && changeCause === undefined) return { target: r.target, message: `${kubectlName(r.target)} image unchanged`, changed: false, object: r.object };
  const object = await send(ctx, r, 'strategic', built.value.patch);
  return { target: r.target, message: `${kubectlName(r.target)} image updated`, changed: built.value.changed, object };
}

/** pause sets spec.paused like `kubectl rollout pause`. Deployments only (UNSUPPORTED_KIND otherwise, as kubectl refuses). */
export async function pause(ctx: ActionContext, r: Resolved): Promise<ActionResult> {
  requireDeployment(r.target, 'pausing', 'pause');
  if (boolField(r.object, 'spec.paused')) return { target: r.target, message: `${kubectlName(r.target)} already paused`, changed: false, object: r.object };
  return { target: r.target, message: `${kubectlName(r.target)} paused`, changed: true, object: await send(ctx, r, 'strategic', pausePatch()) };
}

/** resume clears spec.paused like `kubectl rollout resume`. Deployments only. */
export async function resume(ctx: ActionContext, r: Resolved): Promise<ActionResult> {
  requireDeployment(r.target, 'resuming', 'resume');
  if (!boolField(r.object, 'spec.paused')) return { target: r.target, message: `${kubectlName(r.target)} already resumed`, changed: false, object: r.object };
  return { target: r.target, message: `${kubectlName(r.target)} resumed`, changed: true, object: await send(ctx, r, 'strategic', resumePatch()) };
}

/** restart sets the template annotation kubectl.kubernetes.io/restartedAt to now, like `kubectl rollout restart`; refuses a paused Deployment as kubectl does. */
export async function restart(ctx: ActionContext, r: Resolved): Promise<ActionResult> {
  if (r.target.kind === 'Deployment' && boolField(r.object, 'spec.paused'))
    throw new TrackerError('INVALID', `${describeTarget(r.target)}: can't restart paused deployment (run rollout resume first)`, {
      subject: describeTarget(r.target),
      hint: `run rollscope resume deployment/${r.target.name} -n ${r.target.namespace} first`,
    });
  return { target: r.target, message: `${kubectlName(r.target)} restarted`, changed: true, object: await send(ctx, r, 'strategic', restartPatch(ctx.now())) };
}

/** UndoTarget says where to roll back to: a native revision (0 = the previous one), or the revision holding a template hash (a ledger release). */
export type UndoTarget = { readonly kind: 'revision'; readonly revision: number } | { readonly kind: 'templateHash'; readonly hash: string; readonly release: string };

/**
 * undo rolls back exactly like `kubectl rollout undo` (undo-plan.ts): Deployments from their
 * ReplicaSets (JSON patch), StatefulSets and DaemonSets from their ControllerRevisions (strategic
 * merge patch of the revision's data). Messages are kubectl's: `deployment.apps/web rolled back`,
 * or `… skipped rollback (current template already matches revision N)`.
 */
export async function undo(ctx: ActionContext, r: Resolved, to: UndoTarget): Promise<ActionResult> {
  const subject = describeTarget(r.target);
  const ns = encodeURIComponent(r.target.namespace);
  const isDeployment = r.target.kind === 'Deployment';
  const history = isDeployment
    ? await ctx.client.list(`/apis/apps/v1/namespaces/${ns}/replicasets`, {}, { verb: 'list', resource: 'replicasets.apps', namespace: r.target.namespace }, ctx.signal)
    : await ctx.client.list(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`, {}, { verb: 'list', resource: 'controllerrevisions.apps', namespace: r.target.namespace }, ctx.signal);
  const toRevision = to.kind === 'revision' ? to.revision : revisionOfHash(r, history, to.hash, to.release);
  const plan: UndoPlan = unwrap(
    isDeployment ? planDeploymentUndo({ deployment: r.object, replicaSets: history, toRevision, subject }) : planRevisionUndo({ workload: r.object, revisions: history, toRevision, subject }),
  );
  if (plan.kind === 'skip') return { target: r.target, message: `${kubectlName(r.target)} ${plan.message}`, changed: false, object: r.object };
  const object = await send(ctx, r, plan.patchType, plan.patch);
  return { target: r.target, message: `${kubectlName(r.target)} rolled back`, changed: true, object };
}

/** revisionOfHash finds the native revision whose ReplicaSet/ControllerRevision carries `hash`; NOT_FOUND when it was cleaned up. */
function revisionOfHash(r: Resolved, history: readonly Unstructured[], hash: string, release: string): number {
  const uid = stringField(r.object, 'metadata.uid');
  for (const h of history) {
    const refs = fieldAt(h, 'metadata.ownerReferences');
    const mine = Array.isArray(refs) && refs.some((o) => isUnstructured(o) && o.uid === uid);
    const labels = mapField(h, 'metadata.labels');
    const hashOf = r.target.kind === 'Deployment' ? labels['pod-template-hash'] : (labels['controller-revision-hash'] ?? stringField(h, 'metadata.name'));
    if (!mine || (hashOf !== hash && stringField(h, 'metadata.name') !== `${r.target.name}-${hash}`)) continue;
    const revision = r.target.kind === 'Deployment' ? Number(mapField(h, 'metadata.annotations')['deployment.kubernetes.io/revision']) : fieldAt(h, 'revision');
    if (typeof revision === 'number' && Number.isInteger(revision) && revision > 0) return revision;
  }
  const holder = r.target.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision';
  throw new TrackerError('NOT_FOUND', `release ${release} of ${describeTarget(r.target)} (template hash ${hash}) is no longer in the cluster: its ${holder} was cleaned up`, {
    subject: describeTarget(r.target),
    hint: `raise spec.revisionHistoryLimit to keep more history; to restore that release now, set its images with rollscope set-image (see rollscope show ${release})`,
  });
}

function requireDeployment(t: WorkloadTarget, gerund: string, verb: string): void {
  if (t.kind === 'Deployment') return;
  throw new TrackerError('UNSUPPORTED_KIND', `${resourceOf(t.kind)} "${t.name}" ${gerund} is not supported`, {
    subject: describeTarget(t),
    hint: `rollscope ${verb} works on Deployments only (as kubectl rollout ${verb}); for a ${t.kind} change spec.updateStrategy instead`,
  });
}

function unwrap<T>(r: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TrackerError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}
