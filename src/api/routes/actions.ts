import type { Hono } from 'hono';
import type { ApiDeps, OperatorActionName } from '../deps.ts';
import { parseOrProblem, parseQuery, readJsonBody, sendProblem, type ApiEnv } from '../http.ts';
import { problem, problemFromError } from '../problem.ts';
import { actionBodies, clusterQuery, workloadPath } from '../schemas.ts';

const ACTIONS: readonly OperatorActionName[] = ['undo', 'pause', 'resume', 'restart'];

/**
 * registerActionRoutes adds `POST /api/v1/workloads/{ns}/{kind}/{name}/{undo|pause|resume|restart}`.
 * Each needs an operator token (exposure.ts). Path, query and body are validated in full before
 * anything touches the cluster; the body is read from the stream (chunked or not). Every attempt
 * that passed validation is recorded in the ledger's audit trail with who asked, exactly what was
 * asked (the parsed body) and how it ended. A server acts on its own cluster only: `?cluster=NAME`
 * naming another cluster of a shared ledger is a 409 before anything is read or written.
 */
export function registerActionRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  for (const action of ACTIONS) {
    app.post(`/api/v1/workloads/:ns/:kind/:name/${action}`, async (c) => {
      const p = parseOrProblem(c, workloadPath, c.req.param());
      if (!p.ok) return p.response;
      const q = parseQuery(c, clusterQuery);
      if (!q.ok) return q.response;
      if (q.value.cluster !== undefined && q.value.cluster !== deps.cluster)
        return sendProblem(c, problem(409, 'CONFLICT', `this server acts on cluster ${deps.cluster}, not ${q.value.cluster}: ${action} of ${p.value.kind.toLowerCase()} ${p.value.ns}/${p.value.name} refused`, { hint: `send the request to the rollscope serving cluster ${q.value.cluster}`, instance: c.req.path }));
      const raw = await readJsonBody(c);
      if (!raw.ok) return raw.response;
      const body = parseOrProblem(c, actionBodies[action], raw.value);
      if (!body.ok) return body.response;
      const asked: { readonly toRevision?: number | undefined; readonly reason?: string | undefined } = body.value;
      if (!deps.actions) return sendProblem(c, problem(503, 'KUBE_UNAVAILABLE', `operator actions are not available on this server`, { hint: 'start rollscope serve with a kubeconfig that can patch workloads', instance: c.req.path }));
      const who = c.get('principal')?.subject ?? 'unknown';
      const target = { namespace: p.value.ns, kind: p.value.kind, name: p.value.name };
      const workload = { cluster: deps.cluster, ...target };
      try {
        const message = await deps.actions.run(action, target, { who, ...(asked.toRevision !== undefined ? { toRevision: asked.toRevision } : {}) });
        const recorded = await deps.ledger.recordAction({ who, action, workload, at: deps.clock.now(), result: 'ok', detail: { ...asked, message } });
        return c.json({ action, workload: target, ...asked, message, actionId: recorded.id }, 200);
      } catch (e) {
        const failed = problemFromError(e, c.req.path);
        await deps.ledger.recordAction({ who, action, workload, at: deps.clock.now(), result: 'error', detail: { ...asked, error: failed.detail } }).catch(() => undefined);
        return sendProblem(c, failed, e);
      }
    });
  }
}
