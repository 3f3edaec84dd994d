import type { Instant } from '../../lib/clock.ts';
import { rfc3339 } from '../../lib/timestamps.ts';
import { setCondition } from '../core/conditions.ts';
import type { Fields } from '../core/fields.ts';
import { normalizeImage } from './kubelet-messages.ts';

/** Terminated is one finished run of a container (`state.terminated` / `lastState.terminated`). */
export interface Terminated {
  readonly exitCode: number;
  readonly reason: string;
  readonly startedAt: Instant;
  readonly finishedAt: Instant;
  readonly containerID: string;
}

/** ContainerState is the current state of one container: waiting (with a reason), running, or terminated. */
export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: Instant }
  | ({ readonly kind: 'terminated' } & Terminated);

/** ContainerView is one container as the pod worker tracks it. */
export interface ContainerView {
  readonly name: string;
  readonly image: string;
  readonly state: ContainerState;
  readonly lastTerminated: Terminated | undefined;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly imageID: string;
  readonly containerID: string | undefined;
}

/** PodView is the pod-level input of `podStatus`. */
export interface PodView {
  readonly restartPolicy: string;
  readonly hostIP: string;
  readonly podIP: string | undefined;
  readonly startTime: Instant;
  readonly sandboxReady: boolean;
  /** All init containers have completed (sidecars: started). */
  readonly initialized: boolean;
  readonly initContainers: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
}

function terminatedWire(t: Terminated): Fields {
  return { exitCode: t.exitCode, reason: t.reason, startedAt: rfc3339(t.startedAt), finishedAt: rfc3339(t.finishedAt), containerID: t.containerID };
}

function stateWire(s: ContainerState): Fields {
  switch (s.kind) {
    case 'waiting':
      return { waiting: s.message === undefined ? { reason: s.reason } : { reason: s.reason, message: s.message } };
    case 'running':
      return { running: { startedAt: rfc3339(s.startedAt) } };
    case 'terminated':
      return { terminated: terminatedWire(s) };
  }
}

/** containerStatusWire renders one `containerStatuses[]` entry as the kubelet reports it. */
export function containerStatusWire(c: ContainerView): Fields {
  return {
    name: c.name,
    state: stateWire(c.state),
    lastState: c.lastTerminated ? { terminated: terminatedWire(c.lastTerminated) } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: normalizeImage(c.image),
    imageID: c.imageID,
    ...(c.containerID === undefined ? {} : { containerID: c.containerID }),
    started: c.state.kind === 'running',
  };
}

/**
 * podPhase follows the kubelet's getPhase: Pending while any container has never run; with
 * restartPolicy Always, Running afterwards; otherwise Running while any container runs or will
 * restart, then Succeeded if all exited 0, else Failed.
 */
export function podPhase(pod: PodView): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  if (pod.restartPolicy === 'Never' && pod.initContainers.some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0)) return 'Failed';
  const neverRan = pod.containers.some((c) => c.state.kind === 'waiting' && c.lastTerminated === undefined);
  if (neverRan) return 'Pending';
  const allTerminated = pod.containers.every((c) => c.state.kind === 'terminated');
  if (!allTerminated || pod.restartPolicy === 'Always') return 'Running';
  return pod.containers.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0) ? 'Succeeded' : 'Failed';
}

/**
 * podStatus renders a pod's `status` from the worker's view, keeping conditions owned by others
 * (PodScheduled) and transition times of unchanged conditions from `previous`.
 */
export function podStatus(pod: PodView, previous: Fields, now: Instant): Fields {
  const ts = rfc3339(now);
  const phase = podPhase(pod);
  const unready = pod.containers.filter((c) => !c.ready).map((c) => c.name);
  const readyCond =
    phase === 'Succeeded'
      ? { status: 'False' as const, reason: 'PodCompleted' }
      : unready.length === 0
        ? { status: 'True' as const }
        : { status: 'False' as const, reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  let conditions = setCondition(previous.conditions, { type: 'PodReadyToStartContainers', status: pod.sandboxReady ? 'True' : 'False' }, ts);
  const incomplete = pod.initContainers.filter((c) => !(c.state.kind === 'terminated' && c.state.exitCode === 0) && c.state.kind !== 'running').map((c) => c.name);
  conditions = setCondition(
    conditions,
    pod.initialized
      ? { type: 'Initialized', status: 'True' }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` },
    ts,
  );
  conditions = setCondition(conditions, { type: 'Ready', ...readyCond }, ts);
  conditions = setCondition(conditions, { type: 'ContainersReady', ...readyCond }, ts);
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conditions.sort((a, b) => (order.indexOf(a.type) + 1 || 99) - (order.indexOf(b.type) + 1 || 99));
  return {
    ...previous,
    phase,
    conditions,
    hostIP: pod.hostIP,
    hostIPs: [{ ip: pod.hostIP }],
    ...(pod.podIP === undefined ? {} : { podIP: pod.podIP, podIPs: [{ ip: pod.podIP }] }),
    startTime: rfc3339(pod.startTime),
    ...(pod.initContainers.length > 0 ? { initContainerStatuses: pod.initContainers.map(containerStatusWire) } : {}),
    containerStatuses: pod.containers.map(containerStatusWire),
  };
}
