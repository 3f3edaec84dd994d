import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { ManualClock } from './clock.ts';
import type { EventInput } from './context.ts';
import { createEventSink, SIMILAR_EVENT_PREFIX } from './events.ts';
import { createSimStorage } from '../apiserver/storage.ts';

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', resourceVersion: '7' } };
const pulling: EventInput = { involved: pod, type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:1"', component: 'kubelet', host: 'sim-node-1', fieldPath: 'spec.containers{app}' };

function setup(options: Parameters<typeof createEventSink>[2] = {}) {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = createSimStorage(clock);
  const errors: unknown[] = [];
  const sink = createEventSink(store, clock, { ...options, onError: (e) => errors.push(e) });
  const events = () => store.list('events', { namespace: 'shop' });
  return { clock, store, sink, events, errors };
}

test('a legacy event has the recorder shape: name, source, timestamps, count, involvedObject', () => {
  const { sink, events, errors } = setup();
  sink.record(pulling);
  const [e] = events();
  assert.ok(e);
  assert.deepEqual(errors, []);
  assert.match(e.metadata.name ?? '', /^web-1\.[0-9a-f]+$/);
  assert.deepEqual(e.involvedObject, { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'u-1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{app}' });
  assert.deepEqual(e.source, { component: 'kubelet', host: 'sim-node-1' });
  assert.equal(e.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(e.lastTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(e.count, 1);
  assert.equal(e.eventTime, null);
  assert.equal(e.type, 'Normal');
});

test('a repeat updates count and lastTimestamp of the same event', () => {
  const { sink, events, clock } = setup();
  sink.record(pulling);
  clock.advance(5_000);
  sink.record(pulling);
  clock.advance(5_000);
  sink.record(pulling);
  const all = events();
  assert.equal(all.length, 1);
  assert.equal(all[0]!.count, 3);
  assert.equal(all[0]!.firstTimestamp, '2026-01-01T00:00:00Z');
  assert.equal(all[0]!.lastTimestamp, '2026-01-01T00:00:10Z');
});

test('the 10th distinct message within 10 minutes is combined, later ones update the combined event', () => {
  const { sink, events, clock } = setup();
  for (let i = 1; i <= 12; i++) {
    sink.record({ ...pulling, reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: attempt ${i}` });
    clock.advance(1_000);
  }
  const all = events();
  assert.equal(all.length, 10); // 9 individual + 1 combined
  const combined = all.filter((e) => String(e.message).startsWith(SIMILAR_EVENT_PREFIX));
  assert.equal(combined.length, 1);
  assert.equal(combined[0]!.message, `${SIMILAR_EVENT_PREFIX}Readiness probe failed: attempt 12`);
  assert.equal(combined[0]!.count, 3);
});

test('similar events more than 10 minutes apart are not combined', () => {
  const { sink, events, clock } = setup({ ttlMs: 10 * 3_600_000 });
  for (let i = 1; i <= 12; i++) {
    sink.record({ ...pulling, message: `m${i}` });
    clock.advance(601_000);
  }
  assert.equal(events().filter((e) => String(e.message).startsWith(SIMILAR_EVENT_PREFIX)).length, 0);
});

test('the spam filter lets 25 identical events through, then one per 5 minutes', () => {
  const { sink, events, clock } = setup();
  for (let i = 0; i < 40; i++) sink.record(pulling);
  assert.equal(events()[0]!.count, 25);
  clock.advance(300_000);
  sink.record(pulling);
  sink.record(pulling);
  assert.equal(events()[0]!.count, 26);
});

test('events expire after the TTL; every update re-arms it; a later repeat re-creates the event', () => {
  const { sink, events, clock } = setup({ ttlMs: 60_000 });
  sink.record(pulling);
  clock.advance(50_000);
  sink.record(pulling);
  clock.advance(50_000);
  assert.equal(events().length, 1, 'still there: the update re-armed the TTL');
  clock.advance(10_001);
  assert.equal(events().length, 0);
  sink.record(pulling);
  assert.equal(events()[0]!.count, 3);
});

test('the default TTL is one hour', () => {
  const { sink, events, clock } = setup();
  sink.record(pulling);
  clock.advance(3_599_000);
  assert.equal(events().length, 1);
  clock.advance(1_000);
  assert.equal(events().length, 0);
});

test('series events: eventTime and reporting fields, no count; the second occurrence writes series count 2', () => {
  const { sink, events, clock } = setup();
  const failed: EventInput = { involved: pod, type: 'Warning', reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient cpu.', component: 'default-scheduler', style: 'series', action: 'Scheduling' };
  sink.record(failed);
  let [e] = events();
  assert.equal(e!.eventTime, '2026-01-01T00:00:00.000000Z');
  assert.equal(e!.firstTimestamp, null);
  assert.equal(e!.lastTimestamp, null);
  assert.equal(e!.count, undefined);
  assert.equal(e!.action, 'Scheduling');
  assert.equal(e!.reportingComponent, 'default-scheduler');
  assert.deepEqual(e!.source, {});
  assert.equal(e!.series, undefined);
  clock.advance(2_000);
  sink.record({ ...failed, message: 'a different note is not part of the key' });
  [e] = events();
  assert.deepEqual(e!.series, { count: 2, lastObservedTime: '2026-01-01T00:00:02.000000Z' });
  assert.equal(e!.message, failed.message);
  clock.advance(2_000);
  sink.record(failed);
  [e] = events();
  assert.equal((e!.series as { count: number }).count, 2, 'later repeats are written on refresh, not each time');
  clock.advance(12 * 60_000); // the finish check runs every 6 min
  [e] = events();
  assert.equal((e!.series as { count: number }).count, 3, 'the finished series is written');
  sink.record(failed);
  assert.equal(events().length, 2, 'after the series finished, a new event starts');
});
