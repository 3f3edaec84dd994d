import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { TrackerError } from '../lib/errors.ts';
import type { ApiEnv } from './http.ts';

/** ListeningApi is a started API server. */
export interface ListeningApi {
  readonly url: string;
  readonly port: number;
  /** close stops accepting connections and ends open streams (SSE) so shutdown is prompt. */
  close(): Promise<void>;
}

/** parseListen reads `HOST:PORT` (`127.0.0.1:7420`, `[::1]:0`, `:7420` = 127.0.0.1). */
export function parseListen(listen: string, flag = '--listen', example = '127.0.0.1:7420'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new TrackerError('USAGE', `${flag} ${listen} is not HOST:PORT`, { hint: `e.g. ${flag} ${example} (port 0 picks a free port)` });
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** listenApi serves the app on host:port (port 0 = any free port) and resolves once listening. */
export async function listenApi(app: Hono<ApiEnv>, host: string, port: number): Promise<ListeningApi> {
  let server: ServerType | undefined;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve({ fetch: app.fetch, hostname: host, port }, (info) => resolve(info));
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new TrackerError('USAGE', `cannot listen on ${host}:${port}: ${e.code ?? e.message}`, { hint: e.code === 'EADDRINUSE' ? 'pick another port with --listen' : 'check the address', cause: e })),
    );
  });
  const s = server!;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        const srv = s as ServerType & { closeAllConnections?: () => void };
        srv.close(() => resolve());
        srv.closeAllConnections?.();
      }),
  };
}
