import type { Hono } from 'hono';
import type { CanaryEntry } from '../../canary/ledger.ts';
import { promotionOf } from '../../model/canary-cause.ts';
import { toCanarySummaryView, toCanaryView } from '../../model/view/canary-view.ts';
import type { ApiDeps } from '../deps.ts';
import { parseOrProblem, parseQuery, sendProblem, type ApiEnv } from '../http.ts';
import { problem } from '../problem.ts';
import { canariesQuery, canaryQuery, objectPath } from '../schemas.ts';

/**
 * registerCanaryRoutes adds the canary reads (viewer, see exposure.ts), from the ledger:
 * - `GET /api/v1/canaries?namespace=&name=&state=&cluster=&limit=`: canaries newest first
 *   (CanarySummary items);
 * - `GET /api/v1/canaries/{ns}/{name}?id=&cluster=`: the newest canary of Deployment ns/name (or
 *   the one with `id`) with each step and each measurement (Canary), plus the id of the release
 *   that promoted it once the tracker has it.
 */
export function registerCanaryRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/api/v1/canaries', async (c) => {
    const q = parseQuery(c, canariesQuery);
    if (!q.ok) return q.response;
    const items = await deps.ledger.listCanaries({
      ...(q.value.cluster ? { cluster: q.value.cluster } : {}),
      ...(q.value.namespace?.length ? { namespaces: q.value.namespace } : {}),
      ...(q.value.name ? { name: q.value.name } : {}),
      ...(q.value.state?.length ? { states: q.value.state } : {}),
      ...(q.value.limit ? { limit: q.value.limit } : {}),
    });
    return c.json({ items: items.map(toCanarySummaryView) });
  });

  app.get('/api/v1/canaries/:ns/:name', async (c) => {
    const p = parseOrProblem(c, objectPath, c.req.param());
    if (!p.ok) return p.response;
    const q = parseQuery(c, canaryQuery);
    if (!q.ok) return q.response;
    const { ns, name } = p.value;
    const cluster = q.value.cluster;
    let entry: CanaryEntry | null | undefined;
    if (q.value.id !== undefined) {
      const found = await deps.ledger.listCanaries({ ...(cluster ? { cluster } : {}), namespaces: [ns], name, limit: 1000 });
      entry = found.find((e) => e.id === q.value.id);
    } else entry = (await deps.ledger.listCanaries({ ...(cluster ? { cluster } : {}), namespaces: [ns], name, limit: 1 }))[0];
    if (entry === undefined || entry === null)
      return sendProblem(c, problem(404, 'NOT_FOUND', `no canary${q.value.id ? ` ${q.value.id}` : ''} of deployment ${ns}/${name} in the ledger${cluster ? ` of cluster ${cluster}` : ''}`, { hint: 'list canaries with GET /api/v1/canaries; start one with rollscope canary deployment/NAME --image CONTAINER=IMAGE', instance: c.req.path }));
    const page = entry.outcome === 'promoted' ? await deps.ledger.queryReleases({ cluster: entry.cluster, namespaces: [ns], kind: 'Deployment', name, limit: 200 }) : null;
    // by the change-cause the promotion wrote (not by time: the canary's times are its driver's clock, the release's the tracker's)
    const promote = page?.items.find((r) => promotionOf(r.changeCause, r.images)?.id === entry.id);
    return c.json(toCanaryView(entry, promote?.id ?? null));
  });
}
