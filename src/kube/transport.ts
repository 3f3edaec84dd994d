import type * as NodeHttp from 'node:http';
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import type * as NodeHttps from 'node:https';
import { Readable } from 'node:stream';
import { TrackerError } from '../lib/errors.ts';
import type { ClusterAccess, Credentials } from './kubeconfig.ts';

/**
 * Transport sends one HTTP request to the API server of a ClusterAccess, with its TLS settings and
 * credentials (refreshed per request: exec plugins and rotated tokens), and resolves with a standard
 * fetch `Response` once the status line and headers arrive (the body streams: watches read it as it
 * comes). It does not interpret the status: callers map non-2xx answers (see http-errors.ts).
 * Each Transport has its own keep-alive connection pool (one per client certificate), shared with no
 * other context. Built on node:http(s) rather than the undici package, and loaded at the first request
 * (importing node:http from ESM also evaluates Node's bundled undici): start-up time is paid by every
 * `rollscope wait` in a pipeline (bench/startup.bench.ts), and commands that never connect skip it.
 * Aborting `signal` aborts the request or the body stream; the promise rejects with the signal's reason.
 */
export interface Transport {
  readonly server: string;
  send(method: string, url: URL, headers: Readonly<Record<string, string>>, body: string | Uint8Array | undefined, signal: AbortSignal): Promise<Response>;
}

/** createTransport builds the Transport of one context. No I/O until the first request. */
export function createTransport(access: ClusterAccess): Transport {
  const https = access.server.startsWith('https:');
  const agents = new Map<string, HttpAgent>();
  let net: Promise<NodeNet> | undefined;
  const agentFor = ({ http, https: tls }: NodeNet, creds: Credentials): HttpAgent => {
    const cert = creds.cert ?? access.tls.cert;
    const key = creds.key ?? access.tls.key;
    const id = `${cert ?? ''}\u0000${key ?? ''}`;
    let agent = agents.get(id);
    if (agent === undefined) {
      agent = https
        ? new tls.Agent({
            keepAlive: true,
            rejectUnauthorized: !access.tls.insecureSkipVerify,
            ...(access.tls.ca === undefined ? {} : { ca: access.tls.ca }),
            ...(cert === undefined ? {} : { cert }),
            ...(key === undefined ? {} : { key }),
            ...(access.tls.serverName === undefined ? {} : { servername: access.tls.serverName }),
          })
        : new http.Agent({ keepAlive: true });
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
      signal.throwIfAborted();
      const all: Record<string, string> = { 'User-Agent': 'rollscope', ...headers, ...creds.headers };
      if (body !== undefined) all['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      const modules = await (net ??= loadNet());
      const send = https ? modules.https.request : modules.http.request;
      return new Promise<Response>((resolve, reject) => {
        const req = send(url, { method, headers: all, agent: agentFor(modules, creds), signal }, (res: IncomingMessage) => resolve(toResponse(res)));
        req.once('error', reject);
        req.end(body);
      });
    },
  };
}

interface NodeNet {
  readonly http: typeof NodeHttp;
  readonly https: typeof NodeHttps;
}

/**
 * loadNet takes node:http and node:https as built-in CommonJS modules: an ESM import of node:http
 * builds a facade that reads every export, including the lazy WebSocket getter that loads Node's
 * bundled undici (~35 ms of start-up measured); process.getBuiltinModule skips the facade.
 */
function loadNet(): Promise<NodeNet> {
  return Promise.resolve({ http: process.getBuiltinModule('node:http'), https: process.getBuiltinModule('node:https') });
}

/** NULL_BODY_STATUS are the statuses whose Response may not carry a body (fetch spec). */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** toResponse wraps a node response as a fetch Response whose body streams the node stream. */
function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const status = res.statusCode ?? 500;
  if (NULL_BODY_STATUS.has(status)) {
    res.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, statusText: res.statusMessage ?? '', headers });
}
