// The simulated cluster, composed. Its parts, each a folder, depend downwards only
// (test/import-rules.test.ts enforces it):
//   core/        clock, context, events, selectors, quantities, the storage contract and API errors
//   apiserver/   storage with watch history, validation and defaults, garbage collection, the HTTP API
//                (apiserver/http/), patch formats (apiserver/patch/), request accounting and fault injection
//   node/        the scheduler and the kubelet (image behaviours, pod status, messages)
//   network/     pod addresses, Services and traffic (where present)
//   controllers/ Deployment, ReplicaSet, StatefulSet, DaemonSet and the rest, on a work queue
//   scenarios/   the scripted demo and the small scenarios
import { ContainerLogs } from './core/container-logs.ts';
import { writeFileSync } from 'node:fs';
import type { Instant } from '../lib/clock.ts';
import { RequestAccounting } from './apiserver/accounting.ts';
import { startApiServer } from './apiserver/apiserver.ts';
import type { SimFeatureGates } from './apiserver/feature-gates.ts';
import { defaultBehaviour } from './node/behaviour.ts';
import { CompressedClock, ScaledClock, type SimClock } from './core/clock.ts';
import type { SimBehaviour, SimContext } from './core/context.ts';
import { startControllers } from './controllers/index.ts';
import { createEventSink, type EventSinkOptions } from './core/events.ts';
import { SimFaults } from './apiserver/faults.ts';
import { createSimAuth, type SimAuth } from './apiserver/auth.ts';
import { generateServingCerts } from './apiserver/certs.ts';
import { kubeconfigYaml } from './apiserver/kubeconfig.ts';
import { randomAddressBlock } from './core/addresses.ts';
import { registerNodes } from './node/nodes.ts';
import { createSimStorage, type SimStorage } from './apiserver/storage.ts';
import { startLoad, type LoadTarget, type RunningLoad } from './network/load.ts';

export { CompressedClock, ManualClock, ScaledClock, type SimClock } from './core/clock.ts';
export { RequestAccounting } from './apiserver/accounting.ts';
export { SimFaults } from './apiserver/faults.ts';
export { SimStorage, createSimStorage } from './apiserver/storage.ts';
export { SimApiError, isSimApiError } from './core/api-error.ts';

/** SYSTEM_NAMESPACES exist in every cluster from the start. */
export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

/** KUBERNETES_SERVICE is the `default/kubernetes` Service every cluster has (the API server's ClusterIP). */
export const KUBERNETES_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
  spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP', sessionAffinity: 'None' },
} as const;

/** StartSimOptions configures an in-process simulated cluster. Every field is optional. */
export interface StartSimOptions {
  /** The clock (pass a ManualClock in tests and advance it). If unset, a ScaledClock at `speed`. */
  readonly clock?: SimClock;
  /** Simulated time per real time for the default ScaledClock. If unset, 1. */
  readonly speed?: number;
  /** Simulated start instant of the default ScaledClock. If unset, now. */
  readonly start?: Instant;
  /**
   * `scaled` (default): a ScaledClock, one consistent timeline running `speed`× (tests);
   * `wall`: a CompressedClock, timestamps on the wall clock and the world's delays compressed by
   * `speed` (what people watch: `rollscope demo` and `rollscope sim`).
   */
  readonly timeline?: 'scaled' | 'wall';
  /** Listen address. If unset, 127.0.0.1. */
  readonly host?: string;
  /** Port. If unset, 0 (any free port). */
  readonly port?: number;
  /** Node pool spec such as `3x4cpu8Gi` (ignored when `behaviour` is given). If unset, the default pool. */
  readonly nodes?: string;
  /** Image and node behaviour. If unset, defaultBehaviour({ nodes }). */
  readonly behaviour?: SimBehaviour;
  /** Random source in [0, 1) for uids, names and jitter. If unset, Math.random. */
  readonly random?: () => number;
  /** Run controllers, scheduler and kubelet. If unset, true (false = API server and storage only). */
  readonly controllers?: boolean;
  /** Real ms between watch BOOKMARKs. If unset, 60 000. */
  readonly bookmarkIntervalMs?: number;
  /** Changes kept per resource for watch resumption. If unset, 102 400. */
  readonly changeWindow?: number;
  readonly eventSink?: EventSinkOptions;
  /** Serve HTTPS with a CA and serving certificate made at start (written into the kubeconfig). If unset, plain HTTP. */
  readonly tls?: boolean;
  /** Check bearer tokens and RBAC like kube-apiserver (the kubeconfig gets an admin token). If unset, every request is allowed. */
  readonly auth?: boolean;
  /** The API server's feature gates over their defaults (apiserver/feature-gates.ts). If unset, the defaults (alpha gates off). */
  readonly featureGates?: Partial<SimFeatureGates>;
}

