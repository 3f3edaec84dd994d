import type { Command } from 'commander';
import { TrackerError } from '../../lib/errors.ts';
import { resolveWorkload } from '../../ops/resolve.ts';
import { parseWorkloadRef } from '../../ops/workload-target.ts';
import { addClusterOptions, addWaitOptions, connect, parseDurationFlag, parseOutput, runWait, type ClusterFlags, type WaitFlags } from './ops-common.ts';
import type { WorkloadTarget } from '../../model/release.ts';

/** WaitCommandFlags are the raw flag values of `rollscope wait`. */
export type WaitCommandFlags = ClusterFlags & WaitFlags;

/**
 * runWaitCommand blocks until every named workload rolled out or one failed (see waiter.ts).
 * Bare names (no TYPE/) are looked up among Deployments, StatefulSets and DaemonSets (AMBIGUOUS if
 * several match). Returns the exit code: 0, 1 failed (also deleted or paused), 2 timeout, 4 not found.
 */
export async function runWaitCommand(args: readonly string[], flags: WaitCommandFlags): Promise<number> {
  if (args.length === 0) throw new TrackerError('USAGE', 'rollscope wait needs at least one TYPE/NAME', { hint: 'e.g. rollscope wait deployment/web statefulset/db -n shop' });
  const refs = args.map((a) => parseWorkloadRef(a, 'wait'));
  parseDurationFlag(flags.timeout, '--timeout');
  parseOutput(flags.output);
  const conn = connect(flags);
  const targets: WorkloadTarget[] = [];
  for (const ref of refs) {
    if (ref.kind !== null) targets.push({ kind: ref.kind, namespace: conn.namespace, name: ref.name });
    else targets.push((await resolveWorkload(conn.client, ref, conn.namespace, AbortSignal.timeout(30_000))).target);
  }
  return runWait(conn.kubeConfig, targets, flags);
}

/** registerWait adds `rollscope wait`. */
export function registerWait(program: Command): void {
  const cmd = program
    .command('wait')
    .description('block until every named workload has rolled out, or fail fast with the reason (image pull, crash loop, unschedulable, …)')
    .argument('<target...>', 'TYPE/NAME: deployment, statefulset or daemonset (a bare NAME is looked up among them)');
  addWaitOptions(addClusterOptions(cmd)).action(async (target: string[], flags: WaitCommandFlags) => {
    process.exitCode = await runWaitCommand(target, flags);
  });
}
