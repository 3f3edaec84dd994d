import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dashboardDir finds the built dashboard (dist/web), if it was built. */
export function dashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../dist/web/', import.meta.url));
  return existsSync(`${dir}index.html`) ? dir : undefined;
}
