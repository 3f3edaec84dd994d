import type { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { parseQuery, type ApiEnv } from '../http.ts';
import { noParams } from '../schemas.ts';

/**
 * registerHealthRoutes adds /healthz (200 while every controller that should run does; 500 naming
 * the ones that stopped on their own — names only, as /healthz needs no token), /readyz (watches
 * synced, none down for longer than the threshold and no controller failed; 503 says which) and /metrics.
 */
export function registerHealthRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/healthz', (c) => {
    const failed = deps.liveness?.failed() ?? [];
    if (failed.length === 0) return c.json({ status: 'ok' });
    const names = failed.map((f) => f.name);
    return c.json({ status: 'failed', failed: names, reason: `stopped on their own: ${names.join(', ')}; restart the process (the log and /readyz say why)` }, 500);
  });
  app.get('/readyz', (c) => {
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    const ready = deps.readiness.isReady();
    return c.json({ status: ready ? 'ready' : 'not ready', ...deps.readiness.detail() }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    if (!deps.metrics) return c.text('metrics are disabled\n', 404);
    return c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType });
  });
}
