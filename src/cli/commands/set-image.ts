import type { Command } from 'commander';
import { setImage } from '../../ops/actions.ts';
import { parseImageAssignments } from '../../ops/patches.ts';
import { actionCommand, runAction, type ActionFlags } from './ops-action.ts';

/** SetImageFlags are the raw flag values of `rollscope set-image`. */
export type SetImageFlags = ActionFlags & { readonly changeCause?: string };

/** runSetImage changes container images like `kubectl set image` (fieldManager rollscope), optionally recording a change cause and waiting. */
export async function runSetImage(target: string, assignments: readonly string[], flags: SetImageFlags): Promise<number> {
  const parsed = parseImageAssignments(assignments);
  if (!parsed.ok) throw parsed.error;
  return runAction('set-image', target, flags, (ctx, r) => setImage(ctx, r, parsed.value, flags.changeCause));
}

/** registerSetImage adds `rollscope set-image`. */
export function registerSetImage(program: Command): void {
  actionCommand(program, 'set-image', 'change container images (like kubectl set image); --wait to wait for the rollout')
    .argument('<assignments...>', 'CONTAINER=IMAGE pairs (*=IMAGE for every container)')
    .option('--change-cause <text>', 'record why, in the kubernetes.io/change-cause annotation (shown by rollout history)')
    .action(async (target: string, assignments: string[], flags: SetImageFlags) => {
      process.exitCode = await runSetImage(target, assignments, flags);
    });
}
