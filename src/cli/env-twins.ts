import type { EventEmitter } from 'node:events';
import type { Command, Option } from 'commander';

/**
 * envTwinName is the environment variable of a long flag: `--lease-namespace` → ROLLSCOPE_LEASE_NAMESPACE.
 * Container manifests set these instead of args (deploy/kustomize), and so do systemd units.
 */
export function envTwinName(longFlag: string): string {
  return `ROLLSCOPE_${longFlag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

/**
 * addEnvTwins gives every long option of `command` (other than --help) its environment twin.
 * Precedence, as commander applies it: a flag on the command line, then the variable, then the
 * default. Repeatable flags take one value from the variable, or a comma-separated list.
 */
export function addEnvTwins(command: Command): Command {
  // commander wires an option's environment variable when the option is added, so each option is
  // taken out (with its command-line listener) and added again with its variable, in the same order.
  for (const option of [...command.options]) {
    if (option.long === undefined || option.long === '--help' || option.envVar !== undefined) continue;
    // (commander's typings hide that a Command is an EventEmitter with a mutable option list)
    (command.options as Option[]).splice(command.options.indexOf(option), 1);
    (command as unknown as EventEmitter).removeAllListeners(`option:${option.name()}`);
    command.addOption(option.env(envTwinName(option.long)));
  }
  return command;
}
