import type { SimClock } from '../../core/clock.ts';
import type { EventSink } from '../../core/context.ts';
import type { SimStore } from '../../core/store-api.ts';
import { asDeployment, type Deployment, type DeploymentStatus } from '../apps.ts';
import type { ObjectCache } from '../cache.ts';

/** Store keys of the resources the Deployment controller touches. */
export const Resource = { deployments: 'deployments.apps', replicaSets: 'replicasets.apps', pods: 'pods' } as const;

/** FIELD_MANAGER is the field manager (and event source component) of the Deployment controller. */
export const FIELD_MANAGER = 'deployment-controller';

/**
 * DeploymentEnv is what one sync of the Deployment controller may use: the store (reads are
 * always current: the simulator has no informer lag), the clock, the event sink, and a way to look
 * at a Deployment again later.
 */
export interface DeploymentEnv {
  readonly store: SimStore;
  readonly clock: SimClock;
  readonly events: EventSink;
  /** The controller's indexed views of ReplicaSets and pods (current: the store notifies synchronously). */
  readonly replicaSets: ObjectCache;
  readonly pods: ObjectCache;
  /** requeueAfter syncs the Deployment with key `namespace/name` again after `delayMs` of simulated time. */
  requeueAfter(key: string, delayMs: number): void;
}

/**
 * DeploymentRef is the sync's working copy of the Deployment. Every write replaces `d` with what
 * the store returned, so later writes in the same sync carry a current resourceVersion.
 */
export interface DeploymentRef {
  d: Deployment;
}

/**
 * writeDeploymentStatus writes `status` (and, when given, annotations — the revision annotation is
 * written this way, as Kubernetes does) through the status subresource.
 */
export function writeDeploymentStatus(
  env: DeploymentEnv,
  ref: DeploymentRef,
  status: DeploymentStatus,
  annotations?: Readonly<Record<string, string>>,
): void {
  const d = ref.d;
  const metadata = annotations === undefined ? d.metadata : { ...d.metadata, annotations };
  const written = env.store.update(Resource.deployments, { ...d, metadata, status }, { subresource: 'status', fieldManager: FIELD_MANAGER });
  ref.d = asDeployment(written);
}

/** recordEvent records an event on the Deployment from `deployment-controller`. */
export function recordEvent(env: DeploymentEnv, d: Deployment, type: 'Normal' | 'Warning', reason: string, message: string): void {
  env.events.record({ involved: d, type, reason, message, component: FIELD_MANAGER });
}
