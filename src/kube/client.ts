import { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { fetch, type Response } from 'undici';
import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import { httpFailure, type RequestSubject } from './http-errors.ts';

/** KubeConfigOptions chooses where the connection settings come from. */
export interface KubeConfigOptions {
  /** A kubeconfig file. If unset: $KUBECONFIG, ~/.kube/config, or the in-cluster service account, in client-node's order. */
  readonly kubeconfig?: string;
  /** The context to use. If unset, the file's current-context. */
  readonly context?: string;
}

/**
 * loadKubeConfig loads connection settings with client-node's KubeConfig (clusters, contexts,
 * users, auth plugins — exec, OIDC, cloud providers — TLS files and in-cluster config).
 * Throws a CONFIG_INVALID TrackerError naming the file or context when they cannot be used.
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new TrackerError('CONFIG_INVALID', `cannot read kubeconfig ${options.kubeconfig ?? '(default locations)'}: ${String(cause)}`, {
      subject: options.kubeconfig ?? 'kubeconfig',
      hint: 'pass --kubeconfig with a readable kubeconfig file, or run inside a cluster with a service account',
      cause,
    });
  }
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null)
      throw new TrackerError('CONFIG_INVALID', `context ${options.context} is not in the kubeconfig`, {
        subject: `context ${options.context}`,
        hint: `choose one of: ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}`,
      });
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null)
    throw new TrackerError('CONFIG_INVALID', 'the kubeconfig names no current cluster', {
      subject: options.kubeconfig ?? 'kubeconfig',
      hint: 'set current-context in the kubeconfig or pass --context',
    });
  return kc;
}

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
  get(path: string, query: Readonly<Record<string, string>>, subject: RequestSubject, signal: AbortSignal): Promise<Response>;
}

/** KubeHttpOptions configures createKubeHttp. */
export interface KubeHttpOptions {
  /** Clock for Retry-After dates. If unset, the real clock. */
  readonly clock?: Clock;
}

/**
 * createKubeHttp builds a KubeHttp over undici's fetch with the authentication headers and TLS
 * dispatcher that client-node computes for each request (`applySecurityAuthentication`; tokens
 * from exec/OIDC plugins are refreshed there, and the TLS agent is cached per cluster+user).
 * No I/O happens until the first request. Note: client-node refuses plain http:// servers unless
 * the cluster sets insecure-skip-tls-verify.
 */
export function createKubeHttp(kc: KubeConfig, options: KubeHttpOptions = {}): KubeHttp {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new TrackerError('CONFIG_INVALID', 'the kubeconfig names no current cluster', { hint: 'pass --context' });
  const server = cluster.server.replace(/\/+$/, '');
  const clock = options.clock ?? realClock;
  return {
    server,
    async get(path, query, subject, signal) {
      const url = new URL(server + path);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const ctx = new RequestContext(url.toString(), 'GET');
      try {
        await kc.applySecurityAuthentication(ctx);
      } catch (cause) {
        throw new TrackerError('KUBE_UNAUTHORIZED', `cannot authenticate to ${server}: ${String(cause)}`, {
          subject: server,
          hint: 'check the user entry of the kubeconfig context (exec plugin, token, client certificate)',
          cause,
        });
      }
      let res: Response;
      try {
        const dispatcher = ctx.getDispatcher();
        const headers = { ...ctx.getHeaders(), Accept: 'application/json' };
        res = await fetch(url, dispatcher === undefined ? { method: 'GET', headers, signal } : { method: 'GET', headers, dispatcher, signal });
      } catch (cause) {
        if (signal.aborted) throw signal.reason;
        throw connectionFailure(server, subject, cause);
      }
      if (res.ok) return res;
      const body = await res.text().catch(() => '');
      throw httpFailure({ status: res.status, body, subject, retryAfter: res.headers.get('retry-after'), now: clock.now() });
    },
  };
}

function connectionFailure(server: string, subject: RequestSubject, cause: unknown): TrackerError {
  const detail = cause instanceof Error ? `${cause.message}${cause.cause instanceof Error ? ` (${cause.cause.message})` : ''}` : String(cause);
  return new TrackerError('KUBE_UNAVAILABLE', `cannot reach the API server ${server} to ${subject.verb} ${subject.resource}: ${detail}`, {
    subject: server,
    hint: 'check that the cluster is up and the kubeconfig server address is reachable from here',
    cause,
  });
}
