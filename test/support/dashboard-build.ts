// Builds the dashboard (dist/web) once for tests that serve it, unless a build is already there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** buildDashboardIfMissing runs `vite build` when dist/web/index.html is absent (npm test builds it first). */
export async function buildDashboardIfMissing(): Promise<void> {
  if (existsSync(`${ROOT}dist/web/index.html`)) return;
  await promisify(execFile)(`${ROOT}node_modules/.bin/vite`, ['build', '--config', 'src/web/vite.config.ts'], { cwd: ROOT, timeout: 60_000 });
}
