import type { KubeObject } from '../../kube/types.ts';
import { record, records } from '../core/fields.ts';
import { cpuMillis, memoryBytes } from '../core/quantity.ts';

/** PodRequests is what a pod asks of a node: CPU in millicores and memory in bytes. */
export interface PodRequests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

function containerRequests(container: Readonly<Record<string, unknown>>): PodRequests {
  const resources = record(container.resources);
  const requests = record(resources.requests);
  const limits = record(resources.limits);
  // The API server defaults a missing request to the limit.
  return {
    cpuMillis: cpuMillis(requests.cpu ?? limits.cpu) ?? 0,
    memoryBytes: memoryBytes(requests.memory ?? limits.memory) ?? 0,
  };
}

/**
 * podRequests sums a pod's container requests and takes the larger of that and any single init
 * container's requests, as the scheduler's NodeResourcesFit computes them (overhead ignored).
 */
export function podRequests(pod: KubeObject): PodRequests {
  const spec = record(pod.spec);
  let cpu = 0;
  let mem = 0;
  for (const c of records(spec.containers)) {
    const r = containerRequests(c);
    cpu += r.cpuMillis;
    mem += r.memoryBytes;
  }
  for (const c of records(spec.initContainers)) {
    const r = containerRequests(c);
    cpu = Math.max(cpu, r.cpuMillis);
    mem = Math.max(mem, r.memoryBytes);
  }
  return { cpuMillis: cpu, memoryBytes: mem };
}

/** isTerminal tells whether a pod has finished (phase Succeeded or Failed) and so holds no node resources. */
export function isTerminal(pod: KubeObject): boolean {
  const phase = record(pod.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
