import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { authorize, forbidden, impersonated, type SimAuth } from './auth.ts';
import type { ServingCerts } from './certs.ts';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestAccounting } from './accounting.ts';
import { failureStatus, methodNotAllowed, SimApiError } from '../core/api-error.ts';
import type { SimClock } from '../core/clock.ts';
import { ContainerLogs } from '../core/container-logs.ts';
import { SimFaults, type Rejection, type Verb } from './faults.ts';
import { readBody } from './http/body.ts';
import { queryBool } from './http/query.ts';
import type { ApiCall, ServerState } from './http/context.ts';
import { discoveryDocument } from './http/discovery.ts';
import { podTargets, PROMETHEUS_SD_PATH } from './http/prometheus-sd.ts';
import { serveGet, serveList } from './http/list-get.ts';
import { servePatch } from './http/patch.ts';
import { servePodLog } from './http/pod-log.ts';
import { serveAccessReview } from './http/access-review.ts';
import { sendError, writeJson } from './http/respond.ts';
import { routeOf, type ResourceRoute } from './http/route.ts';
import { WatchHubs } from './http/watch-hub.ts';
import { serveWatch } from './http/watch.ts';
import { serveCreate, serveDelete, serveDeleteCollection, serveUpdate } from './http/write.ts';
import type { SimStorage } from './storage.ts';
import { DEFAULT_FEATURE_GATES, type SimFeatureGates } from './feature-gates.ts';

/** ApiServerOptions configures the simulated API server. */
export interface ApiServerOptions {
  readonly store: SimStorage;
  readonly clock: SimClock;
  /** If unset, a fresh SimFaults (no faults). */
  readonly faults?: SimFaults;
  /** If unset, a fresh RequestAccounting. */
  readonly accounting?: RequestAccounting;
  /** Interface to listen on. If unset, 127.0.0.1. */
  readonly host?: string;
  /** Port. If unset, 0 (any free port). */
  readonly port?: number;
  /** Real ms between watch BOOKMARKs. If unset, 60 000 (the watch cache sends them about every minute). */
  readonly bookmarkIntervalMs?: number;
  /** Serve HTTPS with these certificates. If unset, plain HTTP. */
  readonly tls?: ServingCerts;
  /** Check bearer tokens and RBAC (401/403 as kube-apiserver answers). If unset, every request is allowed. */
  readonly auth?: SimAuth;
  /** The simulator's own metrics (Prometheus text) served at /metrics, e.g. the load generator's counters. */
  readonly metrics?: () => string;
  /** Random source in [0, 1) (default watch timeouts). If unset, Math.random. */
  readonly random?: () => number;
  /** The nodes' container logs, served by `pods/NAME/log`. If unset, none (every container's log is empty). */
  readonly logs?: ContainerLogs;
  /** Feature gates over their defaults (sim/apiserver/feature-gates.ts). If unset, the defaults (alpha gates off). */
  readonly featureGates?: Partial<SimFeatureGates>;
}

/** ApiServer is a running simulated API server. */
export interface ApiServer {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly faults: SimFaults;
  readonly accounting: RequestAccounting;
  /** close stops listening and drops every open connection (watches included). */
  close(): Promise<void>;
}

