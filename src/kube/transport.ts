import { Agent, fetch, type Dispatcher, type Response } from 'undici';
import { TrackerError } from '../lib/errors.ts';
import type { ClusterAccess, Credentials } from './kubeconfig.ts';

/**
 * Transport sends one HTTP request to the API server of a ClusterAccess, with its TLS settings and
 * credentials (refreshed per request: exec plugins and rotated tokens). It does not interpret the
 * status: callers map non-2xx answers (see http-errors.ts). Each Transport has its own connection pool
 * (one per client certificate), reused across its requests and shared with no other context.
 */
export interface Transport {
  readonly server: string;
  send(method: string, url: URL, headers: Readonly<Record<string, string>>, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<Response>;
}

/** createTransport builds the Transport of one context. No I/O until the first request. */
export function createTransport(access: ClusterAccess): Transport {
  const agents = new Map<string, Dispatcher>();
  const plain = access.server.startsWith('https:') ? undefined : new Agent();
  const dispatcherFor = (creds: Credentials): Dispatcher => {
    if (plain !== undefined) return plain;
    const cert = creds.cert ?? access.tls.cert;
    const key = creds.key ?? access.tls.key;
    const id = `${cert ?? ''}\u0000${key ?? ''}`;
    let agent = agents.get(id);
    if (agent === undefined) {
      agent = new Agent({
        connect: {
          rejectUnauthorized: !access.tls.insecureSkipVerify,
          ...(access.tls.ca === undefined ? {} : { ca: access.tls.ca }),
          ...(cert === undefined ? {} : { cert }),
          ...(key === undefined ? {} : { key }),
          ...(access.tls.serverName === undefined ? {} : { servername: access.tls.serverName }),
        },
      });
      agents.set(id, agent);
    }
    return agent;
  };
  return {
    server: access.server,
    async send(method, url, headers, body, signal) {
      let creds: Credentials;
      try {
        creds = await access.credentials();
      } catch (cause) {
        if (cause instanceof TrackerError) throw cause;
        throw new TrackerError('KUBE_UNAUTHORIZED', `cannot authenticate to ${access.server}: ${String(cause)}`, {
          subject: access.server,
          hint: `check the user entry of context ${access.contextName} in ${access.source} (exec plugin, token, client certificate)`,
          cause,
        });
      }
      const dispatcher = dispatcherFor(creds);
      const init = { method, headers: { ...headers, ...creds.headers }, signal, ...(body === undefined ? {} : { body }) };
      return fetch(url, { ...init, dispatcher });
    },
  };
}