/** Sim is a running simulated cluster. */
export interface Sim {
  /** API server URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly store: SimStorage;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  readonly accounting: RequestAccounting;
  /** The context the controllers run on (for scenarios and tests). */
  readonly context: SimContext;
  /** The CA of an HTTPS simulator (PEM), for clients configured by hand (a pod's ca.crt). */
  readonly caPem: string | undefined;
  /** Tokens, when started with `auth`: the admin token and service-account tokens as pods get them. */
  readonly auth: SimAuth | undefined;
  /** addMetrics adds a source of Prometheus text to the simulator's own /metrics (e.g. the load generator). */
  addMetrics(source: () => string): void;
  /**
   * load drives steady traffic through Services (network/load.ts) until the simulator stops; its
   * outcome counts join the simulator's /metrics. Called again, it adds targets to the same generator.
   */
  load(targets: readonly LoadTarget[]): void;
  /** kubeconfigYaml renders a kubeconfig for kubectl and @kubernetes/client-node. */
  kubeconfigYaml(): string;
  /** writeKubeconfig writes that kubeconfig to `path` (mode 0600). */
  writeKubeconfig(path: string): void;
  /** stop stops the controllers and the API server (open watches are dropped). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * startSim starts the simulated cluster in-process: clock, storage (with the system namespaces and
 * the node pool), the HTTP API server on 127.0.0.1 (port 0 unless given), the event sink, and the
 * controllers, scheduler and kubelet. Resolves once the server is listening.
 */
export async function startSim(options: StartSimOptions = {}): Promise<Sim> {
  const clock =
    options.clock ??
    (options.timeline === 'wall'
      ? new CompressedClock({ speed: options.speed ?? 1 })
      : new ScaledClock({ speed: options.speed ?? 1, ...(options.start === undefined ? {} : { start: options.start }) }));
  const random = options.random ?? Math.random;
  const addressBlock = randomAddressBlock();
  const store = createSimStorage(clock, { random, addressBlock, ...(options.changeWindow === undefined ? {} : { changeWindow: options.changeWindow }) });
  for (const name of SYSTEM_NAMESPACES) store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  store.create('services', KUBERNETES_SERVICE);
  const behaviour = options.behaviour ?? defaultBehaviour(options.nodes === undefined ? {} : { nodes: options.nodes });
  const events = createEventSink(store, clock, options.eventSink ?? {});
  const logs = new ContainerLogs();
  const context: SimContext = { store, clock, behaviour, events, random, logs };
  registerNodes({ ...context, addressBlock });
  const faults = new SimFaults();
  const accounting = new RequestAccounting();
  const host = options.host ?? '127.0.0.1';
  const tls = options.tls === true ? generateServingCerts([...new Set([host, '127.0.0.1', '::1', 'localhost'])]) : undefined;
  const auth = options.auth === true ? createSimAuth(random) : undefined;
  const metricSources: (() => string)[] = [];
  const server = await startApiServer({
    metrics: () => metricSources.map((m) => m()).join(''),
    ...(tls === undefined ? {} : { tls }),
    ...(auth === undefined ? {} : { auth }),
    store,
    clock,
    faults,
    accounting,
    random,
    logs,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.bookmarkIntervalMs === undefined ? {} : { bookmarkIntervalMs: options.bookmarkIntervalMs }),
    ...(options.featureGates === undefined ? {} : { featureGates: options.featureGates }),
  });
  const stopControllers = options.controllers === false ? () => undefined : startControllers(context);
  let stopped: Promise<void> | undefined;
  let traffic: RunningLoad | undefined;
  const yaml = (): string => kubeconfigYaml({ server: server.url, ...(tls === undefined ? {} : { caPem: tls.caPem }), ...(auth === undefined ? {} : { token: auth.adminToken }) });
  return {
    url: server.url,
    store,
    clock,
    faults,
    accounting,
    context,
    caPem: tls?.caPem,
    auth,
    addMetrics: (source) => metricSources.push(source),
    load: (targets) => {
      if (traffic === undefined) {
        const started = startLoad(store, []);
        metricSources.push(() => started.metrics());
        traffic = started;
      }
      for (const t of targets) traffic.add(t);
    },
    kubeconfigYaml: yaml,
    writeKubeconfig: (path) => writeFileSync(path, yaml(), { mode: 0o600 }),
    stop: () => {
      stopped ??= (async () => {
        await traffic?.stop();
        stopControllers();
        await server.close();
      })();
      return stopped;
    },
  };
}
