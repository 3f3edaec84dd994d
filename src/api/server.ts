import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { silentLogger } from '../lib/log.ts';
import type { ApiDeps } from './deps.ts';
import { exposure } from './exposure.ts';
import { REQUEST_ID_HEADER, SERVER_NOW_HEADER, sendError, sendProblem, type ApiEnv } from './http.ts';
import { problem } from './problem.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerCanaryRoutes } from './routes/canaries.ts';
import { registerMigrationRoutes } from './routes/migrations.ts';
import { registerDashboard } from './routes/dashboard.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerReadRoutes } from './routes/reads.ts';
import { registerStreamRoute } from './routes/stream.ts';

export { SERVER_NOW_HEADER, type ApiEnv } from './http.ts';

/** A client-sent request id is kept when it is short and plain; otherwise a fresh UUID is used. */
const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * createApi builds the HTTP API (Hono app): reads under /api/v1, the SSE stream, operator actions,
 * health, metrics and the dashboard. Every answer carries a request id; every error is
 * problem+json with that id, and every 5xx is logged with it. Who may call what is decided in one
 * place, `exposure.ts`.
 */
export function createApi(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const logger = deps.logger ?? silentLogger;
  app.onError((e, c) => sendError(c, e));
  app.notFound((c) => sendProblem(c, problem(404, 'NOT_FOUND', `no such endpoint: ${c.req.method} ${c.req.path}`, { hint: notFoundHint(c.req.path, deps.dashboardDir !== undefined), instance: c.req.path })));
  app.use('*', async (c, next) => {
    const sent = c.req.header(REQUEST_ID_HEADER);
    const requestId = sent !== undefined && SAFE_REQUEST_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', requestId);
    c.set('log', logger);
    c.header(REQUEST_ID_HEADER, requestId);
    c.set('principal', deps.auth.identify(c.req.header('authorization')));
    await next();
  });
  app.use('*', exposure(deps.auth, { dashboard: deps.dashboardDir !== undefined }));
  app.use('/api/*', async (c, next) => {
    c.header(SERVER_NOW_HEADER, String(deps.clock.now()));
    await next();
  });
  registerHealthRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerCanaryRoutes(app, deps);
  registerStreamRoute(app, deps);
  registerActionRoutes(app, deps);
  registerMigrationRoutes(app, deps);
  registerDashboard(app, deps);
  return app;
}

/**
 * notFoundHint says what to do after a 404: a page outside /api/ with no dashboard built means the
 * dashboard was never built (`npm run build:web` writes dist/web, which `serve` picks up at start).
 */
function notFoundHint(path: string, dashboard: boolean): string {
  if (!dashboard && !path.startsWith('/api/') && !path.startsWith('/metrics') && !path.startsWith('/healthz') && !path.startsWith('/readyz'))
    return 'no dashboard is built: run `npm run build:web` (it writes dist/web), then restart rollscope serve; the API lives under /api/v1';
  return 'the API lives under /api/v1; see the README';
}
