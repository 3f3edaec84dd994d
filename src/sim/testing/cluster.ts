import { ContainerLogs } from '../core/container-logs.ts';
import type { KubeObject } from '../../kube/types.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { createBehaviour } from '../node/behaviour.ts';
import type { BehaviourConfig } from '../node/behaviour.ts';
import { ManualClock } from '../core/clock.ts';
import type { SimContext } from '../core/context.ts';
import { createEventSink } from '../core/events.ts';
import { startKubelet } from '../node/kubelet.ts';
import { registerNodes } from '../node/nodes.ts';
import { startScheduler } from '../node/scheduler.ts';
import { createSimStorage } from '../apiserver/storage.ts';

/** TestCluster is an in-process simulated cluster on a ManualClock, for tests of sim/ components. */
export interface TestCluster {
  readonly ctx: SimContext;
  readonly clock: ManualClock;
  /** Events about `name` (any kind) in `namespace`, oldest first, as `reason: message` strings. */
  events(namespace: string, name: string): string[];
  /** The raw events about `name`. */
  rawEvents(namespace: string, name: string): KubeObject[];
  pod(namespace: string, name: string): KubeObject | undefined;
  stop(): void;
}

/**
 * startTestCluster creates storage, nodes, the event sink, and starts the scheduler and kubelet
 * (plus any `extra` components, such as controllers). Call `stop()` at the end of the test.
 */
export function startTestCluster(config: BehaviourConfig = {}, extra: readonly ((ctx: SimContext) => () => void)[] = []): TestCluster {
  const clock = new ManualClock();
  const random = seededRandom(42);
  const store = createSimStorage(clock, { random });
  const ctx: SimContext = { store, clock, behaviour: createBehaviour(config), events: createEventSink(store, clock), random, logs: new ContainerLogs() };
  registerNodes(ctx);
  const stops = [startScheduler(ctx), startKubelet(ctx), ...extra.map((start) => start(ctx))];
  const rawEvents = (namespace: string, name: string): KubeObject[] =>
    store
      .list('events', { namespace })
      .filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name)
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  return {
    ctx,
    clock,
    rawEvents,
    events: (namespace, name) => rawEvents(namespace, name).map((e) => `${String(e.reason)}: ${String(e.message)}`),
    pod: (namespace, name) => store.get('pods', namespace, name),
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}
