import { createApi } from '../api/server.ts';
import { authPolicy, isLoopback, type TokenSpec } from '../api/auth.ts';
import { LiveBus } from '../api/bus.ts';
import { listenApi, parseListen } from '../api/listen.ts';
import type { Readiness } from '../api/deps.ts';
import { RolloutMetrics } from '../export/metrics/registry.ts';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { LedgerStore } from '../store/ledger.ts';
import type { FileConfig } from './config.ts';
import { dashboardDir } from './dashboard-dir.ts';

/** ApiOnlyOptions are the settings of `rollscope serve --api-only`. */
export interface ApiOnlyOptions {
  /** The cluster label of this server (`/api/v1/clusters` names it `current`; nothing is watched). */
  readonly cluster: string;
  readonly listen: string;
  readonly ledger: LedgerStore;
  readonly config: FileConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** RunningApi is a started API-only server. */
export interface RunningApi {
  readonly url: string;
  /** stop closes the API (the caller closes the ledger). */
  stop(): Promise<void>;
}

/**
 * startApiOnly is the composition root of `rollscope serve --api-only`: the HTTP API, `/metrics`
 * and the dashboard over a shared ledger, with no Kubernetes access at all — no watch, no leader
 * election, no controllers, no operator actions (they answer 503: the trackers act on their own
 * clusters). Scale it out behind a load balancer for readers; the trackers (`serve`, one or an HA
 * pair per cluster) write the ledger. `/readyz` is ready as soon as it listens (`apiOnly: true`).
 * Refuses to listen beyond loopback without tokens, as `serve` does.
 */
export async function startApiOnly(o: ApiOnlyOptions): Promise<RunningApi> {
  const clock = o.clock ?? realClock;
  const { host, port } = parseListen(o.listen);
  const tokens = [...(o.config.tokens ?? [])] as TokenSpec[];
  if (!isLoopback(host) && tokens.length === 0)
    throw new TrackerError('CONFIG_INVALID', `refusing to listen on ${host} without tokens: the API would be open to the network`, { hint: 'add tokens (viewer/operator) to the config file, or listen on 127.0.0.1' });
  const metrics = new RolloutMetrics({ cluster: o.cluster, perWorkloadLabels: o.config.metrics?.perWorkloadLabels ?? false });
  metrics.leadership(() => false);
  const readiness: Readiness = { isReady: () => true, detail: () => ({ apiOnly: true, leader: false }) };
  const dir = dashboardDir();
  const app = createApi({ ledger: o.ledger, bus: new LiveBus(), logger: o.logger.child({ component: 'api' }), auth: authPolicy({ host, tokens }), clock, cluster: o.cluster, readiness, metrics, ...(dir ? { dashboardDir: dir } : {}) });
  const api = await listenApi(app, host, port);
  o.logger.info('rollscope serve --api-only started', { url: api.url, dashboard: dir !== undefined });
  return {
    url: api.url,
    async stop() {
      await api.close();
      o.logger.info('rollscope serve --api-only stopped');
    },
  };
}
