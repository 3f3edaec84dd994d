import type { Command } from 'commander';
import { DEFAULT_NODES_SPEC } from '../../sim/behaviour.ts';
import { runSimulatedCluster } from './sim.ts';
import { DEFAULT_KUBECONFIG_OUT } from './sim-options.ts';

/**
 * DEMO_SPEED runs the demo 10× faster than real time: the demo's 20-minute failure cycle (failing
 * image, crash loop, unschedulable rollout, rollback) plays in 2 real minutes, while a rollout is
 * still slow enough to watch with `kubectl get pods -w`.
 */
export const DEMO_SPEED = '10';

/**
 * registerDemo adds `rollscope demo` (what `npm start` runs): for now the simulated cluster with
 * the demo scenario; the tracker and dashboard join it later.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulated cluster with demo traffic (tracker and dashboard to follow)')
    .option('--listen <host:port>', 'address of the simulated API server (port 0 = any free port)', '127.0.0.1:0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig', DEFAULT_KUBECONFIG_OUT)
    .option('--speed <n>', 'simulated time runs N times faster than real time', DEMO_SPEED)
    .option('--nodes <spec>', 'node pool, e.g. 3x4cpu8Gi,1x2cpu4Gi', DEFAULT_NODES_SPEC)
    .action(async (opts: Omit<Parameters<typeof runSimulatedCluster>[0], 'scenario'>) =>
      runSimulatedCluster(
        { ...opts, scenario: 'demo' },
        {
          banner: () => [
            '  demo: releases every few simulated minutes in namespaces shop, payments, platform;',
            '        a failing image, a crash loop, an unschedulable rollout and a rollback every 20 simulated minutes.',
            '  try:  kubectl get deploy -A -w    kubectl -n shop rollout history deployment/checkout',
          ],
        },
      ),
    );
}
