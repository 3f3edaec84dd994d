import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestAccounting } from '../accounting.ts';
import type { SimClock } from '../../core/clock.ts';
import type { ContainerLogs } from '../../core/container-logs.ts';
import type { UserInfo } from '../auth.ts';
import type { SimFaults, Verb } from '../faults.ts';
import type { SimFeatureGates } from '../feature-gates.ts';
import type { SimStorage } from '../storage.ts';
import type { ResourceRoute } from './route.ts';
import type { WatchHubs } from './watch-hub.ts';

/** ServerState is what every request handler of the simulated API server shares. */
export interface ServerState {
  readonly store: SimStorage;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  readonly accounting: RequestAccounting;
  readonly hubs: WatchHubs;
  /** Real milliseconds between watch BOOKMARKs (when the client allows them). */
  readonly bookmarkIntervalMs: number;
  /** Random source in [0, 1) for default watch timeouts. */
  readonly random: () => number;
  /** The nodes' container logs (`pods/log`). */
  readonly logs: ContainerLogs;
  /** The server's feature gates (`--feature-gates`). */
  readonly featureGates: SimFeatureGates;
}

/** ApiCall is one resource request being served. */
export interface ApiCall {
  readonly state: ServerState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: ResourceRoute;
  readonly query: URLSearchParams;
  readonly verb: Verb;
  /** The request body as text ('' if none). */
  readonly body: string;
  /** The request body as bytes (protobuf bodies are binary). */
  readonly bodyBytes: Buffer;
  /** Who sent it, when the server checks tokens (undefined: authentication is off). */
  readonly user?: UserInfo | undefined;
}
