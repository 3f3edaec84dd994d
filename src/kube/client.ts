import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import { httpFailure, type RequestSubject } from './http-errors.ts';
import type { ClusterAccess } from './kubeconfig.ts';
import { createTransport, type Transport } from './transport.ts';

export { loadKubeConfig, type ClusterAccess, type KubeConfigOptions } from './kubeconfig.ts';

/**
 * KubeHttp sends GET requests to the API server of one kubeconfig context.
 * - Resolves only with a 2xx response; the caller owns (and must consume or cancel) its body.
 * - Every other status, and connection failures, reject with a TrackerError mapped by httpFailure
 *   (401, 403 with an RBAC hint, 404, 410, 429/5xx with Retry-After, connection refused).
 * - Aborting `signal` aborts the request and closes its connection; the promise rejects with the signal's reason.
 * - Asks for gzip and hands back the body decompressed (see Transport): a LIST over 128 KiB arrives
 *   compressed from kube-apiserver, a watch never does.
 */
export interface KubeHttp {
  /** The server URL, e.g. https://10.0.0.1:6443. */
  readonly server: string;
  /** The transport under `get`, for requests other than GET (see api-client.ts). */
  readonly transport: Transport;
  /** `accept` is the Accept header (if unset, application/json). */
  get(path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal, accept?: string): Promise<Response>;
}

/** KubeHttpOptions configures createKubeHttp. */
export interface KubeHttpOptions {
  /** Clock for Retry-After dates. If unset, the real clock. */
  readonly clock?: Clock;
}

/**
 * createKubeHttp builds a KubeHttp over the context's Transport (TLS settings and credentials from the
 * kubeconfig, refreshed per request). No I/O happens until the first request.
 */
export function createKubeHttp(access: ClusterAccess, options: KubeHttpOptions = {}): KubeHttp {
  const transport = createTransport(access);
  const server = access.server;
  const clock = options.clock ?? realClock;
  const discovery = discoveryCheck(access, transport);
  return {
    server,
    transport,
    async get(path, query, subject, signal, accept) {
      const url = new URL(server + path);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      let res: Response;
      try {
        res = await transport.send('GET', url, { Accept: accept ?? 'application/json' }, undefined, signal);
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        if (cause instanceof TrackerError) throw cause;
        throw connectionFailure(server, subject, cause);
      }
      if (res.ok) return res;
      const body = await res.text().catch(() => '');
      if (res.status === 404) {
        const unavailable = await discovery(signal);
        if (unavailable !== null) throw unavailable;
      }
      throw httpFailure({ status: res.status, body, subject, retryAfter: res.headers.get('retry-after'), now: clock.now() });
    },
  };
}

/**
 * probeDiscovery asks once whether the context's server is a Kubernetes API server at all (see
 * discoveryCheck): a KUBE_UNAVAILABLE TrackerError when it answers core discovery with a 404 or
 * something other than APIVersions, null when it is one or could not be asked (down, slow, 401…).
 * `rollscope serve` asks it at start, so a wrong server URL exits 5 instead of retrying forever.
 */
export function probeDiscovery(access: ClusterAccess, signal: AbortSignal): Promise<TrackerError | null> {
  return discoveryCheck(access, createTransport(access))(signal);
}

/**
 * discoveryCheck tells a missing object from a server that is no Kubernetes API server at all. On
 * a 404, `GET /api` (core discovery, which every kube-apiserver answers with an APIVersions object:
 * staging/src/k8s.io/apiserver/pkg/endpoints/discovery/legacy.go) decides: answered → the 404 is
 * about the object; 404 or anything but APIVersions JSON → KUBE_UNAVAILABLE (exit 5) naming the
 * URL, where kubectl says "the server could not find the requested resource" / "couldn't get
 * current server API group list". Resolves null when the server is fine or could not be asked
 * (then the original error stands). A good answer is remembered; a bad one is asked again next time.
 */
function discoveryCheck(access: ClusterAccess, transport: Transport): (signal: AbortSignal) => Promise<TrackerError | null> {
  let known = false;
  return async (signal) => {
    if (known) return null;
    let res: Response;
    let text: string;
    try {
      res = await transport.send('GET', new URL(`${access.server}/api`), { Accept: 'application/json' }, undefined, signal);
      text = await res.text();
    } catch {
      return null;
    }
    if (res.status === 401 || res.status === 403 || res.status === 429 || res.status >= 500) return null;
    let kind: unknown;
    try {
      kind = (JSON.parse(text) as { kind?: unknown } | null)?.kind;
    } catch {
      kind = undefined;
    }
    if (res.ok && kind === 'APIVersions') {
      known = true;
      return null;
    }
    return new TrackerError('KUBE_UNAVAILABLE', `API server unavailable: ${access.server} is not a Kubernetes API server — GET ${access.server}/api answered HTTP ${res.status}${res.ok ? ' without the API versions' : ''} (the server could not find the requested resource; cannot get the API group list)`, {
      subject: access.server,
      hint: `check the server URL (and any path after the host) of kubeconfig context ${access.contextName} (${access.source}): it must point at the Kubernetes API server, not a proxy or web page; test it with: kubectl --context ${access.contextName} version`,
    });
  };
}

/** connectionFailure is the KUBE_UNAVAILABLE error for a request that got no answer. */
export function connectionFailure(server: string, subject: RequestSubject, cause: unknown): TrackerError {
  const detail = cause instanceof Error ? `${cause.message}${cause.cause instanceof Error ? ` (${cause.cause.message})` : ''}` : String(cause);
  return new TrackerError('KUBE_UNAVAILABLE', `cannot reach the API server ${server} to ${subject.verb} ${subject.resource}: ${detail}`, {
    subject: server,
    hint: 'check that the cluster is up and the kubeconfig server address is reachable from here',
    cause,
  });
}
