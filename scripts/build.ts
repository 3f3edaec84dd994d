// `npm run build`: what the npm package ships.
// 1. rolldown bundles the CLI (src/cli/main.ts, every command loaded on demand) into ESM chunks in
//    dist/cli/. One file per chunk instead of hundreds of modules: `rollscope wait` starts about 3×
//    faster than from per-file output (measured by bench/startup.bench.ts). Native or heavy packages
//    stay external and are installed as dependencies. Type checking is tsc's job (`npm run typecheck`).
// 2. Files the code reads at run time beside itself (SQL migrations) are copied to where the bundled
//    chunks look for them: paths are computed from import.meta.dirname = dist/cli.
// 3. vite bundles the dashboard into dist/web (served by `rollscope serve` and `demo`).
// `npm run package` then packs the tarball and writes the krew manifest for it (scripts/package.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'rolldown';

const root = join(import.meta.dirname, '..');

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  // The stats worker (store/stats-worker.ts) runs in a worker thread, so it is an entry of its own:
  // dist/cli/stats-worker.js, beside the chunk that starts it (store/stats-thread.ts looks there).
  input: { main: join(root, 'src', 'cli', 'main.ts'), 'stats-worker': join(root, 'src', 'store', 'stats-worker.ts') },
  platform: 'node',
  // Native addons, optional heavy paths (client-node only for legacy auth-provider users) and
  // packages with their own module graph at run time stay as real dependencies.
  external: [/^node:/, 'better-sqlite3', 'pg', '@kubernetes/client-node', /^@opentelemetry\//, 'prom-client'],
  logLevel: 'warn',
  output: { dir: join(root, 'dist', 'cli'), format: 'esm', chunkFileNames: '[name]-[hash].js' },
});

// import.meta.dirname of every chunk is dist/cli, so `join(dirname, '..', 'migrations', dialect)`
// (store/sql/migrations.ts) resolves to dist/migrations.
const migrations = join(root, 'src', 'store', 'migrations');
if (existsSync(migrations)) cpSync(migrations, join(root, 'dist', 'migrations'), { recursive: true });

execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--config', 'src/web/vite.config.ts'], { cwd: root, stdio: 'inherit' });
process.stdout.write('built dist/\n');
