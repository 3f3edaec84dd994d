import type { KubeObject } from '../../kube/types.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { templateContainers } from './objects.ts';
import type { ScenarioScript } from './script.ts';

/**
 * The changes scenarios make to workloads, each written the way the named tool writes it (field
 * manager, annotations), so the tracker sees realistic actors. Each returns false when the
 * workload no longer exists (a user deleted it); nothing is written then.
 */

/** WorkloadRef names one workload: its store resource (`deployments.apps`…), namespace and name. */
export interface WorkloadRef {
  readonly resource: 'deployments.apps' | 'statefulsets.apps' | 'daemonsets.apps';
  readonly namespace: string;
  readonly name: string;
}

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** currentImage returns the first container's image of a workload, or undefined if it is gone. */
export function currentImage(script: ScenarioScript, ref: WorkloadRef): string | undefined {
  const obj = script.store.get(ref.resource, ref.namespace, ref.name);
  if (!obj) return undefined;
  const image = templateContainers(obj)[0]?.image;
  return typeof image === 'string' ? image : undefined;
}

/**
 * setImage sets the first container's image as `manager` would (`kubectl-set`, `helm`,
 * `argocd-controller`). With `cpu` it also changes the CPU request (e.g. a huge one that no node
 * can fit). A `changeCause` is recorded in `kubernetes.io/change-cause`, as `--record` did.
 */
export function setImage(
  script: ScenarioScript,
  ref: WorkloadRef,
  opts: { readonly image: string; readonly manager: string; readonly changeCause?: string; readonly cpu?: string },
): boolean {
  return script.edit(ref.resource, ref.namespace, ref.name, opts.manager, (obj) => {
    const container = templateContainers(obj)[0];
    if (!container) return;
    container.image = opts.image;
    if (opts.cpu !== undefined) {
      const resources = (container.resources ?? {}) as { requests?: Record<string, string> };
      container.resources = { ...resources, requests: { ...resources.requests, cpu: opts.cpu } };
    }
    if (opts.changeCause !== undefined) obj.metadata.annotations = { ...obj.metadata.annotations, [CHANGE_CAUSE]: opts.changeCause };
  });
}

/** scale sets `spec.replicas` as `manager` would (e.g. `horizontal-pod-autoscaler`). */
export function scale(script: ScenarioScript, ref: WorkloadRef, replicas: number, manager: string): boolean {
  return script.edit(ref.resource, ref.namespace, ref.name, manager, (obj) => {
    (obj.spec as { replicas?: number }).replicas = replicas;
  });
}

/** restart sets the `kubectl.kubernetes.io/restartedAt` template annotation, as `kubectl rollout restart` does. */
export function restart(script: ScenarioScript, ref: WorkloadRef): boolean {
  const at = rfc3339(script.clock.now());
  return script.edit(ref.resource, ref.namespace, ref.name, 'kubectl-rollout', (obj) => {
    const template = (obj.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, 'kubectl.kubernetes.io/restartedAt': at } };
  });
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0');
}

/**
 * rollbackDeployment does what `kubectl rollout undo deployment/NAME` does (kubernetes.md §4.3):
 * it copies the template of the ReplicaSet with the second-highest revision (minus its
 * `pod-template-hash` label) into the Deployment, and its annotations (keeping the Deployment's
 * own revision bookkeeping), as field manager `kubectl-rollout`. Returns false when there is no
 * earlier revision.
 */
export function rollbackDeployment(script: ScenarioScript, namespace: string, name: string): boolean {
  const deployment = script.store.get('deployments.apps', namespace, name);
  if (!deployment) return false;
  const owned = script.store
    .list('replicasets.apps', { namespace })
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === deployment.metadata.uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const target = owned[1];
  if (!target) return false;
  const template = structuredClone((target as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }).spec?.template);
  if (!template) return false;
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const keep = Object.entries(deployment.metadata.annotations ?? {}).filter(([k]) => ROLLBACK_SKIP.has(k));
  const copied = Object.entries(target.metadata.annotations ?? {}).filter(([k]) => !ROLLBACK_SKIP.has(k));
  return script.edit('deployments.apps', namespace, name, 'kubectl-rollout', (obj) => {
    (obj.spec as { template: unknown }).template = template;
    obj.metadata.annotations = Object.fromEntries([...copied, ...keep]);
  });
}

/** ROLLBACK_SKIP are the annotations kubectl keeps from the Deployment on undo (kubectl rollback.go). */
const ROLLBACK_SKIP: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);