// The plain-text body of a 429 (Go http.Error in the max-in-flight / APF filters).
const TOO_MANY_REQUESTS = 'Too many requests, please try again later.\n';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function verbOf(method: string, route: ResourceRoute, query: URLSearchParams): Verb {
  switch (method) {
    case 'GET': {
      if (route.name !== undefined) return 'get';
      return queryBool(query, 'watch') ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
    case 'PATCH':
      if (route.name === undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
      return method === 'PUT' ? 'update' : 'patch';
    case 'DELETE':
      return route.name === undefined ? 'deletecollection' : 'delete';
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

function rejectWith(res: ServerResponse, r: Rejection): number {
  if (r.kind === 'throttle') {
    res.writeHead(429, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Retry-After': String(r.retryAfterSeconds) });
    res.end(TOO_MANY_REQUESTS);
    return Buffer.byteLength(TOO_MANY_REQUESTS);
  }
  const reason = r.code === 503 ? 'ServiceUnavailable' : r.code === 504 ? 'Timeout' : 'InternalError';
  const message = r.code === 503 ? 'the server is currently unable to handle the request' : r.code === 504 ? 'the server was unable to return a response in the time allotted, but may still be processing the request' : 'Internal error occurred: injected fault';
  return writeJson(res, r.code, failureStatus({ code: r.code, reason, message }));
}

function dispatch(call: ApiCall): void {
  if (call.route.info.group === 'authorization.k8s.io') return serveAccessReview(call);
  switch (call.verb) {
    case 'get':
      return call.route.subresource === 'log' && call.route.info.key === 'pods' ? servePodLog(call) : serveGet(call);
    case 'list':
      return serveList(call);
    case 'watch':
      return serveWatch(call);
    case 'create':
      return serveCreate(call);
    case 'update':
      return serveUpdate(call);
    case 'patch':
      return servePatch(call);
    case 'delete':
      return serveDelete(call);
    case 'deletecollection':
      return serveDeleteCollection(call);
  }
}

function serveNonResource(state: ServerState, req: IncomingMessage, res: ServerResponse, path: string, address: string): void {
  state.accounting.countRequest('get', '');
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  const doc = req.method === 'GET' ? discoveryDocument(path, address, state.featureGates) : undefined;
  const bytes = doc === undefined
    ? writeJson(res, 404, failureStatus({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} }))
    : writeJson(res, 200, doc);
  state.accounting.countBytes('get', '', bytes);
}

/** OPEN_PATHS answer without a token (kube-apiserver's system:public-info-viewer role, bound to everyone). */
const OPEN_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse, address: string, auth: SimAuth | undefined, metrics?: () => string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const route = routeOf(url.pathname);
  const kubernetesPath = /^\/(api|apis|openapi)(\/|$)/.test(url.pathname);
  let user;
  if (auth !== undefined && kubernetesPath && !OPEN_PATHS.has(url.pathname)) {
    try {
      user = auth.authenticate(req.headers.authorization);
    } catch (e) {
      writeJson(res, 401, (e as SimApiError).status);
      return;
    }
    try {
      user = impersonated(state.store, user, req.headers);
    } catch (e) {
      writeJson(res, 403, (e as SimApiError).status);
      return;
    }
  }
  if (url.pathname === '/metrics' && req.method === 'GET' && metrics !== undefined) {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(metrics());
    return;
  }
  if (url.pathname === PROMETHEUS_SD_PATH && req.method === 'GET') {
    // Prometheus http_sd_configs (apiserver/http/prometheus-sd.ts): open like /healthz, as Prometheus
    // is configured with no API credentials.
    const body = JSON.stringify(podTargets(state.store.list('pods')));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
    return;
  }
  // Discovery paths with a trailing slash (`/apis/`, `/apis/apps/v1/`) are the same documents (the Python client asks so).
  if (route.kind === 'discovery') return serveNonResource(state, req, res, route.path, address);
  if (route.kind === 'unknown') return serveNonResource(state, { ...req, method: 'NONE' } as IncomingMessage, res, url.pathname, address);
  let verb: Verb;
  try {
    verb = verbOf(req.method ?? 'GET', route, url.searchParams);
  } catch (e) {
    writeJson(res, 405, (e as SimApiError).status);
    return;
  }
  if (user !== undefined) {
    const attrs = { verb, group: route.info.group, resource: route.info.resource, subresource: route.subresource, namespace: route.namespace, name: route.name };
    if (!authorize(state.store, user, attrs)) {
      writeJson(res, 403, forbidden(user, attrs).status);
      return;
    }
  }
  state.accounting.countRequest(verb, route.info.key);
  const decision = state.faults.decide(verb, route.info.key);
  if (decision.delayMs > 0) await sleep(decision.delayMs);
  if (decision.reject) {
    state.accounting.countBytes(verb, route.info.key, rejectWith(res, decision.reject));
    return;
  }
  const bodyBytes = WRITE_METHODS.has(req.method ?? '') ? await readBody(req) : Buffer.alloc(0);
  const call: ApiCall = { state, req, res, route, query: url.searchParams, verb, body: bodyBytes.toString('utf8'), bodyBytes, user };
  try {
    dispatch(call);
  } catch (e) {
    if (res.headersSent) res.destroy();
    else sendError(call, e);
  }
}

/**
 * startApiServer serves the simulated cluster over HTTP on 127.0.0.1 (port 0 unless given) in a
 * form the real kubectl and @kubernetes/client-node accept: discovery, CRUD, status/scale
 * subresources, selectors, paginated LIST, WATCH, four patch types, Status errors, injected
 * faults and request accounting. Resolves once listening.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const faults = options.faults ?? new SimFaults();
  const accounting = options.accounting ?? new RequestAccounting();
  const state: ServerState = {
    store: options.store,
    clock: options.clock,
    faults,
    accounting,
    hubs: new WatchHubs(options.store),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    random: options.random ?? Math.random,
    logs: options.logs ?? new ContainerLogs(),
    featureGates: { ...DEFAULT_FEATURE_GATES, ...options.featureGates },
  };
  let address = '';
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(state, req, res, address, options.auth, options.metrics).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const err = e instanceof SimApiError ? e : undefined;
      writeJson(res, err?.status.code ?? 500, err?.status ?? failureStatus({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${e instanceof Error ? e.message : String(e)}` }));
    });
  };
  const server = options.tls === undefined ? createServer(onRequest) : createTlsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, onRequest);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  address = `${host}:${a.port}`;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${address}`,
    faults,
    accounting,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
