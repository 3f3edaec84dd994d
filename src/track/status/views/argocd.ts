import { conditionsOf, fieldAt, groupOf, hasInt, intField, isUnstructured, kindOf, mapField, stringField, versionOf, type Unstructured } from '../fields.ts';
import { goQuote } from './go-format.ts';

/** ArgoHealth is one of Argo CD's health codes. */
export type ArgoHealth = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

/** ArgocdView is Argo CD's health assessment of one resource. */
export interface ArgocdView {
  readonly health: ArgoHealth;
  readonly message: string;
}

type HealthFn = (obj: Unstructured) => ArgocdView;

/** HOOK_FINALIZER keeps a hook resource's health assessed while it is being deleted (gitops-engine hook.HasHookFinalizer). */
const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';
/** IGNORE_RESTART_POLICY makes Argo CD judge a Never/OnFailure pod like an Always pod, unless it is a hook (argo-cd #28249). */
const IGNORE_RESTART_POLICY = 'argocd.argoproj.io/ignore-restart-policy';
/** HOOK_ANNOTATIONS mark Argo CD and Helm hook resources. */
const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];

/**
 * argocdView computes Argo CD's built-in health (gitops-engine pkg/health): a resource being
 * deleted (without the hook finalizer) is Progressing "Pending deletion"; otherwise the kind's
 * check decides. Returns null for kinds Argo CD has no built-in check for among ours (the caller
 * reports an unsupported kind); a wrong API version is Unknown, as Argo reports it.
 */
export function argocdView(obj: Unstructured | null): ArgocdView | null {
  if (obj === null) return { health: 'Missing', message: '' };
  const check = HEALTH_CHECKS[`${groupOf(obj)}/${kindOf(obj)}`];
  if (!check) return null;
  const deleting = stringField(obj, 'metadata.deletionTimestamp') !== '';
  const finalizers = fieldAt(obj, 'metadata.finalizers');
  if (deleting && !(Array.isArray(finalizers) && finalizers.includes(HOOK_FINALIZER))) return { health: 'Progressing', message: 'Pending deletion' };
  // Argo CD's checks convert to the v1 types only (apps/v1, batch/v1, v1).
  if (versionOf(obj) !== 'v1') return { health: 'Unknown', message: `unsupported ${kindOf(obj)} GVK: ${groupOf(obj)}/${versionOf(obj)}, Kind=${kindOf(obj)}` };
  return check(obj);
}

const progressing = (message = ''): ArgocdView => ({ health: 'Progressing', message });
const healthy = (message = ''): ArgocdView => ({ health: 'Healthy', message });
const degraded = (message = ''): ArgocdView => ({ health: 'Degraded', message });
const generationsOf = (o: Unstructured) => ({ generation: intField(o, 'metadata.generation', 0), observed: intField(o, 'status.observedGeneration', 0) });

function deployment(d: Unstructured): ArgocdView {
  if (fieldAt(d, 'spec.paused') === true) return { health: 'Suspended', message: 'Deployment is paused' };
  const { generation, observed } = generationsOf(d);
  if (generation > observed) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  const cond = conditionsOf(d).find((c) => c.type === 'Progressing');
  const replicas = intField(d, 'status.replicas', 0);
  const updated = intField(d, 'status.updatedReplicas', 0);
  const available = intField(d, 'status.availableReplicas', 0);
  if (cond?.reason === 'ProgressDeadlineExceeded') return degraded(`Deployment ${goQuote(stringField(d, 'metadata.name'))} exceeded its progress deadline`);
  if (hasInt(d, 'spec.replicas') && updated < intField(d, 'spec.replicas', 0))
    return progressing(`Waiting for rollout to finish: ${updated} out of ${intField(d, 'spec.replicas', 0)} new replicas have been updated...`);
  if (replicas > updated) return progressing(`Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`);
  if (available < updated) return progressing(`Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`);
  return healthy();
}

