import type { KubeObject } from '../../kube/types.ts';
import type { ImageBehaviour, SimContext } from '../core/context.ts';
import { imagePullPolicyFor } from '../apiserver/defaults.ts';
import { int, record, records, text } from '../core/fields.ts';
import type { Fields } from '../core/fields.ts';
import { appLogLines, type AppMoment } from './app-logs.ts';
import { containerConfigError, volumeMountError } from './kubelet-config.ts';
import type { ConfigLookup } from './kubelet-config.ts';
import { containerID, imageID, imageSizeBytes, KubeletMessage, pullErrorMessage } from './kubelet-messages.ts';
import { podStatus } from './kubelet-status.ts';
import type { ContainerState, ContainerView, Terminated } from './kubelet-status.ts';

/** KubeletTimings are the simulated kubelet's delays (Kubernetes defaults where there is one). */
export const KubeletTimings = {
  /** Image pull and container restart back-off: 10 s doubling to 5 min. */
  backoffInitialMs: 10_000,
  backoffMaxMs: 300_000,
  /** A container that ran this long before exiting restarts without back-off. */
  backoffResetMs: 600_000,
  /** How often a waiting pod is re-synced (config errors, mount errors, back-off events). */
  syncIntervalMs: 10_000,
  /** Delay between a failed pull (ErrImagePull) and the next sync that reports ImagePullBackOff. */
  reactMs: 1_000,
  /** A re-pull of a cached image under pull policy Always. */
  cachedPullMs: 300,
  /** Readiness probe period when the container has no probe. */
  probePeriodMs: 10_000,
  /** How long an init container runs before it exits 0 (unless its image crashes earlier). */
  initRunMs: 1_000,
} as const;

interface Container extends ContainerView {
  /** `init` runs to completion before the app containers; `sidecar` is an init container with restartPolicy Always. */
  readonly kind: 'init' | 'sidecar' | 'main';
  spec: Fields;
  image: string;
  behaviour: ImageBehaviour;
  state: ContainerState;
  lastTerminated: Terminated | undefined;
  ready: boolean;
  restartCount: number;
  imageID: string;
  containerID: string | undefined;
  runs: number;
  pullBackoffMs: number;
  crashBackoffMs: number;
  timers: (() => void)[];
}

/** PodWorkerEnv is what a pod worker needs from its kubelet. */
export interface PodWorkerEnv {
  readonly ctx: SimContext;
  readonly nodeName: string;
  readonly hostIP: string;
  /** Images present on this node; a worker adds the images it pulls. */
  readonly images: Set<string>;
  /** Allocates a pod IP on this node. */
  readonly allocateIP: () => string;
}

/** PodWorker drives one pod on one node. */
export interface PodWorker {
  /** update reacts to a new version of the pod (deletion requested, container image changed). */
  update(pod: KubeObject): void;
  /** stop cancels everything without writing (the pod is gone). */
  stop(): void;
}

/**
 * startPodWorker runs one bound pod through the kubelet's life cycle: volumes, then per container
 * pull (Pulling/Pulled, or Failed + ErrImagePull → ImagePullBackOff with back-off), config check
 * (CreateContainerConfigError), Created/Started, readiness after the image's delay (or Unhealthy
 * events), crash → terminated → CrashLoopBackOff with back-off and restartCount; on deletion,
 * Killing, then removal once the grace period has passed. Status goes through the status
 * subresource with field manager `kubelet`; events through `ctx.events` as component `kubelet`.
 */
