#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, CommanderError } from 'commander';
import { redactText } from '../lib/redact.ts';
import { isTrackerError } from '../lib/errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { COMMANDS } from './commands/index.ts';

/**
 * The `rollscope` (and `kubectl-rollscope`) command line. Each command lives in its own file under
 * `commands/` and is listed in `COMMANDS`; this file only parses, dispatches and maps errors to exit
 * codes (one line naming the object, then a hint). Only the module of the command being run is loaded.
 */

/** VERSION is the package's version (package.json sits two levels up from both src/cli and dist/cli). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** programName is `kubectl rollscope` when kubectl runs us as its plugin (through the `kubectl-rollscope` bin). */
export function programName(argv1: string | undefined): string {
  return argv1 !== undefined && basename(argv1).replace(/\.(js|ts)$/, '').startsWith('kubectl-') ? 'kubectl rollscope' : 'rollscope';
}

/** commandNamed picks the command the arguments ask for (`rollscope NAME …` or `rollscope help NAME`), if any. */
function commandNamed(argv: readonly string[]): string | undefined {
  const first = argv[0] === 'help' ? argv[1] : argv[0];
  return COMMANDS.find((c) => c.name === first)?.name;
}

async function buildProgram(argv: readonly string[], name: string): Promise<Command> {
  const program = new Command(name)
    .description('Release tracker and rollout controller for Kubernetes')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = commandNamed(argv);
  for (const entry of COMMANDS) {
    if (entry.name === wanted) (await entry.load())(program);
    else program.command(entry.name).description(entry.summary);
  }
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv, programName(process.argv[1]));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (isTrackerError(e)) {
      process.stderr.write(`error: ${redactText(e.message)}\n`);
      if (e.details.hint) process.stderr.write(`hint: ${e.details.hint}\n`);
      return exitCodeFor[e.code];
    }
    process.stderr.write(`error: ${redactText(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return EXIT.unavailable;
  }
}

process.exitCode = await main(process.argv.slice(2));
