// rawHttp sends one HTTP/1.1 request with node:http, so a test controls exactly what goes on the
// wire: the Host header, a path that fetch() would normalise (`/%`), and a chunked body.
import { request } from 'node:http';

/** RawRequest describes one request; `chunks` are written one by one with Transfer-Encoding: chunked. */
export interface RawRequest {
  readonly port: number;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Body written in these pieces, chunked (no Content-Length). */
  readonly chunks?: readonly string[];
  /** Body sent with a Content-Length. */
  readonly body?: string;
  /** Resolve as soon as the headers arrive and destroy the connection (for streams). */
  readonly headersOnly?: boolean;
}

/** RawResponse is what came back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export function rawHttp(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    if (r.chunks !== undefined) headers['transfer-encoding'] = 'chunked';
    const req = request({ host: '127.0.0.1', port: r.port, method: r.method ?? 'GET', path: r.path, headers, setHost: !('host' in headers) && !('Host' in headers) }, (res) => {
      if (r.headersOnly) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' });
        res.destroy();
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (r.body !== undefined) req.end(r.body);
    else if (r.chunks !== undefined) {
      const pieces = [...r.chunks];
      const next = (): void => {
        const p = pieces.shift();
        if (p === undefined) req.end();
        else req.write(p, () => setImmediate(next));
      };
      next();
    } else req.end();
  });
}
