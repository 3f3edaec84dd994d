// Every `rollscope serve` flag has an environment twin, the variable works, and the README's table
// lists each one (the table is the documentation the issue asks for: one place).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { registerServe } from './commands/serve.ts';
import { addEnvTwins, envTwinName } from './env-twins.ts';

test('envTwinName: --lease-namespace → ROLLSCOPE_LEASE_NAMESPACE', () => {
  assert.equal(envTwinName('--lease-namespace'), 'ROLLSCOPE_LEASE_NAMESPACE');
});

test('a variable sets the flag; the flag on the command line wins', async () => {
  const run = async (argv: string[], env: Record<string, string>): Promise<unknown> => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      let seen: unknown;
      const cmd = new Command('x').exitOverride().option('--listen <addr>').option('--leader-elect').action((f: unknown) => {
        seen = f;
      });
      addEnvTwins(cmd);
      await cmd.parseAsync(argv, { from: 'user' });
      return seen;
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    }
  };
  assert.deepEqual(await run([], { ROLLSCOPE_LISTEN: '0.0.0.0:1', ROLLSCOPE_LEADER_ELECT: 'true' }), { listen: '0.0.0.0:1', leaderElect: true });
  assert.deepEqual(await run(['--listen', '127.0.0.1:2'], { ROLLSCOPE_LISTEN: '0.0.0.0:1' }), { listen: '127.0.0.1:2' });
});

test('every serve flag has a twin, and the README table lists it', () => {
  const program = new Command('rollscope');
  registerServe(program);
  const serve = program.commands.find((c) => c.name() === 'serve');
  assert.ok(serve);
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const longs = serve.options.filter((o) => o.long !== undefined && o.long !== '--help');
  assert.ok(longs.length >= 8);
  for (const o of longs) {
    assert.equal(o.envVar, envTwinName(o.long!), `${o.long} has its twin`);
    assert.match(readme, new RegExp(`\\| \`[^|]*${o.long!.replace(/-/g, '\\-')}\` \\| \`${o.envVar}\` \\|`), `README's serve table lists ${o.long} → ${o.envVar}`);
  }
});