export function startPodWorker(env: PodWorkerEnv, initial: KubeObject): PodWorker {
  const { ctx, nodeName } = env;
  const { store, clock } = ctx;
  const namespace = initial.metadata.namespace ?? 'default';
  const name = initial.metadata.name ?? '';
  const uid = initial.metadata.uid ?? '';
  const spec = record(initial.spec);
  const restartPolicy = text(spec.restartPolicy) ?? 'Always';
  const startTime = clock.now();
  let podIP: string | undefined;
  let sandboxReady = false;
  let stopped = false;
  let terminating = false;
  let podTimers: (() => void)[] = [];
  const newContainer = (c: Fields, kind: Container['kind']): Container => {
    const image = text(c.image) ?? '';
    return {
      kind,
      spec: c,
      name: text(c.name) ?? '',
      image,
      behaviour: ctx.behaviour.imageBehaviour(image),
      state: { kind: 'waiting', reason: kind === 'main' && records(spec.initContainers).length > 0 ? 'PodInitializing' : 'ContainerCreating' },
      lastTerminated: undefined,
      ready: false,
      restartCount: 0,
      imageID: '',
      containerID: undefined,
      runs: 0,
      pullBackoffMs: 0,
      crashBackoffMs: 0,
      timers: [],
    };
  };
  const inits: Container[] = records(spec.initContainers).map((c) => newContainer(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
  const containers: Container[] = records(spec.containers).map((c) => newContainer(c, 'main'));
  const all = (): Container[] => [...inits, ...containers];
  let initialized = inits.length === 0;
  let appsStarted = false;

  const lookup: ConfigLookup = (kind, objName) => store.get(kind, namespace, objName);
  const current = (): KubeObject | undefined => {
    const pod = store.get('pods', namespace, name);
    return pod && pod.metadata.uid === uid ? pod : undefined;
  };
  const specOf = (c: Container): Fields => c.spec;

  const event = (type: 'Normal' | 'Warning', reason: string, message: string, c?: Container): void => {
    const involved = current() ?? initial;
    ctx.events.record({
      involved,
      type,
      reason,
      message,
      component: 'kubelet',
      host: nodeName,
      ...(c ? { fieldPath: `spec.${c.kind === 'main' ? 'containers' : 'initContainers'}{${c.name}}` } : {}),
    });
  };

  const flush = (): void => {
    if (stopped) return;
    const pod = current();
    if (!pod) {
      stop();
      return;
    }
    const status = podStatus(
      { restartPolicy, hostIP: env.hostIP, podIP, startTime, sandboxReady, initialized, initContainers: inits, containers },
      record(pod.status),
      clock.now(),
    );
    try {
      store.update('pods', { ...pod, status }, { fieldManager: 'kubelet', subresource: 'status' });
    } catch {
      // the pod vanished or changed under us: the next change brings a new version
    }
  };

  const later = (c: Container | undefined, ms: number, fn: () => void): void => {
    const cancel = clock.schedule(ms, () => {
      if (!stopped) fn();
    });
    if (c) c.timers.push(cancel);
    else podTimers.push(cancel);
  };
  /** write appends what the container's app prints at `moment` to its current run's log. */
  const write = (c: Container, moment: AppMoment): void => {
    if (c.containerID === undefined) return;
    const at = clock.now();
    for (const line of appLogLines(moment, { name: c.name, image: c.image, spec: c.spec, batch: c.kind === 'main' && restartPolicy !== 'Always' }, at)) ctx.logs.append(c.containerID, { at, text: line });
  };
  const cancelTimers = (c: Container): void => {
    for (const cancel of c.timers) cancel();
    c.timers = [];
  };

  const nextBackoff = (ms: number): number => (ms === 0 ? KubeletTimings.backoffInitialMs : Math.min(ms * 2, KubeletTimings.backoffMaxMs));

  // ---- per container ---------------------------------------------------------------------------

  const pull = (c: Container): void => {
    const policy = text(specOf(c).imagePullPolicy) ?? imagePullPolicyFor(c.image);
    const present = env.images.has(c.image) && !c.behaviour.pullFails;
    if (policy === 'Never' && !present) {
      c.state = { kind: 'waiting', reason: 'ErrImageNeverPull', message: KubeletMessage.neverPull(c.image) };
      event('Warning', 'ErrImageNeverPull', KubeletMessage.neverPull(c.image), c);
      flush();
      later(c, KubeletTimings.syncIntervalMs, () => pull(c));
      return;
    }
    if (present && policy !== 'Always') {
      event('Normal', 'Pulled', KubeletMessage.alreadyPresent(c.image), c);
      create(c);
      return;
    }
    event('Normal', 'Pulling', KubeletMessage.pulling(c.image), c);
    const ms = present ? KubeletTimings.cachedPullMs : c.behaviour.pullMs;
    later(c, ms, () => {
      if (c.behaviour.pullFails) {
        pullFailed(c);
        return;
      }
      env.images.add(c.image);
      c.pullBackoffMs = 0;
      event('Normal', 'Pulled', KubeletMessage.pulled(c.image, ms, imageSizeBytes(c.image)), c);
      create(c);
    });
  };

  const pullFailed = (c: Container): void => {
    const failedAt = clock.now();
    c.pullBackoffMs = nextBackoff(c.pullBackoffMs);
    c.state = { kind: 'waiting', reason: 'ErrImagePull', message: pullErrorMessage(c.image) };
    event('Warning', 'Failed', KubeletMessage.pullFailed(c.image), c);
    event('Warning', 'Failed', KubeletMessage.error('ErrImagePull'), c);
    flush();
    const backOff = (): void => {
      if (clock.now() - failedAt >= c.pullBackoffMs) return;
      c.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: KubeletMessage.pullBackOff(c.image) };
      event('Normal', 'BackOff', KubeletMessage.pullBackOff(c.image), c);
      event('Warning', 'Failed', KubeletMessage.error('ImagePullBackOff'), c);
      flush();
      later(c, KubeletTimings.syncIntervalMs, backOff);
    };
    later(c, Math.min(KubeletTimings.reactMs, c.pullBackoffMs), backOff);
    later(c, c.pullBackoffMs, () => {
      cancelTimers(c);
      pull(c);
    });
  };

  const create = (c: Container): void => {
    const problem = containerConfigError(specOf(c), namespace, lookup);
    if (problem) {
      c.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: problem };
      event('Warning', 'Failed', KubeletMessage.error(problem), c);
      flush();
      later(c, KubeletTimings.syncIntervalMs, () => pull(c));
      return;
    }
    c.runs++;
    c.restartCount = c.runs - 1;
    c.containerID = containerID(uid, c.name, c.runs);
    c.imageID = imageID(c.image);
    ctx.logs.start({ podUid: uid, container: c.name }, c.containerID);
    event('Normal', 'Created', KubeletMessage.created(c.name), c);
    event('Normal', 'Started', KubeletMessage.started(c.name), c);
    const startedAt = clock.now();
    c.state = { kind: 'running', startedAt };
    c.ready = false;
    write(c, 'start');
    flush();
    const crash = (): void => {
      write(c, c.behaviour.terminationReason === 'OOMKilled' ? 'oom' : 'crash');
      exited(c, startedAt, c.behaviour.exitCode);
    };
    if (c.kind === 'init') {
      if (c.behaviour.crashAfterMs !== null) later(c, c.behaviour.crashAfterMs, crash);
      else later(c, KubeletTimings.initRunMs, () => exited(c, startedAt, 0));
      return;
    }
    readiness(c);
    if (c.behaviour.crashAfterMs !== null) later(c, c.behaviour.crashAfterMs, crash);
    else if (c.kind === 'main' && restartPolicy !== 'Always')
      later(c, c.behaviour.completesAfterMs, () => {
        write(c, 'complete');
        exited(c, startedAt, 0);
      });
    if (c.kind === 'sidecar') nextInit();
  };

  const readiness = (c: Container): void => {
    const probe = record(specOf(c).readinessProbe);
    const hasProbe = Object.keys(probe).length > 0;
    const periodMs = (int(probe.periodSeconds) ?? 10) * 1000;
    const delayMs = (int(probe.initialDelaySeconds) ?? 0) * 1000;
    if (c.behaviour.neverReady) {
      let complained = false;
      const fail = (): void => {
        if (!complained) write(c, 'unready');
        complained = true;
        event('Warning', 'Unhealthy', `Readiness probe failed: ${probeFailure(probe, podIP ?? '')}`, c);
        later(c, hasProbe ? periodMs : KubeletTimings.probePeriodMs, fail);
      };
      later(c, delayMs, fail);
      return;
    }
    const wanted = c.behaviour.readyAfterMs;
    const readyAt = hasProbe ? delayMs + Math.max(0, Math.ceil((wanted - delayMs) / periodMs)) * periodMs : wanted;
    later(c, readyAt, () => {
      c.ready = true;
      write(c, 'ready');
      flush();
    });
  };

  const exited = (c: Container, startedAt: number, exitCode: number): void => {
    cancelTimers(c);
    const finishedAt = clock.now();
    const run: Terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : c.behaviour.terminationReason === 'Completed' ? 'Error' : c.behaviour.terminationReason,
      startedAt,
      finishedAt,
      containerID: c.containerID ?? '',
    };
    c.state = { kind: 'terminated', ...run };
    c.ready = false;
    if (c.containerID !== undefined) ctx.logs.end(c.containerID);
    flush();
    if (c.kind === 'init' && run.exitCode === 0) {
      nextInit();
      return;
    }
    // A failed init container is retried unless the pod's restartPolicy is Never.
    const restart = c.kind === 'sidecar' || restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && run.exitCode !== 0) || (c.kind === 'init' && restartPolicy !== 'Never');
    if (!restart) return;
    c.lastTerminated = run;
    if (finishedAt - startedAt >= KubeletTimings.backoffResetMs) c.crashBackoffMs = 0;
    if (c.crashBackoffMs === 0) {
      c.crashBackoffMs = KubeletTimings.backoffInitialMs;
      pull(c);
      return;
    }
    const waitMs = c.crashBackoffMs;
    c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: KubeletMessage.crashLoopWaiting(waitMs, c.name, name, namespace, uid) };
    const backOff = (): void => {
      event('Warning', 'BackOff', KubeletMessage.restartBackOff(c.name, name, namespace, uid), c);
      if (clock.now() - finishedAt + KubeletTimings.syncIntervalMs < waitMs) later(c, KubeletTimings.syncIntervalMs, backOff);
    };
    backOff();
    flush();
    later(c, waitMs, () => {
      cancelTimers(c);
      c.crashBackoffMs = Math.min(c.crashBackoffMs * 2, KubeletTimings.backoffMaxMs);
      pull(c);
    });
  };

  // ---- pod level -------------------------------------------------------------------------------

  const startPod = (): void => {
    const mountProblem = volumeMountError(current() ?? initial, lookup);
    if (mountProblem) {
      event('Warning', 'FailedMount', mountProblem);
      flush();
      later(undefined, KubeletTimings.syncIntervalMs, startPod);
      return;
    }
    sandboxReady = true;
    podIP ??= env.allocateIP();
    flush();
    nextInit();
  };

  /** nextInit starts the first init container that has not run yet, or the app containers once all have. */
  const nextInit = (): void => {
    const pending = inits.find((c) => c.runs === 0 || (c.kind === 'init' && !(c.state.kind === 'terminated' && c.state.exitCode === 0)));
    if (pending && pending.runs === 0 && pending.timers.length === 0) {
      pull(pending);
      return;
    }
    if (pending || appsStarted) return;
    appsStarted = true;
    if (!initialized) {
      initialized = true;
      for (const c of containers) c.state = { kind: 'waiting', reason: 'ContainerCreating' };
      flush();
    }
    for (const c of containers) pull(c);
  };

  const terminate = (pod: KubeObject): void => {
    if (terminating) return;
    terminating = true;
    for (const cancel of podTimers) cancel();
    podTimers = [];
    const running = all().filter((c) => c.state.kind === 'running');
    for (const c of all()) cancelTimers(c);
    for (const c of running) {
      event('Normal', 'Killing', KubeletMessage.killing(c.name), c);
      write(c, 'stop');
    }
    const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '');
    const graceMs = running.length === 0 ? 0 : Number.isFinite(deadline) ? Math.max(0, deadline - clock.now()) : (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    later(undefined, graceMs, () => {
      const finishedAt = clock.now();
      for (const c of all()) {
        if (c.state.kind === 'running')
          c.state = { kind: 'terminated', exitCode: 137, reason: 'Error', startedAt: c.state.startedAt, finishedAt, containerID: c.containerID ?? '' };
        if (c.containerID !== undefined) ctx.logs.end(c.containerID);
        c.ready = false;
      }
      flush();
      try {
        store.delete('pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
      } catch {
        // already gone
      }
      stop();
    });
  };

  const imageChanged = (pod: KubeObject): void => {
    const specs = records(record(pod.spec).containers);
    for (const c of containers) {
      c.spec = specs.find((x) => x.name === c.name) ?? c.spec;
      const image = text(c.spec.image);
      if (image === undefined || image === c.image) continue;
      if (c.state.kind === 'running') event('Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`, c);
      cancelTimers(c);
      if (c.state.kind === 'running')
        c.lastTerminated = { exitCode: 137, reason: 'Error', startedAt: c.state.startedAt, finishedAt: clock.now(), containerID: c.containerID ?? '' };
      if (c.containerID !== undefined) ctx.logs.end(c.containerID);
      c.image = image;
      c.behaviour = ctx.behaviour.imageBehaviour(image);
      c.ready = false;
      c.pullBackoffMs = 0;
      c.crashBackoffMs = 0;
      c.state = { kind: 'waiting', reason: initialized ? 'ContainerCreating' : 'PodInitializing' };
      flush();
      if (appsStarted) pull(c);
    }
  };

  function stop(): void {
    if (stopped) return;
    stopped = true;
    for (const cancel of podTimers) cancel();
    for (const c of all()) cancelTimers(c);
  }

  flush();
  startPod();

  return {
    update(pod: KubeObject): void {
      if (stopped || pod.metadata.uid !== uid) return;
      if (pod.metadata.deletionTimestamp !== undefined) terminate(pod);
      else if (!terminating) imageChanged(pod);
    },
    stop,
  };
}

/** probeFailure is the probe output a failing readiness probe reports, by probe kind. */
function probeFailure(probe: Fields, podIP: string): string {
  const tcp = record(probe.tcpSocket);
  if (Object.keys(tcp).length > 0) return `dial tcp ${podIP}:${typeof tcp.port === 'number' || typeof tcp.port === 'string' ? tcp.port : 80}: connect: connection refused`;
  if (Object.keys(record(probe.exec)).length > 0) return '';
  return 'HTTP probe failed with statuscode: 503';
}
