import type { Condition, KubeObject } from '../../kube/types.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { isSimApiError } from '../core/api-error.ts';
import type { SimContext } from '../core/context.ts';
import { deepEqual } from '../core/deep.ts';
import { int, record, records, text } from '../core/fields.ts';
import type { StoredChange } from '../core/store-api.ts';
import { controllerOf, controllerRefTo, creationOrder, objectKey, splitObjectKey, type Pod } from './apps.ts';
import { ObjectCache } from './cache.ts';
import { isPodActive, isPodReady } from './pods.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * The simulated Job controller (Kubernetes `pkg/controller/job/job_controller.go`, as of 1.32), for
 * NonIndexed Jobs:
 * - keeps `min(parallelism, completions − succeeded)` pods running (a work queue without
 *   `completions`: `parallelism` until one succeeds), each carrying the `batch.kubernetes.io/job-tracking`
 *   finalizer; a finished pod is counted into `status.succeeded`/`failed` first, then its finalizer
 *   is removed (the finalizer-based tracking of KEP-2307, so a deleted pod is never lost);
 * - a failed pod is replaced after the pod-failure back-off (10 s doubling, at most 6 min);
 * - `Failed` (`BackoffLimitExceeded`: more failed pods than `backoffLimit`, or with restartPolicy
 *   OnFailure as many container restarts; `DeadlineExceeded`: running longer than
 *   `activeDeadlineSeconds`) and `Complete` (`CompletionsReached`, with `completionTime`) end it,
 *   deleting its active pods;
 * - `spec.suspend` deletes the active pods (not counted as failures) and sets `Suspended`; resuming
 *   sets it False and restarts `startTime`;
 * - status carries `active`, `ready`, `terminating`, `uncountedTerminatedPods` as the real
 *   controller writes them. Events (component `job-controller`): SuccessfulCreate, SuccessfulDelete,
 *   Completed, BackoffLimitExceeded, DeadlineExceeded, Suspended, Resumed.
 * Not simulated: Indexed completion, pod failure/success policies, backoffLimitPerIndex, TTL cleanup.
 */

/** JOB_MANAGER is the field manager and event source component of the Job controller. */
export const JOB_MANAGER = 'job-controller';

/** JOB_TRACKING_FINALIZER keeps a Job's finished pod until the controller has counted it. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

/** Pod failure back-off: 10 s, doubling per failure, at most 6 min (DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff). */
export const JOB_BACKOFF_INITIAL_MS = 10_000;
export const JOB_BACKOFF_MAX_MS = 360_000;

const JOBS = 'jobs.batch';
const PODS = 'pods';

interface JobEnv {
  readonly ctx: SimContext;
  readonly pods: ObjectCache;
  readonly requeueAfter: (key: string, delayMs: number) => void;
}

const phaseOf = (pod: KubeObject): string => text(record(pod['status']).phase) ?? '';
const isFinished = (pod: KubeObject): boolean => phaseOf(pod) === 'Succeeded' || phaseOf(pod) === 'Failed';

function conditionTrue(job: KubeObject, type: string): boolean {
  return records(record(job['status']).conditions).some((c) => c.type === type && c.status === 'True');
}

function event(env: JobEnv, job: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
  env.ctx.events.record({ involved: job, type, reason, message, component: JOB_MANAGER });
}

