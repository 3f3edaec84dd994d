import type { Command } from 'commander';
import { resume } from '../../ops/actions.ts';
import { actionCommand, runAction, type ActionFlags } from './ops-action.ts';

/** registerResume adds `rollscope resume`. */
export function registerResume(program: Command): void {
  actionCommand(program, 'resume', 'resume a paused Deployment (like kubectl rollout resume); --wait to wait for the rollout').action(async (target: string, flags: ActionFlags) => {
    process.exitCode = await runAction('resume', target, flags, resume);
  });
}
