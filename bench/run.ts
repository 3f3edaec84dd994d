// `npm run bench`: runs every bench/*.bench.ts in turn, each in its own Node process (so one
// benchmark's heap and timers cannot skew the next), and passes their output lines through.
// Usage: node bench/run.ts [NAME-SUBSTRING...]   e.g. `npm run bench -- sim-watch`
// A benchmark file prints its own result lines; by convention each line is
// `<bench>: <metric> <value> <unit> …` and includes a ratio against an anchor measured in the same run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', join(dir, file)], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let failed = 0;
if (files.length === 0) process.stdout.write(`no benchmark matches ${filters.join(' ')}\n`);
for (const file of files) {
  process.stdout.write(`== ${file}\n`);
  const started = performance.now();
  const code = await runOne(file);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`== ${file}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s\n`);
  if (code !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
