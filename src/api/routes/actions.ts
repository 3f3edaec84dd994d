import type { Hono } from 'hono';
import type { ApiDeps, OperatorActionName } from '../deps.ts';
import { problem, problemFromError } from '../problem.ts';
import { actionBody, workloadPath } from '../schemas.ts';
import { parseOrProblem, requireRole, sendProblem, type ApiEnv } from '../server.ts';

const ACTIONS: readonly OperatorActionName[] = ['undo', 'pause', 'resume', 'restart'];

/**
 * registerActionRoutes adds `POST /api/v1/workloads/{ns}/{kind}/{name}/{undo|pause|resume|restart}`.
 * Each needs an operator token, and is recorded in the ledger's audit trail with who asked and
 * how it ended, whether it succeeded or not.
 */
export function registerActionRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  for (const action of ACTIONS) {
    app.post(`/api/v1/workloads/:ns/:kind/:name/${action}`, async (c) => {
      const denied = requireRole(c, 'operator');
      if (denied) return denied;
      const p = parseOrProblem(c, workloadPath, c.req.param());
      if (!p.ok) return p.response;
      const raw: unknown = (c.req.header('content-length') ?? '0') === '0' ? {} : await c.req.json().catch(() => Symbol('invalid'));
      if (typeof raw === 'symbol') return sendProblem(c, problem(400, 'INVALID', 'request body is not valid JSON', { instance: c.req.path }));
      const body = parseOrProblem(c, actionBody, raw);
      if (!body.ok) return body.response;
      if (!deps.actions) return sendProblem(c, problem(503, 'KUBE_UNAVAILABLE', `operator actions are not available on this server`, { hint: 'start rollscope serve with a kubeconfig that can patch workloads', instance: c.req.path }));
      const who = c.get('principal')?.subject ?? 'unknown';
      const target = { namespace: p.value.ns, kind: p.value.kind, name: p.value.name };
      const workload = { cluster: deps.cluster, ...target };
      try {
        const message = await deps.actions.run(action, target, { who, ...(body.value.toRevision !== undefined ? { toRevision: body.value.toRevision } : {}) });
        const recorded = await deps.ledger.recordAction({ who, action, workload, at: deps.clock.now(), result: 'ok', detail: { message, ...body.value } });
        return c.json({ action, workload: target, message, actionId: recorded.id }, 200);
      } catch (e) {
        const p2 = problemFromError(e, c.req.path);
        await deps.ledger.recordAction({ who, action, workload, at: deps.clock.now(), result: 'error', detail: { error: p2.detail, ...body.value } }).catch(() => undefined);
        return sendProblem(c, p2);
      }
    });
  }
}
