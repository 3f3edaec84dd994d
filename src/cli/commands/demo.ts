import type { Command } from 'commander';
import { DEFAULT_NODES_SPEC } from '../../sim/node/behaviour.ts';
import { DEFAULT_KUBECONFIG_OUT, parseListen, parseNodes, parseSpeed } from './sim-options.ts';
import { waitForSignal } from './serve.ts';

/**
 * DEMO_SPEED runs the demo 10× faster than real time: the demo's 20-minute failure cycle (failing
 * image, crash loop, unschedulable rollout, rollback) plays in 2 real minutes, while a rollout is
 * still slow enough to watch with `kubectl get pods -w`.
 */
export const DEMO_SPEED = '10';

/** DEMO_LEDGER is the demo's own ledger file (recreated at each start, so `serve`'s ledger is never touched). */
export const DEMO_LEDGER = '.rollscope/demo-ledger.db';

interface DemoFlags {
  readonly listen: string;
  readonly simListen: string;
  readonly kubeconfigOut: string;
  readonly speed: string;
  readonly nodes: string;
}

/**
 * registerDemo adds `rollscope demo` (what `npm start` runs): the simulated cluster with the demo
 * scenario, the tracker, the ledger and the dashboard, all on 127.0.0.1, until Ctrl-C.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulated cluster with demo traffic, the tracker and the dashboard, all on this machine')
    .option('--listen <host:port>', 'dashboard and API address (if the port is taken, any free port)', '127.0.0.1:7420')
    .option('--sim-listen <host:port>', 'address of the simulated API server (port 0 = any free port)', '127.0.0.1:0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig for kubectl', DEFAULT_KUBECONFIG_OUT)
    .option('--speed <n>', 'the simulated world runs N times faster (pulls, start-up, back-offs); timestamps stay on the wall clock', DEMO_SPEED)
    .option('--nodes <spec>', 'node pool, e.g. 3x4cpu8Gi,1x2cpu4Gi', DEFAULT_NODES_SPEC)
    .action(async (flags: DemoFlags) => {
      const simListen = parseListen(flags.simListen);
      const speed = parseSpeed(flags.speed);
      parseNodes(flags.nodes);
      const { startDemo } = await import('../../daemon/demo.ts');
      const demo = await startDemo({
        listen: flags.listen,
        simListen,
        kubeconfigOut: flags.kubeconfigOut,
        speed,
        nodes: flags.nodes,
        scenario: 'demo',
        ledgerPath: DEMO_LEDGER,
      });
      process.stderr.write(
        [
          `rollscope demo: simulated cluster at ${demo.simUrl} (speed ${speed}x), tracker and dashboard running.`,
          `  kubeconfig:     ${demo.kubeconfig}`,
          `                  export KUBECONFIG=${demo.kubeconfig}   # then: kubectl get deploy -A -w`,
          `                  try: kubectl -n shop set image deploy/frontend frontend=registry.acme.io/shop/frontend:9.9.9`,
          `  operator token: ${demo.operatorToken}   (paste it into the dashboard to undo/pause/resume/restart)`,
          `  viewer token:   ${demo.viewerToken}   (read-only; the buttons answer 403 with it)`,
          `  ledger:         ${demo.ledgerPath}   (rollscope history -A --db sqlite:${demo.ledgerPath})`,
          '  stop with Ctrl-C',
          '',
        ].join('\n'),
      );
      process.stdout.write(`dashboard: ${demo.dashboardUrl}\n`);
      await waitForSignal();
      await demo.stop();
    });
}
