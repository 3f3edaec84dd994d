import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learn, MIN_MEASURED_BYTES, restreamPays, type StreamMemory } from './stream-plan.ts';

const compressedStream = { compressed: true, initialWire: 400_000, initialDecoded: 6_000_000, eventsWire: 500_000, eventsDecoded: 1_000_000 };

test('learn keeps the ratio of changes and the cost of re-sending the objects, from compressed streaming lists only', () => {
  assert.deepEqual(learn(undefined, compressedStream, true), { ratio: 0.5, restreamWire: 400_000 });
  assert.equal(learn(undefined, { ...compressedStream, compressed: false }, true), undefined, 'an uncompressed stream teaches nothing');
  const memory: StreamMemory = { ratio: 0.4, restreamWire: 300_000 };
  assert.equal(learn(memory, { ...compressedStream, initialWire: 0, initialDecoded: 0 }, false), memory, 'a resumed watch teaches nothing');
  assert.deepEqual(learn(memory, { ...compressedStream, eventsWire: 10, eventsDecoded: MIN_MEASURED_BYTES - 1 }, true), { ratio: 0.4, restreamWire: 400_000 }, 'too few changes: the last ratio stays');
  assert.deepEqual(learn(undefined, { ...compressedStream, eventsWire: 10, eventsDecoded: 100 }, true), { ratio: undefined, restreamWire: 400_000 });
});

test('restreamPays: a streaming list again when compression saves more over its life than the objects cost to re-send', () => {
  const memory: StreamMemory = { ratio: 0.5, restreamWire: 400_000 };
  const lifetime = 45 * 60_000;
  // 1 MB of changes in 30 min → 1.5 MB in 45 min, half saved = 0.75 MB > 0.4 MB.
  assert.equal(restreamPays(memory, { eventsDecoded: 1_000_000, durationMs: 30 * 60_000 }, lifetime), true);
  // 0.2 MB in 30 min → 0.15 MB saved < 0.4 MB: resume.
  assert.equal(restreamPays(memory, { eventsDecoded: 200_000, durationMs: 30 * 60_000 }, lifetime), false);
  // The break-even is exact: saving exactly the cost does not pay.
  assert.equal(restreamPays({ ratio: 0.5, restreamWire: 750_000 }, { eventsDecoded: 1_000_000, durationMs: 30 * 60_000 }, lifetime), false);
  assert.equal(restreamPays({ ratio: undefined, restreamWire: 1 }, { eventsDecoded: 1e9, durationMs: 1 }, lifetime), false, 'no measured ratio: resume');
  assert.equal(restreamPays(undefined, { eventsDecoded: 1e9, durationMs: 1 }, lifetime), false, 'no compressed stream seen: resume');
  assert.equal(restreamPays({ ratio: 1, restreamWire: 0 }, { eventsDecoded: 1e9, durationMs: 1 }, lifetime), false, 'changes that do not compress never pay');
});
