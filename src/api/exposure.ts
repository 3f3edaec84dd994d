import type { Context, Next } from 'hono';
import { isLoopbackHostHeader, type AuthPolicy } from './auth.ts';
import { requireRole, sendProblem, type ApiEnv } from './http.ts';
import { problem } from './problem.ts';

/**
 * Access is what an endpoint needs when tokens are required (the API listens beyond loopback):
 * - `none`: nothing (liveness; the dashboard's static files, which hold code and no data — the
 *   page then asks for a token and sends it on every API call);
 * - `scrape`: a scrape, viewer or operator token (`/metrics`);
 * - `viewer`: a viewer or operator token;
 * - `operator`: an operator token, also on loopback.
 */
export type Access = 'none' | 'scrape' | 'viewer' | 'operator';

/** Endpoint is one row of the exposure table (`{x}` is one path segment). */
export interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly access: Access;
}

/**
 * ENDPOINTS is the one exposure table: the README's "Endpoints and roles" table lists the same
 * rows and a test walks it over real HTTP. A request that matches no row needs `viewer` (GET) or
 * `operator` (other methods), so an endpoint added without a row is closed, not open.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/healthz', access: 'none' },
  { method: 'GET', path: '/readyz', access: 'viewer' },
  { method: 'GET', path: '/metrics', access: 'scrape' },
  { method: 'GET', path: '/api/v1/releases', access: 'viewer' },
  { method: 'GET', path: '/api/v1/releases/{id}', access: 'viewer' },
  { method: 'GET', path: '/api/v1/workloads', access: 'viewer' },
  { method: 'GET', path: '/api/v1/workloads/{ns}/{kind}/{name}/releases', access: 'viewer' },
  { method: 'GET', path: '/api/v1/rollouts/active', access: 'viewer' },
  { method: 'GET', path: '/api/v1/rollouts/stuck', access: 'viewer' },
  { method: 'GET', path: '/api/v1/stats', access: 'viewer' },
  { method: 'GET', path: '/api/v1/clusters', access: 'viewer' },
  { method: 'GET', path: '/api/v1/canaries', access: 'viewer' },
  { method: 'GET', path: '/api/v1/canaries/{ns}/{name}', access: 'viewer' },
  { method: 'GET', path: '/api/v1/stream', access: 'viewer' },
  { method: 'POST', path: '/api/v1/workloads/{ns}/{kind}/{name}/undo', access: 'operator' },
  { method: 'POST', path: '/api/v1/workloads/{ns}/{kind}/{name}/pause', access: 'operator' },
  { method: 'POST', path: '/api/v1/workloads/{ns}/{kind}/{name}/resume', access: 'operator' },
  { method: 'POST', path: '/api/v1/workloads/{ns}/{kind}/{name}/restart', access: 'operator' },
  { method: 'POST', path: '/api/v1/migrations/{ns}/{name}', access: 'operator' },
  { method: 'GET', path: '/{dashboard files}', access: 'none' },
];

const pattern = (path: string): RegExp => new RegExp(`^${path.split('/').map((s) => (/^\{.*\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
const ROWS = ENDPOINTS.filter((e) => e.path !== '/{dashboard files}').map((e) => ({ ...e, re: pattern(e.path) }));
const RESERVED = /^\/(?:api\/|readyz$|metrics$|healthz$)/;

/** accessFor finds what a request needs: its table row, the dashboard rule, or the closed default. */
export function accessFor(method: string, path: string, dashboard: boolean): Access {
  const m = method === 'HEAD' ? 'GET' : method;
  const row = ROWS.find((r) => r.method === m && r.re.test(path));
  if (row) return row.access;
  if (m === 'GET' && dashboard && !RESERVED.test(path)) return 'none';
  return m === 'GET' ? 'viewer' : 'operator';
}

/**
 * exposure is the middleware that applies the rules, in order: a path with malformed
 * percent-encoding is 400; on a loopback bind a `Host` that is not a loopback name or address is
 * 403 (DNS rebinding); then the endpoint's access (ENDPOINTS) is enforced — reads only when the
 * policy requires tokens, operator actions always.
 */
export function exposure(auth: AuthPolicy, options: { readonly dashboard: boolean }) {
  return async (c: Context<ApiEnv>, next: Next): Promise<Response | void> => {
    const raw = new URL(c.req.url).pathname;
    try {
      decodeURIComponent(raw);
    } catch {
      return sendProblem(c, problem(400, 'INVALID', `malformed percent-encoding in path ${raw.slice(0, 200)}`, { hint: 'percent-encode reserved characters as %XX with two hex digits of UTF-8' }));
    }
    if (auth.loopbackOnly) {
      const host = c.req.header('host') ?? new URL(c.req.url).host;
      if (!isLoopbackHostHeader(host))
        return sendProblem(c, problem(403, 'FORBIDDEN', `Host "${host.slice(0, 100)}" is not a loopback name or address; this API listens on loopback only`, { hint: 'use http://127.0.0.1:PORT or http://localhost:PORT, or listen beyond loopback with tokens' }));
    }
    const access = accessFor(c.req.method, c.req.path, options.dashboard);
    const denied = access === 'operator' ? requireRole(c, 'operator') : access === 'none' || !auth.readsNeedToken ? null : requireRole(c, access === 'scrape' ? 'scrape-or-viewer' : 'viewer');
    if (denied) return denied;
    await next();
  };
}
