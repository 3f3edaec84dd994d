import type { Context, Hono } from 'hono';
import type { ReleaseId } from '../../model/release.ts';
import { toReleaseView } from '../../model/view/release-view.ts';
import { toWorkloadView } from '../../model/view/workload-view.ts';
import { toClusterListView } from '../../model/view/cluster-view.ts';
import { toReleaseDetailView } from '../../model/view/release-detail-view.ts';
import type { ReleaseFilter } from '../../store/ledger.ts';
import { isStuck } from '../../store/stuck.ts';
import type { ApiDeps } from '../deps.ts';
import { problem } from '../problem.ts';
import { invalid, parseOrProblem, parseQuery, sendProblem, type ApiEnv } from '../http.ts';
import { clusterQuery, noParams, parseTime, releasesQuery, statsQuery, workloadPath, workloadsQuery } from '../schemas.ts';

/**
 * registerReadRoutes adds the read-only ledger endpoints. Every list takes `?cluster=NAME` (one
 * cluster of a ledger several trackers share); without it, lists span every cluster in the ledger.
 */
export function registerReadRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const badTime = (c: Context<ApiEnv>, name: string, value: string): Response =>
    invalid(c, [{ path: name, message: `"${value}" is neither an RFC 3339 time nor a duration like 2h or 7d` }]);

  app.get('/api/v1/releases', async (c) => {
    const q = parseQuery(c, releasesQuery);
    if (!q.ok) return q.response;
    const now = deps.clock.now();
    const since = q.value.since === undefined ? undefined : parseTime(q.value.since, now);
    if (q.value.since !== undefined && since === undefined) return badTime(c, 'since', q.value.since);
    const until = q.value.until === undefined ? undefined : parseTime(q.value.until, now);
    if (q.value.until !== undefined && until === undefined) return badTime(c, 'until', q.value.until);
    const filter: ReleaseFilter = {
      ...(q.value.cluster ? { cluster: q.value.cluster } : {}),
      ...(q.value.namespace?.length ? { namespaces: q.value.namespace } : {}),
      ...(q.value.kind ? { kind: q.value.kind } : {}),
      ...(q.value.name ? { name: q.value.name } : {}),
      ...(q.value.image ? { image: q.value.image } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(q.value.outcome?.length ? { outcomes: q.value.outcome } : {}),
      ...(q.value.trigger?.length ? { triggers: q.value.trigger } : {}),
      ...(q.value.cursor ? { cursor: q.value.cursor } : {}),
      ...(q.value.limit ? { limit: q.value.limit } : {}),
    };
    const page = await deps.ledger.queryReleases(filter);
    return c.json({ items: page.items.map(toReleaseView), nextCursor: page.nextCursor });
  });

  app.get('/api/v1/releases/:id', async (c) => {
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    const id = c.req.param('id');
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) return sendProblem(c, problem(400, 'INVALID', `invalid release id "${id.slice(0, 80)}"`, { instance: c.req.path }));
    const release = await deps.ledger.getRelease(id as ReleaseId);
    if (!release) return sendProblem(c, problem(404, 'NOT_FOUND', `release ${id} not found`, { hint: 'list releases with GET /api/v1/releases', instance: c.req.path }));
    const previous = release.previousReleaseId ? await deps.ledger.getRelease(release.previousReleaseId) : null;
    return c.json(toReleaseDetailView(release, previous, await isStuck(deps.ledger, release)));
  });

  app.get('/api/v1/workloads', async (c) => {
    const q = parseQuery(c, workloadsQuery);
    if (!q.ok) return q.response;
    const items = await deps.ledger.listWorkloads({
      ...(q.value.cluster ? { cluster: q.value.cluster } : {}),
      ...(q.value.namespace?.length ? { namespaces: q.value.namespace } : {}),
      ...(q.value.kind ? { kind: q.value.kind } : {}),
      ...(q.value.name ? { name: q.value.name } : {}),
      includeDeleted: q.value.includeDeleted === 'true',
    });
    return c.json({ items: items.map(toWorkloadView) });
  });

  app.get('/api/v1/workloads/:ns/:kind/:name/releases', async (c) => {
    const p = parseOrProblem(c, workloadPath, c.req.param());
    if (!p.ok) return p.response;
    const q = parseQuery(c, clusterQuery);
    if (!q.ok) return q.response;
    const page = await deps.ledger.queryReleases({ ...(q.value.cluster ? { cluster: q.value.cluster } : {}), namespaces: [p.value.ns], kind: p.value.kind, name: p.value.name, limit: 200 });
    return c.json({ items: page.items.map(toReleaseView), nextCursor: page.nextCursor });
  });

  app.get('/api/v1/rollouts/active', async (c) => {
    const q = parseQuery(c, clusterQuery);
    if (!q.ok) return q.response;
    const items = await deps.ledger.activeReleases(q.value.cluster);
    return c.json({ items: items.map(toReleaseView) });
  });

  // Failed rollouts nothing has superseded or fixed yet: the Live page keeps them in view with their diagnosis.
  app.get('/api/v1/rollouts/stuck', async (c) => {
    const q = parseQuery(c, clusterQuery);
    if (!q.ok) return q.response;
    const items = await deps.ledger.stuckReleases(q.value.cluster);
    return c.json({ items: items.map(toReleaseView) });
  });

  app.get('/api/v1/clusters', async (c) => {
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    const items = await deps.ledger.listWorkloads({ includeDeleted: true });
    return c.json(toClusterListView(deps.cluster, items.map((w) => w.workload.cluster)));
  });

  app.get('/api/v1/stats', async (c) => {
    const q = parseQuery(c, statsQuery);
    if (!q.ok) return q.response;
    // Relative times resolve against the end of the current second (so `until=0s` still includes
    // what started just now), and dashboards polling the same report within that second ask
    // identical queries, which the ledger answers with one computation (store/stats-thread.ts).
    const now = Math.ceil(deps.clock.now() / 1000) * 1000;
    const since = parseTime(q.value.since ?? '7d', now);
    if (since === undefined) return badTime(c, 'since', q.value.since ?? '');
    const until = parseTime(q.value.until ?? '0s', now);
    if (until === undefined) return badTime(c, 'until', q.value.until ?? '');
    if (until <= since) return invalid(c, [{ path: 'until', message: 'must be after since' }]);
    const report = await deps.ledger.stats({ since, until, ...(q.value.cluster ? { cluster: q.value.cluster } : {}), ...(q.value.namespace?.length ? { namespaces: q.value.namespace } : {}), groupBy: q.value.groupBy ?? 'namespace' });
    return c.json(report);
  });
}

