import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../http.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ico': 'image/x-icon', '.map': 'application/json',
};

/**
 * registerDashboard serves the built dashboard: static assets from `dashboardDir`, and index.html
 * for every other non-API GET (client-side routes). Paths are normalised so `..` cannot escape.
 */
export function registerDashboard(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const dir = deps.dashboardDir;
  if (!dir) return;
  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/')) return next();
    const rel = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, rel);
    const isAsset = extname(rel) !== '' && file.startsWith(dir);
    try {
      const body = await readFile(isAsset ? file : join(dir, 'index.html'));
      const type = TYPES[isAsset ? extname(rel) : '.html'] ?? 'application/octet-stream';
      const cache = isAsset && rel.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return c.body(body, 200, { 'content-type': type, 'cache-control': cache });
    } catch {
      return next();
    }
  });
}
