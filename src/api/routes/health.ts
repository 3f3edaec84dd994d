import type { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import { parseQuery, type ApiEnv } from '../http.ts';
import { noParams } from '../schemas.ts';

/**
 * registerHealthRoutes adds /healthz (the process answers), /readyz (watches synced and none
 * down for longer than the threshold; 503 names the ones that are) and /metrics.
 */
export function registerHealthRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
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
