import type { Hono } from 'hono';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../server.ts';

/** registerHealthRoutes adds /healthz (the process answers), /readyz (watches synced) and /metrics. */
export function registerHealthRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const ready = deps.readiness.isReady();
    return c.json({ status: ready ? 'ready' : 'not ready', ...deps.readiness.detail() }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    if (!deps.metrics) return c.text('metrics are disabled\n', 404);
    return c.body(await deps.metrics.metrics(), 200, { 'content-type': deps.metrics.contentType });
  });
}
