import { connect, createServer, type Server, type Socket } from 'node:net';
import type { KubeObject } from '../../kube/types.ts';
import type { SimContext } from '../core/context.ts';
import { int, record, records, text } from '../core/fields.ts';

/**
 * The service proxy — kube-proxy for the simulated cluster. For every Service with a loopback
 * ClusterIP it listens on `clusterIP:port` for each TCP port and forwards each *connection* to one
 * ready endpoint, round-robin (kube-proxy spreads connections, not requests: a client that keeps a
 * connection open keeps its pod). Endpoints come from the Service's EndpointSlices: only those with
 * `conditions.ready` receive traffic, so traffic share follows ready-replica share and a terminating
 * pod gets no new connections. With no ready endpoint the listener is closed, so a client's connect
 * is refused — what it sees on a real cluster (kube-proxy's REJECT rule). One difference remains, in
 * the instant the listener closes: a connection the kernel completed but the proxy had not yet
 * accepted is reset (ECONNRESET), where iptables would have refused it — a client connecting at
 * that moment sees a reset instead of a refusal.
 *
 * Contract for tests and tools: a Service's address on this machine is `spec.clusterIP` (127.96.0.0/11)
 * and its `ports[].port`; `curl http://<clusterIP>:<port>/` works while the simulator runs.
 */

interface Backend {
  readonly ip: string;
  readonly port: number;
}

interface PortProxy {
  readonly ip: string;
  readonly port: number;
  readonly name: string;
  server: Server | undefined;
  backends: Backend[];
  next: number;
  readonly sockets: Set<Socket>;
}

const isLoopback = (ip: string | undefined): ip is string => ip !== undefined && /^127\.\d+\.\d+\.\d+$/.test(ip);

/** readyBackends reads the ready endpoints for one Service port name from its EndpointSlices. */
export function readyBackends(slices: readonly KubeObject[], portName: string): Backend[] {
  const out: Backend[] = [];
  for (const slice of slices) {
    const sp = records((slice as KubeObject & { ports?: unknown }).ports).find((p) => (text(p.name) ?? '') === portName);
    const port = int(sp?.port);
    if (port === undefined) continue;
    for (const e of records((slice as KubeObject & { endpoints?: unknown }).endpoints)) {
      if (record(e.conditions).ready !== true) continue;
      for (const ip of (Array.isArray(e.addresses) ? e.addresses : []) as unknown[]) if (typeof ip === 'string') out.push({ ip, port });
    }
  }
  return out.sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
}

/** startServiceProxy runs the proxy for a simulated cluster; the returned function closes every listener and connection. */
export function startServiceProxy(ctx: SimContext, log: (message: string) => void = () => {}): () => void {
  const proxies = new Map<string, PortProxy>(); // `ns/name/port` → proxy
  const warned = new Set<string>();

  const stopListening = (p: PortProxy): void => {
    p.server?.close();
    p.server = undefined;
  };

  const listen = (p: PortProxy): void => {
    if (p.server !== undefined) return;
    const server = createServer((client) => {
      const backend = p.backends[p.next++ % Math.max(1, p.backends.length)];
      if (backend === undefined) {
        client.destroy();
        return;
      }
      const upstream = connect(backend.port, backend.ip);
      p.sockets.add(client).add(upstream);
      const done = (): void => {
        client.destroy();
        upstream.destroy();
        p.sockets.delete(client);
        p.sockets.delete(upstream);
      };
      client.on('error', done).on('close', done);
      upstream.on('error', done).on('close', done);
      client.pipe(upstream).pipe(client);
    });
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (p.server === server) p.server = undefined;
      const key = `${p.ip}:${p.port}`;
      if (!warned.has(key)) log(`service proxy: cannot listen on ${key}: ${e.code ?? e.message}`);
      warned.add(key);
    });
    server.listen(p.port, p.ip);
    p.server = server;
  };

  const sync = (namespace: string, name: string): void => {
    const svc = ctx.store.get('services', namespace, name);
    const ip = text(record(svc?.spec).clusterIP);
    const ports = svc && isLoopback(ip) ? records(record(svc.spec).ports).filter((p) => (text(p.protocol) ?? 'TCP') === 'TCP') : [];
    const slices = ctx.store.list('endpointslices.discovery.k8s.io', { namespace, labelSelector: `kubernetes.io/service-name=${name}` });
    const wanted = new Set<string>();
    for (const sp of ports) {
      const port = int(sp.port);
      if (port === undefined || ip === undefined) continue;
      const key = `${namespace}/${name}/${port}`;
      wanted.add(key);
      let p = proxies.get(key);
      if (p && p.ip !== ip) {
        stopListening(p);
        p = undefined;
      }
      if (!p) {
        p = { ip, port, name: text(sp.name) ?? '', server: undefined, backends: [], next: 0, sockets: new Set() };
        proxies.set(key, p);
      }
      p.backends = readyBackends(slices, p.name);
      if (p.backends.length > 0) listen(p);
      else stopListening(p);
    }
    for (const [key, p] of proxies)
      if (key.startsWith(`${namespace}/${name}/`) && !wanted.has(key)) {
        stopListening(p);
        proxies.delete(key);
      }
  };

  const unsubscribers = [
    ctx.store.subscribe('services', (c) => sync(c.object.metadata.namespace ?? '', c.object.metadata.name ?? '')),
    ctx.store.subscribe('endpointslices.discovery.k8s.io', (c) => {
      const svc = c.object.metadata.labels?.['kubernetes.io/service-name'];
      if (svc !== undefined) sync(c.object.metadata.namespace ?? '', svc);
    }),
  ];
  for (const s of ctx.store.list('services')) sync(s.metadata.namespace ?? '', s.metadata.name ?? '');
  return () => {
    for (const u of unsubscribers) u();
    for (const p of proxies.values()) {
      stopListening(p);
      for (const s of p.sockets) s.destroy();
    }
    proxies.clear();
  };
}
