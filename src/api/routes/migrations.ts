import type { Hono } from 'hono';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { problem, problemFromError } from '../problem.ts';
import { parseOrProblem, parseQuery, readJsonBody, sendProblem, type ApiEnv } from '../http.ts';
import { noParams } from '../schemas.ts';

const label = z.string().max(317);
/** migrationBody validates `POST /api/v1/migrations/{ns}/{name}` (the CLI's flags of migrate-selector). */
const migrationBody = z
  .object({
    addLabel: z.array(label).max(20).default([]),
    removeLabel: z.array(label).max(20).default([]),
    setSelector: z.string().max(2000).optional(),
    minReady: z.string().max(8).optional(),
    force: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
const migrationPath = z.object({
  ns: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name').max(63),
  name: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes object name').max(253),
});

const STATUS: Readonly<Record<string, 200 | 202 | 404 | 409>> = { planned: 200, unchanged: 200, started: 202, 'not-found': 404, blocked: 409 };

/**
 * registerMigrationRoutes adds `POST /api/v1/migrations/{ns}/{name}`: start `migrate-selector` for a
 * Deployment (operator token, see exposure.ts; the body is read from the stream and validated
 * before anything acts). The server runs the pre-flight, writes the backup and the migration
 * record, answers 202 with the plan, and its leader drives the migration to the end (resumable; the
 * record on the cluster is the source of truth). 200 for a dry run or nothing to do, 409 when the
 * pre-flight stops it (the body names the object and the fix), 404 for a missing Deployment.
 * Recorded in the audit trail.
 */
export function registerMigrationRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.post('/api/v1/migrations/:ns/:name', async (c) => {
    const p = parseOrProblem(c, migrationPath, c.req.param());
    if (!p.ok) return p.response;
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    const raw = await readJsonBody(c);
    if (!raw.ok) return raw.response;
    const body = parseOrProblem(c, migrationBody, raw.value);
    if (!body.ok) return body.response;
    if (!deps.migrations) return sendProblem(c, problem(503, 'KUBE_UNAVAILABLE', 'selector migrations are not available on this server', { hint: 'start rollscope serve with a kubeconfig that can write Deployments', instance: c.req.path }));
    const who = c.get('principal')?.subject ?? 'unknown';
    const workload = { cluster: deps.cluster, namespace: p.value.ns, kind: 'Deployment' as const, name: p.value.name };
    try {
      // A started migration is recorded by the starter (who, the original with its template redacted, the backups).
      const outcome = await deps.migrations.start(p.value.ns, p.value.name, body.value, who);
      return c.json(outcome, STATUS[outcome.result] ?? 200);
    } catch (e) {
      const p2 = problemFromError(e, c.req.path);
      await deps.ledger.recordAction({ who, action: 'migrate-selector', workload, at: deps.clock.now(), result: 'error', detail: { error: p2.detail, ...body.value } }).catch(() => undefined);
      return sendProblem(c, p2, e);
    }
  });
}