/** withCondition sets a Job condition as the controller does: both timestamps now when it changes, untouched otherwise. */
function withCondition(conditions: readonly Condition[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): Condition[] {
  const old = conditions.find((c) => c.type === type);
  if (old && old.status === status && old.reason === reason && old.message === message) return [...conditions];
  const next: Condition = { type, status, lastProbeTime: now, lastTransitionTime: now, reason, message };
  return old ? conditions.map((c) => (c.type === type ? next : c)) : [...conditions, next];
}

function podForJob(job: KubeObject): KubeObject {
  const template = record(record(job['spec']).template);
  const meta = record(template.metadata);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${job.metadata.name ?? ''}-`,
      namespace: job.metadata.namespace ?? '',
      labels: { ...(record(meta.labels) as Record<string, string>) },
      ...(Object.keys(record(meta.annotations)).length > 0 ? { annotations: { ...(record(meta.annotations) as Record<string, string>) } } : {}),
      finalizers: [JOB_TRACKING_FINALIZER],
      ownerReferences: [controllerRefTo(job, 'batch/v1', 'Job')],
    },
    spec: structuredClone(record(template.spec)),
  };
}

function restarts(pod: KubeObject): number {
  return records(record(pod['status']).containerStatuses).reduce((n, c) => n + (int(c.restartCount) ?? 0), 0);
}

/** lastFinish is when a finished pod's last container stopped (its creation time if unknown). */
function lastFinish(pod: KubeObject): number {
  const times = records(record(pod['status']).containerStatuses)
    .map((c) => Date.parse(text(record(record(c.state).terminated).finishedAt) ?? ''))
    .filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.max(...times) : Date.parse(pod.metadata.creationTimestamp ?? '');
}

function deletePod(env: JobEnv, job: KubeObject, pod: KubeObject): void {
  const name = pod.metadata.name ?? '';
  try {
    env.ctx.store.delete(PODS, pod.metadata.namespace, name, { gracePeriodSeconds: int(record(pod['spec']).terminationGracePeriodSeconds) ?? 30, preconditions: { uid: pod.metadata.uid ?? '' } });
    event(env, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  } catch (e) {
    if (!(isSimApiError(e) && e.status.reason === 'NotFound')) event(env, job, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function removeTrackingFinalizer(env: JobEnv, pod: KubeObject): void {
  const finalizers = (pod.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  try {
    const latest = env.ctx.store.get(PODS, pod.metadata.namespace, pod.metadata.name ?? '');
    if (!latest || latest.metadata.uid !== pod.metadata.uid) return;
    const { finalizers: _drop, ...meta } = latest.metadata;
    env.ctx.store.update(PODS, { ...latest, metadata: finalizers.length > 0 ? { ...meta, finalizers } : meta }, { fieldManager: JOB_MANAGER });
  } catch {
    // gone or changed: the next sync looks again
  }
}

/** syncJob reconciles the Job with key `namespace/name`; a missing one is a no-op. */
export function syncJob(env: JobEnv, key: string): void {
  const { store, clock } = env.ctx;
  const { namespace, name } = splitObjectKey(key);
  const job = store.get(JOBS, namespace, name);
  if (!job) return;
  const spec = record(job['spec']);
  const old = record(job['status']);
  const now = clock.now();
  const ts = rfc3339(now);
  const owned = env.pods.ownedBy(job.metadata.uid ?? '');
  const suspended = spec.suspend === true;

  // 1. Count finished pods still holding the tracking finalizer (deleted ones of a suspended Job are not failures).
  const toCount = owned.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER) && isFinished(p));
  let succeeded = int(old.succeeded) ?? 0;
  let failed = int(old.failed) ?? 0;
  for (const p of toCount) {
    if (phaseOf(p) === 'Succeeded') succeeded++;
    else if (!(suspended && p.metadata.deletionTimestamp !== undefined)) failed++;
  }
  // Pods deleted before they ran (suspend, surplus) lose the finalizer without counting.
  const abandoned = owned.filter((p) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER) && p.metadata.deletionTimestamp !== undefined && (phaseOf(p) === 'Pending' || phaseOf(p) === ''));

  let active = owned.filter((p) => isPodActive(p as Pod)).sort(creationOrder);
  let conditions = records(old.conditions) as unknown as Condition[];
  let startTime = text(old.startTime);
  let completionTime = text(old.completionTime);
  const finished = conditionTrue(job, 'Complete') || conditionTrue(job, 'Failed');
  const parallelism = int(spec.parallelism) ?? 1;
  const completions = int(spec.completions);
  const backoffLimit = int(spec.backoffLimit) ?? 6;
  let requeueMs: number | undefined;

  if (!finished) {
    const finish = (type: 'Complete' | 'Failed', reason: string, message: string): void => {
      conditions = withCondition(conditions, type, 'True', reason, message, ts);
      if (type === 'Complete') completionTime = ts;
      for (const p of active) deletePod(env, job, p);
      active = [];
      event(env, job, type === 'Complete' ? 'Normal' : 'Warning', type === 'Complete' ? 'Completed' : reason, type === 'Complete' ? 'Job completed' : message);
    };
    const wasSuspended = conditionTrue(job, 'Suspended');
    if (suspended) {
      for (const p of active) deletePod(env, job, p);
      active = [];
      if (!wasSuspended) {
        conditions = withCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', ts);
        event(env, job, 'Normal', 'Suspended', 'Job suspended');
      }
    } else {
      if (wasSuspended) {
        conditions = withCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', ts);
        event(env, job, 'Normal', 'Resumed', 'Job resumed');
        startTime = ts;
      }
      startTime ??= ts;
      const deadlineSeconds = int(spec.activeDeadlineSeconds);
      const onFailureRestarts = record(record(spec.template).spec).restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + restarts(p), 0) : 0;
      const done = completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions;
      if (failed > backoffLimit || (onFailureRestarts > 0 && failed + onFailureRestarts > backoffLimit))
        finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      else if (deadlineSeconds !== undefined && now - Date.parse(startTime) >= deadlineSeconds * 1000)
        finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');
      else if (done) finish('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
      else {
        if (deadlineSeconds !== undefined) requeueMs = Date.parse(startTime) + deadlineSeconds * 1000 - now;
        const want = completions === undefined ? (succeeded > 0 ? 0 : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
        if (active.length > want) {
          for (const p of active.slice(want)) deletePod(env, job, p);
          active = active.slice(0, want);
        } else if (active.length < want) {
          const failures = owned.filter((p) => phaseOf(p) === 'Failed');
          const lastFailure = failures.length === 0 ? undefined : Math.max(...failures.map(lastFinish));
          const backoff = failed === 0 || lastFailure === undefined ? 0 : Math.min(JOB_BACKOFF_INITIAL_MS * 2 ** (failed - 1), JOB_BACKOFF_MAX_MS) - (now - lastFailure);
          if (backoff > 0) requeueMs = Math.min(requeueMs ?? backoff, backoff);
          else
            for (let i = active.length; i < want; i++) {
              try {
                const pod = store.create(PODS, podForJob(job), { fieldManager: JOB_MANAGER });
                event(env, job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
                active.push(pod);
              } catch (e) {
                event(env, job, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
                break;
              }
            }
        }
      }
    }
  } else {
    for (const p of active) deletePod(env, job, p);
    active = [];
  }

  const terminating = owned.filter((p) => p.metadata.deletionTimestamp !== undefined && !isFinished(p)).length;
  const status: Record<string, unknown> = {
    ...(conditions.length > 0 ? { conditions } : {}),
    ...(startTime === undefined ? {} : { startTime }),
    ...(completionTime === undefined ? {} : { completionTime }),
    ...(active.length > 0 ? { active: active.length } : {}),
    ...(succeeded > 0 ? { succeeded } : {}),
    ...(failed > 0 ? { failed } : {}),
    terminating,
    uncountedTerminatedPods: {},
    ready: active.filter((p) => isPodReady(p as Pod)).length,
  };
  const current = store.get(JOBS, namespace, name) ?? job;
  if (!deepEqual(record(current['status']), status)) store.update(JOBS, { ...current, status }, { subresource: 'status', fieldManager: JOB_MANAGER });
  // Counted (or never started) pods may go now: the status holds them.
  for (const p of [...toCount, ...abandoned]) removeTrackingFinalizer(env, p);
  if (requeueMs !== undefined) env.requeueAfter(key, Math.max(1, requeueMs));
}

/**
 * startJobController runs the simulated Job controller until the returned function is called. A
 * Job is synced when it changes and when one of its pods changes.
 */
export function startJobController(ctx: SimContext): () => void {
  const queue: WorkQueue = new WorkQueue({ clock: ctx.clock, process: (key) => syncJob(env, key) });
  const pods = new ObjectCache(ctx.store, PODS);
  const env: JobEnv = { ctx, pods, requeueAfter: (key, delayMs) => queue.addAfter(key, delayMs) };
  const onPod = (change: StoredChange): void => {
    const pod = change.object;
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job') return;
    const job = ctx.store.get(JOBS, pod.metadata.namespace, ref.name);
    if (job && job.metadata.uid === ref.uid) queue.add(objectKey(job));
    // A pod whose Job is gone is nobody's to count: release it (the real controller does so for orphans).
    else if (change.type !== 'DELETED' && (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) ctx.clock.schedule(0, () => removeTrackingFinalizer(env, pod));
  };
  const unsubscribe = [
    ctx.store.subscribe(JOBS, (change) => {
      if (change.type !== 'DELETED') queue.add(objectKey(change.object));
    }),
    ctx.store.subscribe(PODS, onPod),
  ];
  for (const job of ctx.store.list(JOBS)) queue.add(objectKey(job));
  return () => {
    for (const u of unsubscribe) u();
    pods.stop();
    queue.stop();
  };
}
