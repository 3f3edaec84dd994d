import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrackerError } from '../lib/errors.ts';
import type { Liveness, Readiness } from './deps.ts';
import { parseListen } from './listen.ts';

/**
 * The health-probe listener (`serve --health-probe-bind-address`), for the kubelet's probes: the
 * kubelet cannot present a bearer token, and with tokens required every API endpoint but /healthz
 * answers 401 (api/exposure.ts). This second listener — the convention of controller-runtime's
 * managers, whose probes live on their own port (`:8081` by kubebuilder's default) — answers only
 * `GET /healthz` (liveness: 500 once a controller has stopped on its own, so the kubelet restarts
 * the process) and `GET /readyz` (the tracker's readiness: synced, no watch down past the
 * threshold), each as a bare `ok` / `unhealthy` / `not ready` with no detail, so it exposes
 * nothing the token-protected `/readyz` would not; everything else is 404. No token, by design.
 */
export interface ProbeServer {
  readonly url: string;
  close(): Promise<void>;
}

/** PROBE_PATHS are the only paths the probe listener serves (the exposure table lists them). */
export const PROBE_PATHS = ['/healthz', '/readyz'] as const;

/** startProbeServer listens on `listen` (`HOST:PORT`, port 0 = any free port) and resolves once listening. */
export async function startProbeServer(listen: string, readiness: Readiness, liveness?: Liveness): Promise<ProbeServer> {
  const { host, port } = parseListen(listen, '--health-probe-bind-address', '0.0.0.0:8081');
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string): void => {
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return (liveness?.failed().length ?? 0) === 0 ? send(200, 'ok\n') : send(500, 'unhealthy\n');
    if (path === '/readyz') return readiness.isReady() ? send(200, 'ok\n') : send(503, 'not ready\n');
    send(404, 'the probe listener serves only /healthz and /readyz\n');
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new TrackerError('USAGE', `cannot listen on ${listen} for health probes: ${e.code ?? e.message}`, { subject: 'serve --health-probe-bind-address', hint: 'pick another address or port', cause: e })),
    );
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