function statefulSet(s: Unstructured): ArgocdView {
  const { generation, observed } = generationsOf(s);
  if (observed === 0 || generation > observed) return progressing('Waiting for statefulset spec update to be observed...');
  const hasReplicas = hasInt(s, 'spec.replicas');
  const spec = intField(s, 'spec.replicas', 0);
  const ready = intField(s, 'status.readyReplicas', 0);
  const updated = intField(s, 'status.updatedReplicas', 0);
  if (hasReplicas && ready < spec) return progressing(`Waiting for ${spec - ready} pods to be ready...`);
  const type = stringField(s, 'spec.updateStrategy.type');
  if (type === 'RollingUpdate' && isUnstructured(fieldAt(s, 'spec.updateStrategy.rollingUpdate'))) {
    const partitioned = hasInt(s, 'spec.updateStrategy.rollingUpdate.partition');
    const partition = intField(s, 'spec.updateStrategy.rollingUpdate.partition', 0);
    if (hasReplicas && partitioned && updated < spec - partition)
      return progressing(`Waiting for partitioned roll out to finish: ${updated} out of ${spec - partition} new pods have been updated...`);
    return healthy(`partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (type === 'OnDelete') return healthy(`statefulset has ${ready} ready pods`);
  const currentRevision = stringField(s, 'status.currentRevision');
  const updateRevision = stringField(s, 'status.updateRevision');
  if (updateRevision !== currentRevision) return progressing(`waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`);
  return healthy(`statefulset rolling update complete ${intField(s, 'status.currentReplicas', 0)} pods at revision ${currentRevision}...`);
}

function daemonSet(d: Unstructured): ArgocdView {
  const { generation, observed } = generationsOf(d);
  if (generation > observed) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  const desired = intField(d, 'status.desiredNumberScheduled', 0);
  const updated = intField(d, 'status.updatedNumberScheduled', 0);
  const available = intField(d, 'status.numberAvailable', 0);
  if (stringField(d, 'spec.updateStrategy.type') === 'OnDelete') return healthy(`daemon set ${updated} out of ${desired} new pods have been updated`);
  const name = goQuote(stringField(d, 'metadata.name'));
  if (updated < desired) return progressing(`Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  if (available < desired) return progressing(`Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`);
  return healthy();
}

function replicaSet(rs: Unstructured): ArgocdView {
  const { generation, observed } = generationsOf(rs);
  if (generation > observed) return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');
  const failure = conditionsOf(rs).find((c) => c.type === 'ReplicaFailure');
  if (failure?.status === 'True') return degraded(failure.message);
  const available = intField(rs, 'status.availableReplicas', 0);
  if (hasInt(rs, 'spec.replicas') && available < intField(rs, 'spec.replicas', 0))
    return progressing(`Waiting for rollout to finish: ${available} out of ${intField(rs, 'spec.replicas', 0)} new replicas are available...`);
  return healthy();
}

function job(j: Unstructured): ArgocdView {
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMsg = '';
  let message = '';
  // Argo CD reads these condition types without looking at their status (gitops-engine health_job.go).
  for (const c of conditionsOf(j)) {
    if (c.type === 'Failed') [failed, complete, failMsg] = [true, true, c.message];
    else if (c.type === 'Complete') [complete, message] = [true, c.message];
    else if (c.type === 'Suspended') [complete, message, suspended] = [true, c.message, suspended || c.status === 'True'];
  }
  if (!complete) return progressing(message);
  if (failed) return degraded(failMsg);
  if (suspended) return { health: 'Suspended', message };
  return healthy(message);
}

function pod(p: Unstructured): ArgocdView {
  const statusMessage = stringField(p, 'status.message');
  const annotations = mapField(p, 'metadata.annotations');
  const isHook = HOOK_ANNOTATIONS.some((a) => Object.hasOwn(annotations, a));
  const declared = stringField(p, 'spec.restartPolicy');
  const policy = declared !== 'Always' && annotations[IGNORE_RESTART_POLICY] === 'true' && !isHook ? 'Always' : declared;
  const containers = arrayAt(p, 'status.containerStatuses');
  if (policy === 'Always') {
    const messages = containers.flatMap((c) => {
      const reason = stringField(c, 'state.waiting.reason');
      const waiting = isUnstructured(fieldAt(c, 'state.waiting'));
      return waiting && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff')) ? [stringField(c, 'state.waiting.message')] : [];
    });
    if (messages.length > 0) return degraded(messages.join(', '));
  }
  switch (stringField(p, 'status.phase')) {
    case 'Pending':
      return progressing(statusMessage);
    case 'Succeeded':
      return healthy(statusMessage);
    case 'Failed': {
      if (statusMessage !== '') return degraded(statusMessage);
      for (const c of [...arrayAt(p, 'status.initContainerStatuses'), ...containers]) {
        const msg = failMessage(c);
        if (msg !== '') return degraded(msg);
      }
      return degraded('');
    }
    case 'Running':
      if (policy === 'Always') {
        if (conditionsOf(p).some((c) => c.type === 'Ready' && c.status === 'True')) return healthy(statusMessage);
        if (containers.some((c) => isUnstructured(fieldAt(c, 'lastState.terminated')))) return degraded(statusMessage);
        return progressing(statusMessage);
      }
      // Never/OnFailure pods have a finite life (typically hooks): running is progress, not health.
      if (policy === 'OnFailure' || policy === 'Never') return progressing(statusMessage);
      return { health: 'Unknown', message: statusMessage };
    default:
      return { health: 'Unknown', message: statusMessage };
  }
}

function failMessage(c: Unstructured): string {
  const t = fieldAt(c, 'state.terminated');
  if (!isUnstructured(t)) return '';
  const message = stringField(t, 'message');
  if (message !== '') return message;
  if (stringField(t, 'reason') === 'OOMKilled') return 'OOMKilled';
  const code = intField(t, 'exitCode', 0);
  return code !== 0 ? `container ${goQuote(stringField(c, 'name'))} failed with exit code ${code}` : '';
}

function arrayAt(obj: Unstructured, path: string): Unstructured[] {
  const v = fieldAt(obj, path);
  return Array.isArray(v) ? v.filter(isUnstructured) : [];
}

/** HEALTH_CHECKS maps "group/Kind" to Argo CD's built-in check (gitops-engine health.go GetHealthCheckFunc). */
const HEALTH_CHECKS: Readonly<Partial<Record<string, HealthFn>>> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/ReplicaSet': replicaSet,
  'apps/DaemonSet': daemonSet,
  '/Pod': pod,
  'batch/Job': job,
};
