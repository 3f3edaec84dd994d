import type { Command } from 'commander';
import { pause } from '../../ops/actions.ts';
import { actionCommand, runAction, type ActionFlags } from './ops-action.ts';

/** registerPause adds `rollscope pause`. */
export function registerPause(program: Command): void {
  actionCommand(program, 'pause', 'pause a Deployment rollout (like kubectl rollout pause)').action(async (target: string, flags: ActionFlags) => {
    process.exitCode = await runAction('pause', target, flags, pause);
  });
}
