import type { Command } from 'commander';
import type { ActionContext, ActionResult } from '../../ops/actions.ts';
import { resolveWorkload, type Resolved } from '../../ops/resolve.ts';
import { parseWorkloadRef } from '../../ops/workload-target.ts';
import { realClock } from '../../lib/clock.ts';
import { EXIT } from '../exit-codes.ts';
import { addClusterOptions, addWaitOptions, connect, parseDurationFlag, parseOutput, runWait, type ClusterFlags, type WaitFlags } from './ops-common.ts';

/** ActionFlags are the flags every write command takes: connection, `--wait` and the wait's flags. */
export type ActionFlags = ClusterFlags & WaitFlags & { readonly wait?: boolean };

/** ActionFn performs one write on a resolved workload. */
export type ActionFn = (ctx: ActionContext, r: Resolved) => Promise<ActionResult>;

/**
 * runAction resolves TYPE/NAME, performs `act`, prints kubectl's one-line message, and with
 * `--wait` waits for the rollout (exit codes as `rollscope wait`). Flags are checked before any write.
 */
export async function runAction(command: string, arg: string, flags: ActionFlags, act: ActionFn): Promise<number> {
  const ref = parseWorkloadRef(arg, command);
  if (flags.wait) {
    parseDurationFlag(flags.timeout, '--timeout');
    parseOutput(flags.output);
  }
  const conn = connect(flags);
  const signal = AbortSignal.timeout(60_000);
  const resolved = await resolveWorkload(conn.client, ref, conn.namespace, signal);
  const done = await act({ client: conn.client, signal, now: () => realClock.now() }, resolved);
  (flags.wait && parseOutput(flags.output) === 'json' ? process.stderr : process.stdout).write(`${done.message}\n`);
  if (!flags.wait) return EXIT.ok;
  return runWait(conn.kubeConfig, [resolved.target], flags, command === 'pause');
}

/** actionCommand declares a write command with the common flags; the caller adds its own and the action. */
export function actionCommand(program: Command, name: string, description: string): Command {
  const cmd = program.command(name).description(description).argument('<target>', 'TYPE/NAME: deployment, statefulset or daemonset (a bare NAME is looked up among them)');
  return addWaitOptions(addClusterOptions(cmd)).option('--wait', 'then wait for the rollout like rollscope wait (same exit codes)');
}
