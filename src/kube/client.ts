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
      throw httpFailure({ status: res.status, body, subject, retryAfter: res.headers.get('retry-after'), now: clock.now() });
    },
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
