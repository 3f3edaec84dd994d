import type { KubeObject } from '../../kube/types.ts';
import type { SimClock } from './clock.ts';
import type { ContainerLogs } from './container-logs.ts';
import type { SimStore } from './store-api.ts';

/** EventInput is one occurrence of an event, before aggregation. */
export interface EventInput {
  /** The object the event is about (its kind, namespace, name, uid, apiVersion, resourceVersion are copied). */
  readonly involved: KubeObject;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** Reporting component, e.g. `deployment-controller`, `kubelet`, `default-scheduler`. */
  readonly component: string;
  /** Node name for kubelet events. */
  readonly host?: string;
  /** e.g. `spec.containers{app}` for container events. */
  readonly fieldPath?: string;
  /** `legacy` (count/firstTimestamp/lastTimestamp, as controllers and kubelet) or `series` (events.k8s.io style, as the scheduler). If unset, legacy. */
  readonly style?: 'legacy' | 'series';
  /** For series-style events, e.g. `Scheduling`. */
  readonly action?: string;
}

/**
 * EventSink records Kubernetes events the way the real recorders do: aggregation of repeats into
 * `count`/`series`, and expiry after the event TTL (1 h unless configured). Implemented by
 * `sim/core/events.ts`. Never throws.
 */
export interface EventSink {
  record(event: EventInput): void;
}

/** ImageBehaviour is how the simulated kubelet treats one image (see `sim/node/behaviour.ts`). */
export interface ImageBehaviour {
  /** Time to pull the image, in simulated ms. */
  readonly pullMs: number;
  /** The pull fails (ErrImagePull → ImagePullBackOff). */
  readonly pullFails: boolean;
  /** Time from container start to passing readiness, in simulated ms. */
  readonly readyAfterMs: number;
  /** Never passes readiness (Unhealthy events). */
  readonly neverReady: boolean;
  /** The container exits after this many ms of running (crash loop), with `exitCode`; null = runs forever. */
  readonly crashAfterMs: number | null;
  readonly exitCode: number;
  /** Terminated reason on crash: `Error` or `OOMKilled`. */
  readonly terminationReason: 'Error' | 'OOMKilled' | 'Completed';
  /** Share of HTTP requests the app answers with 500, in percent (0–100): tag suffix `-errorsN`. */
  readonly errorPercent: number;
  /** Real milliseconds added to every HTTP response: tag suffix `-slowN`. */
  readonly extraLatencyMs: number;
  /** In a pod whose restartPolicy is not Always (a Job's), a container that does not crash exits 0 after this many ms: the work is done. */
  readonly completesAfterMs: number;
}

/** NodeSpec is one node of the simulated node pool. */
export interface NodeSpec {
  readonly name: string;
  /** Allocatable CPU in millicores. */
  readonly cpuMillis: number;
  /** Allocatable memory in bytes. */
  readonly memoryBytes: number;
  readonly maxPods: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
  readonly unschedulable: boolean;
}

/** SimBehaviour is a scenario's configuration of images and nodes. */
export interface SimBehaviour {
  imageBehaviour(image: string): ImageBehaviour;
  readonly nodes: readonly NodeSpec[];
}

/**
 * SimContext is what every simulated component (controllers, scheduler, kubelet, scenarios) gets.
 * - `random` returns values in [0, 1); tests pass a seeded source so runs are reproducible.
 */
export interface SimContext {
  readonly store: SimStore;
  readonly clock: SimClock;
  readonly behaviour: SimBehaviour;
  readonly events: EventSink;
  readonly random: () => number;
  /** Container logs: the kubelet writes them, `pods/log` reads them. */
  readonly logs: ContainerLogs;
}
