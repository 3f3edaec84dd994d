import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.ts';
import { createSimStorage } from '../storage.ts';
import { WatchHubs, type WatchFilter } from './watch-hub.ts';

const all: WatchFilter = { namespace: undefined, labels: [], fields: () => true };

test('WatchHubs serialises a change once and writes the same bytes to every watcher', () => {
  const store = createSimStorage(new ManualClock());
  const hubs = new WatchHubs(store);
  const got: Buffer[][] = [[], [], []];
  const detach = got.map((lines, i) => hubs.attach('configmaps', { filter: i === 2 ? { ...all, namespace: 'other' } : all, write: (b) => lines.push(b) }));
  store.create('configmaps', { metadata: { name: 'a', namespace: 'x' } });
  assert.equal(got[0]?.length, 1);
  assert.equal(got[0]?.[0], got[1]?.[0], 'the very same Buffer, not a copy');
  assert.equal(got[2]?.length, 0, 'namespace filter');
  const line = JSON.parse(got[0]?.[0]?.toString() ?? '') as { type: string; object: { kind: string } };
  assert.equal(line.type, 'ADDED');
  assert.equal(line.object.kind, 'ConfigMap');
  assert.equal(hubs.watchers('configmaps'), 3);
  for (const d of detach) d();
  assert.equal(hubs.watchers('configmaps'), 0);
});
