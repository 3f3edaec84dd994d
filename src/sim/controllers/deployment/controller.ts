import type { KubeObject } from '../../../kube/types.ts';
import type { SimContext } from '../../core/context.ts';
import { labelSelectorFromSpec, matchesLabels } from '../../core/selectors.ts';
import type { StoredChange } from '../../core/store-api.ts';
import { asDeployment, controllerOf, objectKey } from '../apps.ts';
import { ObjectCache } from '../cache.ts';
import { WorkQueue } from '../work-queue.ts';
import { Resource, type DeploymentEnv } from './env.ts';
import { isRollingUpdate } from './rolling.ts';
import { syncDeployment } from './sync.ts';

/** DEPLOYMENT_MAX_RETRIES is how often a failing sync is retried before the key is dropped (Kubernetes: 15). */
export const DEPLOYMENT_MAX_RETRIES = 15;

/**
 * startDeploymentController runs the simulated Deployment controller until the returned function
 * is called. It syncs a Deployment when the Deployment changes, when a ReplicaSet it owns (or an
 * orphan its selector matches) changes, when a pod of a Recreate Deployment is deleted, and at
 * its progress deadline.
 */
export function startDeploymentController(ctx: SimContext): () => void {
  const queue: WorkQueue = new WorkQueue({
    clock: ctx.clock,
    maxRetries: DEPLOYMENT_MAX_RETRIES,
    process: (key) => syncDeployment(env, key),
  });
  const replicaSets = new ObjectCache(ctx.store, Resource.replicaSets);
  const pods = new ObjectCache(ctx.store, Resource.pods);
  const env: DeploymentEnv = {
    store: ctx.store,
    clock: ctx.clock,
    events: ctx.events,
    replicaSets,
    pods,
    requeueAfter: (key, delayMs) => queue.addAfter(key, delayMs),
  };

  const ownerDeployment = (obj: KubeObject): KubeObject | undefined => {
    const ref = controllerOf(obj);
    if (ref?.kind !== 'Deployment') return undefined;
    const d = ctx.store.get(Resource.deployments, obj.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  };

  const onReplicaSet = (change: StoredChange): void => {
    const rs = change.object;
    const owner = ownerDeployment(rs);
    if (owner) {
      queue.add(objectKey(owner));
      return;
    }
    if (controllerOf(rs) || change.type === 'DELETED') return;
    for (const d of ctx.store.list(Resource.deployments, { namespace: rs.metadata.namespace ?? '' })) {
      const selector = labelSelectorFromSpec((d.spec as { selector?: unknown } | undefined)?.selector);
      if (selector.length > 0 && matchesLabels(selector, rs.metadata.labels)) queue.add(objectKey(d));
    }
  };

  const onPod = (change: StoredChange): void => {
    if (change.type !== 'DELETED') return;
    const rsRef = controllerOf(change.object);
    if (rsRef?.kind !== 'ReplicaSet') return;
    const rs = replicaSets.get(change.object.metadata.namespace ?? '', rsRef.name);
    const d = rs ? ownerDeployment(rs) : undefined;
    if (d && !isRollingUpdate(asDeployment(d).spec)) queue.add(objectKey(d));
  };

  const unsubscribe = [
    ctx.store.subscribe(Resource.deployments, (change) => queue.add(objectKey(change.object))),
    ctx.store.subscribe(Resource.replicaSets, onReplicaSet),
    ctx.store.subscribe(Resource.pods, onPod),
  ];
  for (const d of ctx.store.list(Resource.deployments)) queue.add(objectKey(d));
  return () => {
    for (const u of unsubscribe) u();
    replicaSets.stop();
    pods.stop();
    queue.stop();
  };
}
