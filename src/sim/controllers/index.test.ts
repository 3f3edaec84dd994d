import { ContainerLogs } from '../core/container-logs.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBehaviour } from '../node/behaviour.ts';
import { ManualClock } from '../core/clock.ts';
import type { SimContext } from '../core/context.ts';
import { createEventSink } from '../core/events.ts';
import { registerNodes } from '../node/nodes.ts';
import { createSimStorage } from '../apiserver/storage.ts';
import { seededRandom } from '../../lib/seeded-random.ts';
import { startControllers } from './index.ts';

const world = () => {
  const clock = new ManualClock();
  const random = seededRandom(1);
  const store = createSimStorage(clock, { random });
  const ctx: SimContext = { store, clock, behaviour: createBehaviour(), events: createEventSink(store, clock), random, logs: new ContainerLogs() };
  registerNodes(ctx);
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  return { clock, store, ctx };
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.0' }] } },
  },
};

describe('startControllers', () => {
  it('runs a Deployment all the way to Running, Ready pods with every component it starts', () => {
    const { clock, store, ctx } = world();
    const stop = startControllers(ctx);
    store.create('deployments.apps', deployment);
    clock.advance(60_000);
    const d = store.get('deployments.apps', 'shop', 'web');
    assert.equal((d?.['status'] as { availableReplicas?: number } | undefined)?.availableReplicas, 2);
    const pods = store.list('pods', { namespace: 'shop' });
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => (p['spec'] as { nodeName?: string }).nodeName && (p['status'] as { phase?: string }).phase === 'Running'));
    stop();
    stop();
  });

  it('stops everything: after stop, nothing reacts and no timer is left', () => {
    const { clock, store, ctx } = world();
    const stop = startControllers(ctx);
    stop();
    store.create('deployments.apps', deployment);
    clock.advance(60_000);
    assert.equal(store.list('replicasets.apps', { namespace: 'shop' }).length, 0);
    assert.equal(clock.pendingTimers(), 0);
  });
});
