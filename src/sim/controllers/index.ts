import type { SimContext } from '../core/context.ts';
import { startKubelet } from '../node/kubelet.ts';
import { startScheduler } from '../node/scheduler.ts';
import { startPodNetwork } from '../network/pod-network.ts';
import { startServiceProxy } from '../network/service-proxy.ts';
import { startDaemonSetController } from './daemonset.ts';
import { startEndpointSliceController } from './endpointslice.ts';
import { startJobController } from './job.ts';
import { startDeploymentController } from './deployment/controller.ts';
import { startReplicaSetController } from './replicaset.ts';
import { startStatefulSetController } from './statefulset.ts';

/** ComponentStarter starts one simulated cluster component and returns the function that stops it. */
export type ComponentStarter = (ctx: SimContext) => () => void;

/**
 * CONTROLLERS lists every component `startControllers` runs, in start order: workload controllers
 * first, then the scheduler and the kubelet, then the endpoint-slice controller and the network (pods
 * listening on their loopback IPs, the service proxy).
 */
export const CONTROLLERS: readonly ComponentStarter[] = [
  startDeploymentController,
  startReplicaSetController,
  startStatefulSetController,
  startDaemonSetController,
  startJobController,
  startScheduler,
  startKubelet,
  startEndpointSliceController,
  // Listen failures (an address taken, the open-file budget spent) surface as process warnings on stderr.
  (ctx) => startPodNetwork(ctx, (message) => process.emitWarning(message, 'RollscopeSimWarning')),
  (ctx) => startServiceProxy(ctx),
];

/**
 * startControllers starts all controllers of the simulated cluster (Deployment, ReplicaSet,
 * StatefulSet, DaemonSet), the scheduler and the kubelet on `ctx`. The returned function stops
 * them all, in reverse order; it is safe to call twice.
 */
export function startControllers(ctx: SimContext): () => void {
  const stops = CONTROLLERS.map((start) => start(ctx));
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const stop of [...stops].reverse()) stop();
  };
}
