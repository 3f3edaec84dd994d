import { conditionsOf, fieldAt, groupOf, hasInt, intField, isUnstructured, kindOf, mapField, stringField, type Unstructured } from '../fields.ts';
import { goParseInt, goQuote } from './go-format.ts';

/**
 * KubectlView is what `kubectl rollout status` decides for one object: `done` and the message it
 * prints (exact, ending in a newline), or the error it fails with (without kubectl's `error: `).
 */
export type KubectlView = { readonly done: boolean; readonly message: string } | { readonly error: string };

/** KubectlOptions are the `kubectl rollout status` flags the verdict depends on. */
export interface KubectlOptions {
  /** `--revision`: pin to a Deployment revision; 0 = latest. If unset, 0. Negative values are the caller's usage error. */
  readonly revision?: number;
}

type ViewerFn = (obj: Unstructured, revision: number) => KubectlView;

/**
 * kubectlView reproduces kubectl's status viewers (kubectl pkg/polymorphichelpers/rollout_status.go,
 * kubernetes.md §4.1) for apps/extensions Deployments and DaemonSets and apps StatefulSets; other
 * kinds get kubectl's `no status viewer has been implemented for …` error.
 */
export function kubectlView(obj: Unstructured | null, options: KubectlOptions = {}): KubectlView {
  if (obj === null) return { error: 'object has been deleted' };
  const group = groupOf(obj);
  const viewer = VIEWERS[`${group}/${kindOf(obj)}`];
  if (!viewer) return { error: `no status viewer has been implemented for ${kindOf(obj)}${group === '' ? '' : `.${group}`}` };
  return viewer(obj, options.revision ?? 0);
}

const waiting = (message: string): KubectlView => ({ done: false, message });
const generation = (o: Unstructured): number => intField(o, 'metadata.generation', 0);
const observedGeneration = (o: Unstructured): number => intField(o, 'status.observedGeneration', 0);

function deployment(d: Unstructured, revision: number): KubectlView {
  const name = goQuote(stringField(d, 'metadata.name'));
  if (revision > 0) {
    const annotation = mapField(d, 'metadata.annotations')['deployment.kubernetes.io/revision'];
    const parsed = annotation === undefined ? { value: 0 } : goParseInt(annotation);
    if ('error' in parsed) return { error: `cannot get the revision of deployment ${name}: ${parsed.error}` };
    if (parsed.value !== revision) return { error: `desired revision (${revision}) is different from the running revision (${parsed.value})` };
  }
  if (generation(d) > observedGeneration(d)) return waiting('Waiting for deployment spec update to be observed...\n');
  if (conditionsOf(d).find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded') return { error: `deployment ${name} exceeded its progress deadline` };
  const replicas = intField(d, 'status.replicas', 0);
  const updated = intField(d, 'status.updatedReplicas', 0);
  const available = intField(d, 'status.availableReplicas', 0);
  if (hasInt(d, 'spec.replicas') && updated < intField(d, 'spec.replicas', 0))
    return waiting(`Waiting for deployment ${name} rollout to finish: ${updated} out of ${intField(d, 'spec.replicas', 0)} new replicas have been updated...\n`);
  if (replicas > updated) return waiting(`Waiting for deployment ${name} rollout to finish: ${replicas - updated} old replicas are pending termination...\n`);
  if (available < updated) return waiting(`Waiting for deployment ${name} rollout to finish: ${available} of ${updated} updated replicas are available...\n`);
  return { done: true, message: `deployment ${name} successfully rolled out\n` };
}

/** ONLY_ROLLING_UPDATE is kubectl's error for DaemonSets and StatefulSets not using RollingUpdate. */
const ONLY_ROLLING_UPDATE = 'rollout status is only available for RollingUpdate strategy type';

function daemonSet(d: Unstructured): KubectlView {
  // kubectl ignores --revision for DaemonSets.
  if (stringField(d, 'spec.updateStrategy.type') !== 'RollingUpdate') return { error: ONLY_ROLLING_UPDATE };
  if (generation(d) > observedGeneration(d)) return waiting('Waiting for daemon set spec update to be observed...\n');
  const name = goQuote(stringField(d, 'metadata.name'));
  const desired = intField(d, 'status.desiredNumberScheduled', 0);
  const updated = intField(d, 'status.updatedNumberScheduled', 0);
  const available = intField(d, 'status.numberAvailable', 0);
  if (updated < desired) return waiting(`Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`);
  if (available < desired) return waiting(`Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...\n`);
  return { done: true, message: `daemon set ${name} successfully rolled out\n` };
}

function statefulSet(s: Unstructured): KubectlView {
  // kubectl ignores --revision for StatefulSets.
  if (stringField(s, 'spec.updateStrategy.type') !== 'RollingUpdate') return { error: ONLY_ROLLING_UPDATE };
  if (observedGeneration(s) === 0 || generation(s) > observedGeneration(s)) return waiting('Waiting for statefulset spec update to be observed...\n');
  const hasReplicas = hasInt(s, 'spec.replicas');
  const spec = intField(s, 'spec.replicas', 0);
  const ready = intField(s, 'status.readyReplicas', 0);
  const updated = intField(s, 'status.updatedReplicas', 0);
  if (hasReplicas && ready < spec) return waiting(`Waiting for ${spec - ready} pods to be ready...\n`);
  if (isUnstructured(fieldAt(s, 'spec.updateStrategy.rollingUpdate'))) {
    const partition = intField(s, 'spec.updateStrategy.rollingUpdate.partition', 0);
    if (hasReplicas && hasInt(s, 'spec.updateStrategy.rollingUpdate.partition') && updated < spec - partition)
      return waiting(`Waiting for partitioned roll out to finish: ${updated} out of ${spec - partition} new pods have been updated...\n`);
    return { done: true, message: `partitioned roll out complete: ${updated} new pods have been updated...\n` };
  }
  const updateRevision = stringField(s, 'status.updateRevision');
  const currentRevision = stringField(s, 'status.currentRevision');
  if (updateRevision !== currentRevision) return waiting(`waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...\n`);
  return { done: true, message: `statefulset rolling update complete ${intField(s, 'status.currentReplicas', 0)} pods at revision ${currentRevision}...\n` };
}

/** VIEWERS maps "group/Kind" to kubectl's status viewer (StatusViewerFor). */
const VIEWERS: Readonly<Partial<Record<string, ViewerFn>>> = {
  'apps/Deployment': deployment,
  'extensions/Deployment': deployment,
  'apps/DaemonSet': daemonSet,
  'extensions/DaemonSet': daemonSet,
  'apps/StatefulSet': statefulSet,
};

/** revisionError is kubectl's error for a negative `--revision` (cmd/rollout/rollout_status.go Validate). */
export function revisionError(revision: number): string {
  return `revision must be a positive integer: ${revision}`;
}
