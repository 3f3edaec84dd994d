import type * as NodeHttp from 'node:http';
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import type * as NodeHttps from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
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
 *
 * Compression, as Go's http.Transport does it for client-go and kubectl: every request asks
 * `Accept-Encoding: gzip` unless the caller sets Accept-Encoding itself or the kubeconfig cluster
 * sets `disable-compression: true` (clientcmd's Cluster.DisableCompression, kubectl's
 * `--disable-compression`). kube-apiserver gzips non-watch answers larger than 128 KiB
 * (APIResponseCompression; k8s.io/apiserver responsewriters/writers.go) and never a watch stream, so
 * asking on watches costs nothing and keeps one rule for every request. A gzip answer to a request
 * the transport asked for is decompressed as it streams (node:zlib), so `Response.body` and
 * takeNodeBody see the plain bytes, and Content-Encoding and Content-Length (of the compressed
 * bytes) are dropped from its headers, as Go drops them. A corrupt compressed body fails the body's
 * read with a MALFORMED_OBJECT TrackerError naming the request.
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
      const gzip = access.disableCompression !== true && !Object.keys(headers).some((h) => h.toLowerCase() === 'accept-encoding');
      const all: Record<string, string> = { 'User-Agent': 'rollscope', ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}), ...headers, ...creds.headers };
      if (body !== undefined) all['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      const modules = await (net ??= loadNet());
      const send = https ? modules.https.request : modules.http.request;
      return new Promise<Response>((resolve, reject) => {
        const req = send(url, { method, headers: all, agent: agentFor(modules, creds), signal }, (res: IncomingMessage) => resolve(toResponse(res, gzip ? `${method} ${url.href}` : undefined)));
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

/**
 * NodeBody is the node side of one Response made by toResponse: its web body is wired to the node
 * stream only at its first read, so until then the stream can be handed over whole (takeNodeBody).
 */
interface NodeBody {
  /** The body's bytes: the response stream, or its decompression. */
  readonly res: Readable;
  /** The web body has been read (pulled) or cancelled: the node stream is no longer whole. */
  used: boolean;
  /** takeNodeBody handed the node stream over: the web body must not be read. */
  taken: boolean;
  /** fail turns an error of the stream into the error a read rejects with. */
  readonly fail: (e: unknown) => unknown;
  /** Whether the body arrived gzip-compressed and, if so, its compressed bytes so far. */
  readonly wire: WireBytes;
}

/**
 * WireBytes tells how a response body crosses the wire: `compressed` (Content-Encoding gzip,
 * decompressed here) and, for a compressed body, `bytes` read off the socket so far (counted by the
 * pipe into the decompression). A plain body's wire bytes are the bytes its reader reads; `bytes` stays 0.
 */
export interface WireBytes {
  readonly compressed: boolean;
  readonly bytes: number;
}

const nodeBodies = new WeakMap<Response, NodeBody>();

/**
 * wireBytesOf tells how the body of a Response made by a Transport of this module crosses the
 * wire, live: a compressed body's `bytes` grow as it is read. Undefined for any other Response.
 * Example: a streamed watch the server gzips → { compressed: true, bytes: <compressed bytes so far> }.
 */
export function wireBytesOf(res: Response): WireBytes | undefined {
  return nodeBodies.get(res)?.wire;
}

/**
 * BodyChunks reads a response body chunk by chunk.
 * - `read` resolves with the next chunk, undefined after the last; it rejects if the body fails
 *   before its end (the connection broke, the request was aborted). One read at a time.
 * - `close` stops reading and releases the connection (a pending read resolves undefined); idempotent.
 */
export interface BodyChunks {
  read(): Promise<Uint8Array | undefined>;
  close(): void;
}

/**
 * takeNodeBody hands over the body of a Response made by a Transport of this module as the chunks
 * of the node stream it arrives on (node Buffers as read from the socket, no copy), for readers of
 * long streamed bodies (watches, large lists): the web-stream adapter behind `Response.body`
 * copies every chunk (Node's Readable.toWeb detaches it from the pool) and adds promises per
 * chunk. Returns undefined for any other Response (e.g. a test's own) and for one whose body was
 * already read or cancelled; the caller then reads `body` as usual. Once taken, reading the
 * Response's `body` fails, and the caller owns the chunks; the request's abort signal still ends
 * them (a pending or later read rejects), as it errors the web body.
 */
export function takeNodeBody(res: Response): BodyChunks | undefined {
  const b = nodeBodies.get(res);
  if (b === undefined || b.used || b.taken || res.bodyUsed) return undefined;
  b.taken = true;
  return new NodeChunks(b.res, b.fail);
}

/** QUEUED_CHUNKS is how many chunks NodeChunks holds before it pauses the socket (back-pressure). */
const QUEUED_CHUNKS = 8;

/** NodeChunks is BodyChunks over a node stream in flowing mode (see takeNodeBody). */
class NodeChunks implements BodyChunks {
  readonly #stream: Readable;
  readonly #queue: Uint8Array[] = [];
  #ended = false;
  #error: unknown = undefined;
  #failed = false;
  #closed = false;
  #wake: (() => void) | undefined = undefined;

  readonly #describe: (e: unknown) => unknown;

  constructor(stream: Readable, describe: (e: unknown) => unknown) {
    this.#stream = stream;
    this.#describe = describe;
    stream.on('data', (chunk: Buffer) => {
      // A plain Uint8Array view of the same bytes: views cut from it (frames) are plain views too,
      // cheaper to make than Buffer views.
      this.#queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (this.#queue.length >= QUEUED_CHUNKS) stream.pause();
      this.#notify();
    });
    stream.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    stream.on('error', (e: unknown) => this.#fail(e));
    // A body cut off without an error event (destroyed before its end) still fails the read.
    stream.on('close', () => {
      if (!this.#ended) this.#fail(new Error('the response body ended before it was complete'));
    });
  }

  #fail(e: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = this.#describe(e);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      const chunk = this.#queue.shift();
      if (chunk !== undefined) {
        if (this.#queue.length === 0 && this.#stream.isPaused()) this.#stream.resume();
        return chunk;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#notify();
    if (!this.#ended) this.#stream.destroy();
  }
}

/**
 * toResponse wraps a node response as a fetch Response whose body streams the node stream. With
 * `request` (`GET https://…`, the request that asked for gzip), a `Content-Encoding: gzip` body is
 * decompressed as it arrives (see Transport).
 */
function toResponse(res: IncomingMessage, request: string | undefined): Response {
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
  const gzip = request !== undefined && headers.get('content-encoding')?.trim().toLowerCase() === 'gzip';
  const wire = { compressed: gzip, bytes: 0 };
  let stream: Readable = res;
  let fail = (e: unknown): unknown => e;
  if (gzip) {
    headers.delete('content-encoding');
    headers.delete('content-length');
    // pipeline ends the pair together: a broken connection fails the decompression's reads, and a
    // decompression that fails or is closed (destroyed) closes the connection.
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    pipeline(res, gunzip, () => {});
    res.on('data', (c: Buffer) => void (wire.bytes += c.length)); // beside the pipe, which already reads res
    stream = gunzip;
    fail = (e) => corruptGzip(e, request);
  }
  const state: NodeBody = { res: stream, used: false, taken: false, fail, wire };
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // highWaterMark 0: nothing is pulled before the first read, so the node stream stays whole until then.
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (state.taken) throw new Error('the response body was taken as a node stream (takeNodeBody)');
        state.used = true;
        reader ??= (Readable.toWeb(stream) as ReadableStream<Uint8Array>).getReader();
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (e) {
          throw fail(e);
        }
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel(reason) {
        if (state.taken) return;
        state.used = true;
        if (reader !== undefined) await reader.cancel(reason);
        else stream.destroy();
      },
    },
    { highWaterMark: 0 },
  );
  const response = new Response(body, { status, statusText: res.statusMessage ?? '', headers });
  nodeBodies.set(response, state);
  return response;
}

/**
 * corruptGzip names the request whose gzip body node:zlib could not decompress (its errors carry
 * a `Z_…` code: a bad header, a bad checksum, a body cut off inside the compressed stream); other
 * errors (the connection broke, the request was aborted) pass unchanged.
 */
function corruptGzip(e: unknown, request: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return e;
  // Readable.toWeb hands the web reader a copy with the code and an empty message, the original as its cause.
  const zlib = e instanceof Error && e.message === '' && e.cause instanceof Error ? e.cause : e;
  return new TrackerError('MALFORMED_OBJECT', `${request}: the gzip-compressed response body is corrupt (${zlib instanceof Error ? zlib.message : String(zlib)})`, {
    subject: request,
    hint: 'the request is retried; if this repeats, something between here and the API server (a proxy) alters compressed bodies: set disable-compression: true on the kubeconfig cluster to ask for plain bodies, and compare with kubectl get --raw',
    cause: e,
  });
}
