import { Command, CommanderError } from 'commander';
import { isTrackerError } from '../lib/errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { COMMANDS } from './commands/index.ts';

/**
 * The `rollscope` (and `kubectl-rollscope`) command line. Each command lives in its own file under
 * `commands/` and registers itself through `COMMANDS`; this file only parses, dispatches and maps
 * errors to exit codes (one line naming the object, then a hint).
 */
function buildProgram(): Command {
  const program = new Command('rollscope')
    .description('Release tracker and rollout controller for Kubernetes')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (isTrackerError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      if (e.details.hint) process.stderr.write(`hint: ${e.details.hint}\n`);
      return exitCodeFor[e.code];
    }
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.unavailable;
  }
}

process.exitCode = await main(process.argv.slice(2));
