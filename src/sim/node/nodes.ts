import { podCidrFor } from '../core/addresses.ts';
import type { Instant } from '../../lib/clock.ts';
import type { KubeObject } from '../../kube/types.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import type { NodeSpec, SimContext } from '../core/context.ts';
import { formatCpu, formatMemory } from '../core/quantity.ts';

/** KUBELET_VERSION is the version the simulated nodes report (matches the kubectl on the machines). */
export const KUBELET_VERSION = 'v1.32.0';

/** UNSCHEDULABLE_TAINT is the taint the node lifecycle controller puts on cordoned nodes. */
export const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' } as const;

/**
 * nodeObject builds the Node a kubelet registers for one spec: capacity and allocatable (CPU,
 * memory, pods, ephemeral storage), the four pressure/Ready conditions a healthy node reports,
 * addresses and nodeInfo. `index` (0-based) picks the node's InternalIP.
 */
export function nodeObject(spec: NodeSpec, index: number, now: Instant, addressBlock = 0): KubeObject {
  const ts = rfc3339(now);
  const resources = {
    cpu: formatCpu(spec.cpuMillis),
    'ephemeral-storage': '102400Mi',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: formatMemory(spec.memoryBytes),
    pods: String(spec.maxPods),
  };
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string): Record<string, string> => ({
    type,
    status,
    lastHeartbeatTime: ts,
    lastTransitionTime: ts,
    reason,
    message,
  });
  const taints = [...spec.taints, ...(spec.unschedulable ? [{ ...UNSCHEDULABLE_TAINT, timeAdded: ts }] : [])];
  const ip = `10.0.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`;
  const uuid = `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: { ...spec.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR: podCidrFor(index, addressBlock),
      podCIDRs: [podCidrFor(index, addressBlock)],
      providerID: `rollscope-sim://${spec.name}`,
      ...(taints.length > 0 ? { taints } : {}),
      ...(spec.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: uuid.replaceAll('-', ''),
        systemUUID: uuid,
        bootID: uuid,
        kernelVersion: '6.1.0-rollscope',
        osImage: 'rollscope simulated node',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/**
 * registerNodes creates a Node for each spec of the behaviour's pool that does not exist yet, with
 * its status written through the status subresource (as a kubelet registers itself).
 */
export function registerNodes(ctx: Pick<SimContext, 'store' | 'clock' | 'behaviour'> & { readonly addressBlock?: number }): void {
  ctx.behaviour.nodes.forEach((spec, index) => {
    if (ctx.store.get('nodes', undefined, spec.name)) return;
    const node = nodeObject(spec, index, ctx.clock.now(), ctx.addressBlock ?? 0);
    const created = ctx.store.create('nodes', node, { fieldManager: 'kubelet' });
    ctx.store.update('nodes', { ...created, status: node.status }, { fieldManager: 'kubelet', subresource: 'status' });
  });
}
