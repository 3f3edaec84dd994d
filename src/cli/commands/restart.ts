import type { Command } from 'commander';
import { restart } from '../../ops/actions.ts';
import { actionCommand, runAction, type ActionFlags } from './ops-action.ts';

/** registerRestart adds `rollscope restart`. */
export function registerRestart(program: Command): void {
  actionCommand(program, 'restart', 'restart the pods by a new rollout (like kubectl rollout restart); --wait to wait for it').action(async (target: string, flags: ActionFlags) => {
    process.exitCode = await runAction('restart', target, flags, restart);
  });
}
