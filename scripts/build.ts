// `npm run build`: what the npm package ships.
// 1. tsc -p tsconfig.build.json compiles src/ (no tests, no dashboard sources) to ESM JavaScript in dist/.
// 2. Non-code files the compiled code reads at run time (SQL migrations, …) are copied beside it.
// 3. vite bundles the dashboard into dist/web (served by `rollscope serve` and `demo`).
// `npm run package` then packs the tarball and writes the krew manifest for it (scripts/package.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]): void => {
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

// Runtime assets: every file under src/ that is neither code, a test, documentation nor the dashboard.
const isAsset = (rel: string): boolean => !rel.startsWith('web/') && !/\.(ts|tsx|md)$/.test(rel);
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
for (const file of walk(join(root, 'src'))) {
  const rel = relative(join(root, 'src'), file);
  if (!isAsset(rel)) continue;
  mkdirSync(dirname(join(root, 'dist', rel)), { recursive: true });
  cpSync(file, join(root, 'dist', rel));
}

run(bin('vite'), ['build', '--config', 'src/web/vite.config.ts']);

process.stdout.write('built dist/\n');
