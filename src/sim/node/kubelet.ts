import type { KubeObject } from '../../kube/types.ts';
import { podCidrFor } from '../core/addresses.ts';
import type { SimContext } from '../core/context.ts';
import { record, records, text } from '../core/fields.ts';
import { startPodWorker } from './kubelet-pod.ts';
import type { PodWorker } from './kubelet-pod.ts';
import { isTerminal } from './pod-resources.ts';

interface NodeAgent {
  readonly hostIP: string;
  readonly images: Set<string>;
  readonly subnet: string;
  nextIP: number;
  /** Pod IPs handed out and not yet released (pods on loopback addresses must never share one). */
  readonly inUse: Set<string>;
}

/**
 * startKubelet runs one simulated kubelet per node: every pod bound to a node (`spec.nodeName`) gets
 * a pod worker (see `kubelet-pod.ts`) that drives its containers and status; each node keeps its own
 * image cache and pod IP range (from `spec.podCIDR`). Deletion requests (`deletionTimestamp`) and
 * container image changes are passed to the worker. Returns a function that stops every worker.
 */
export function startKubelet(ctx: SimContext): () => void {
  const { store } = ctx;
  const agents = new Map<string, NodeAgent>();
  const workers = new Map<string, PodWorker>();
  const pending = new Map<string, () => void>();
  const ipOf = new Map<string, { readonly agent: NodeAgent; readonly ip: string }>();

  const agentFor = (nodeName: string): NodeAgent | undefined => {
    const known = agents.get(nodeName);
    if (known) return known;
    const node = store.get('nodes', undefined, nodeName);
    if (!node) return undefined;
    const status = record(node.status);
    const hostIP = text(records(status.addresses).find((a) => a.type === 'InternalIP')?.address) ?? '10.0.0.1';
    const cidr = text(record(node.spec).podCIDR) ?? podCidrFor(agents.size, 0);
    const agent: NodeAgent = { hostIP, images: new Set(), subnet: cidr.replace(/\.\d+\/\d+$/, ''), nextIP: 0, inUse: new Set() };
    agents.set(nodeName, agent);
    return agent;
  };

  const observe = (pod: KubeObject, deleted: boolean): void => {
    const uid = pod.metadata.uid ?? '';
    const worker = workers.get(uid);
    if (deleted) {
      pending.get(uid)?.();
      pending.delete(uid);
      worker?.stop();
      workers.delete(uid);
      ctx.logs.forgetPod(uid);
      const held = ipOf.get(uid);
      if (held !== undefined) held.agent.inUse.delete(held.ip);
      ipOf.delete(uid);
      return;
    }
    if (worker) {
      worker.update(pod);
      return;
    }
    const nodeName = text(record(pod.spec).nodeName);
    if (!nodeName || isTerminal(pod) || pending.has(uid)) return;
    // The kubelet notices a bound pod a moment later (after the scheduler's binding writes).
    pending.set(
      uid,
      ctx.clock.schedule(0, () => {
        pending.delete(uid);
        const latest = store.get('pods', pod.metadata.namespace, pod.metadata.name ?? '');
        if (latest?.metadata.uid === uid) startWorker(latest, nodeName);
      }),
    );
  };

  const startWorker = (pod: KubeObject, nodeName: string): void => {
    const uid = pod.metadata.uid ?? '';
    const agent = agentFor(nodeName);
    if (!agent || workers.has(uid)) return; // bound to a node no simulated kubelet runs on: stays Pending, as on a real cluster
    const created = startPodWorker(
      {
        ctx,
        nodeName,
        hostIP: agent.hostIP,
        images: agent.images,
        allocateIP: () => {
          // Round-robin over .2–.253, skipping addresses still held by another pod on this node.
          for (let tries = 0; tries < 252; tries++) {
            const ip = `${agent.subnet}.${2 + (agent.nextIP++ % 252)}`;
            if (!agent.inUse.has(ip)) {
              agent.inUse.add(ip);
              ipOf.set(uid, { agent, ip });
              return ip;
            }
          }
          return `${agent.subnet}.${2 + (agent.nextIP++ % 252)}`; // more pods than addresses: as a full node would, share
        },
      },
      pod,
    );
    workers.set(uid, created);
    if (pod.metadata.deletionTimestamp !== undefined) created.update(pod);
  };

  const unsubscribe = store.subscribe('pods', (change) => observe(change.object, change.type === 'DELETED'));
  for (const pod of store.list('pods')) observe(pod, false);

  return () => {
    unsubscribe();
    for (const cancel of pending.values()) cancel();
    for (const w of workers.values()) w.stop();
    workers.clear();
  };
}
