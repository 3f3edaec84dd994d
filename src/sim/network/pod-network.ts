import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { KubeObject } from '../../kube/types.ts';
import type { SimContext } from '../core/context.ts';
import { int, record, records, text } from '../core/fields.ts';
import { PodApp } from './pod-app.ts';

/**
 * The pod network: every pod that declares container ports listens on its `status.podIP` (a loopback
 * address, core/addresses.ts) and each declared TCP port while that container is running, serving a
 * PodApp — and stops listening when the container stops (crash, termination after the grace period,
 * deletion). Readiness does not matter here: a pod that is not Ready still answers whoever connects
 * directly; Services stop sending it traffic (service-proxy.ts reads EndpointSlices). A terminating
 * pod keeps answering until its containers stop, and a closing listener finishes requests in flight.
 * An address already taken on this machine (another simulator) is reported once and skipped.
 *
 * Each listening pod port costs one file descriptor (and about 2 KB of heap, 8 KB of RSS: `npm run
 * bench -- pod-network`). The network listens for at most the process's open-file limit less a reserve
 * for the API server's own connections (LISTENER_RESERVE); pods beyond that budget keep their IP but
 * do not answer, and one warning says how many and what to raise. Pods without container ports never
 * listen, so large simulated clusters for the tracker (no traffic) cost no sockets.
 */

/** File descriptors kept free for the API server, watches and clients when the pod network is large. */
export const LISTENER_RESERVE = 1024;

/** openFileLimit is the soft RLIMIT_NOFILE of this process (Linux /proc/self/limits), or 1024 where it cannot be read. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft) || 1024;
  } catch {
    return 1024;
  }
}

interface PodListeners {
  readonly ip: string;
  /** `port` → server, for the ports whose container runs. */
  readonly servers: Map<number, Server>;
  readonly apps: Map<string, PodApp>;
}

/** runningPorts lists the TCP ports of the pod's containers that are running now, with their image. */
export function runningPorts(pod: KubeObject): { readonly port: number; readonly container: string; readonly image: string }[] {
  const status = record(pod.status);
  if (text(status.phase) !== 'Running' || text(status.podIP) === undefined) return [];
  const running = new Set(records(status.containerStatuses).filter((c) => record(c.state).running !== undefined).map((c) => text(c.name)));
  const out: { port: number; container: string; image: string }[] = [];
  for (const c of records(record(pod.spec).containers)) {
    const name = text(c.name) ?? '';
    if (!running.has(name)) continue;
    for (const p of records(c.ports)) {
      const port = int(p.containerPort);
      if (port !== undefined && (text(p.protocol) ?? 'TCP') === 'TCP') out.push({ port, container: name, image: text(c.image) ?? '' });
    }
  }
  return out;
}

/** startPodNetwork runs the pod network of a simulated cluster; the returned function closes every listener. */
export function startPodNetwork(ctx: SimContext, log: (message: string) => void = () => {}, budget = openFileLimit() - LISTENER_RESERVE): () => void {
  const pods = new Map<string, PodListeners>();
  const warned = new Set<string>();
  let listening = 0;
  let overBudget = 0;

  const close = (uid: string, port?: number): void => {
    const l = pods.get(uid);
    if (!l) return;
    for (const [p, server] of l.servers) {
      if (port !== undefined && p !== port) continue;
      server.close();
      l.servers.delete(p);
      listening--;
    }
    if (l.servers.size === 0 && port === undefined) pods.delete(uid);
  };

  const sync = (pod: KubeObject, deleted: boolean): void => {
    const uid = pod.metadata.uid ?? '';
    const ip = text(record(pod.status).podIP);
    const wanted = deleted || ip === undefined ? [] : runningPorts(pod);
    let l = pods.get(uid);
    if (l && l.ip !== ip) {
      close(uid);
      l = undefined;
    }
    const keep = new Set(wanted.map((w) => w.port));
    if (l) for (const port of [...l.servers.keys()]) if (!keep.has(port)) close(uid, port);
    if (wanted.length === 0 || ip === undefined) {
      if (l && l.servers.size === 0) pods.delete(uid);
      return;
    }
    if (!l) {
      l = { ip, servers: new Map(), apps: new Map() };
      pods.set(uid, l);
    }
    const listeners = l;
    for (const w of wanted) {
      if (listeners.servers.has(w.port)) continue;
      if (listening >= budget) {
        if (overBudget++ % 1000 === 0) log(`pod network: ${overBudget} pod port(s) not listening — ${listening} listeners use the open-file budget (ulimit -n ${budget + LISTENER_RESERVE}, ${LISTENER_RESERVE} kept for the API server); raise ulimit -n to serve more pods`);
        continue;
      }
      let app = listeners.apps.get(w.container);
      if (!app) {
        const b = ctx.behaviour.imageBehaviour(w.image);
        app = new PodApp(pod.metadata.name ?? '', { errorPercent: b.errorPercent, extraLatencyMs: b.extraLatencyMs });
        listeners.apps.set(w.container, app);
      }
      const served = app;
      const server = createServer((req, res) => served.handle(req, res));
      server.keepAliveTimeout = 5_000;
      server.on('error', (e: NodeJS.ErrnoException) => {
        if (listeners.servers.delete(w.port)) listening--;
        const key = `${ip}:${w.port}`;
        if (!warned.has(key)) log(`pod ${pod.metadata.namespace}/${pod.metadata.name}: cannot listen on ${key}: ${e.code ?? e.message}`);
        warned.add(key);
      });
      server.listen(w.port, ip);
      listeners.servers.set(w.port, server);
      listening++;
    }
  };

  const unsubscribe = ctx.store.subscribe('pods', (change) => sync(change.object, change.type === 'DELETED'));
  for (const pod of ctx.store.list('pods')) sync(pod, false);
  return () => {
    unsubscribe();
    for (const uid of [...pods.keys()]) close(uid);
  };
}
