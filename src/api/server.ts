import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { Principal, Role } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { PROBLEM_CONTENT_TYPE, problem, problemFromError, type Problem } from './problem.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerMigrationRoutes } from './routes/migrations.ts';
import { registerDashboard } from './routes/dashboard.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerReadRoutes } from './routes/reads.ts';
import { registerStreamRoute } from './routes/stream.ts';

/**
 * SERVER_NOW_HEADER carries the server clock (epoch ms) on every API answer, so the dashboard
 * measures "now" (running bars, elapsed times) on the cluster's clock, not the browser's: the
 * demo's simulated cluster runs hours behind the wall clock.
 */
export const SERVER_NOW_HEADER = 'x-rollscope-now';

/** ApiEnv is the Hono environment: the request's principal, once authenticated. */
export interface ApiEnv {
  Variables: { principal: Principal | null };
}

/** sendProblem writes a problem+json response. */
export function sendProblem(c: Context, p: Problem): Response {
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, { 'content-type': PROBLEM_CONTENT_TYPE });
}

/**
 * parseOrProblem validates input with a zod schema: the parsed value, or a 400 problem listing
 * each invalid parameter by name.
 */
export function parseOrProblem<S extends z.ZodType>(c: Context, schema: S, input: unknown): { ok: true; value: z.infer<S> } | { ok: false; response: Response } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors = r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  return { ok: false, response: sendProblem(c, problem(400, 'INVALID', `invalid parameters: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors, instance: c.req.path, hint: 'see the API reference in the README' })) };
}

/** requireRole answers 401 without a valid token and 403 with an insufficient one; null when allowed. */
export function requireRole(c: Context<ApiEnv>, role: Role): Response | null {
  const who = c.get('principal');
  if (!who) return sendProblem(c, problem(401, 'UNAUTHORIZED', `${c.req.method} ${c.req.path} needs a bearer token with the ${role} role`, { hint: 'send Authorization: Bearer <token>; tokens are configured with --token-file', instance: c.req.path }));
  if (role === 'operator' && who.role !== 'operator') return sendProblem(c, problem(403, 'FORBIDDEN', `token of ${who.subject} has the ${who.role} role; ${c.req.method} ${c.req.path} needs operator`, { hint: 'use a token with the operator role', instance: c.req.path }));
  return null;
}

/**
 * createApi builds the HTTP API (Hono app): reads under /api/v1, the SSE stream, operator actions,
 * health, metrics and the dashboard. Every error is problem+json; reads need a viewer token only
 * when the policy says so (listening beyond loopback); actions always need an operator token.
 */
export function createApi(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.onError((e, c) => sendProblem(c, problemFromError(e, c.req.path)));
  app.notFound((c) => sendProblem(c, problem(404, 'NOT_FOUND', `no such endpoint: ${c.req.method} ${c.req.path}`, { hint: 'the API lives under /api/v1; see the README', instance: c.req.path })));
  app.use('*', async (c, next) => {
    c.set('principal', deps.auth.identify(c.req.header('authorization')));
    await next();
  });
  app.use('/api/*', async (c: Context<ApiEnv>, next) => {
    c.header(SERVER_NOW_HEADER, String(deps.clock.now()));
    if (deps.auth.readsNeedToken) {
      const denied = requireRole(c, 'viewer');
      if (denied) return denied;
    }
    await next();
  });
  registerHealthRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerStreamRoute(app, deps);
  registerActionRoutes(app, deps);
  registerMigrationRoutes(app, deps);
  registerDashboard(app, deps);
  return app;
}
