// The fact sink stores a release's new state and the notifications it calls for together: a
// tracker that dies (SIGKILL) right after the release write cannot lose the messages, because after
// a restart the stored state is the `before` of the next change and nothing would announce it again.
// A real SQLite ledger file, opened again for the restarted tracker; the process death is simulated
// by a ledger that refuses every operation once the release write has committed, as a dead process
// makes none.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { realClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/log.ts';
import { buildNotificationSetup } from '../../export/notify/config.ts';
import { NotificationDispatcher } from '../../export/notify/dispatcher.ts';
import { makeRelease, workloadRef } from '../../store/ledger-fixtures.ts';
import type { LedgerStore } from '../../store/ledger.ts';
import { openLedger } from '../../store/open.ts';
import { FactSink } from './fact-sink.ts';

const SETUP = buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'hook', url: 'http://127.0.0.1:9/hook' }] });
const web = workloadRef('shop', 'web');
const progressing = makeRelease(web, 1);
const succeeded = makeRelease(web, 1, { outcome: 'succeeded', finishedAt: progressing.startedAt + 60_000, replicas: { desired: 3, updated: 3, ready: 3, available: 3 } });

/** tracker is a fact sink with a notification dispatcher over `ledger` (run() is never called: nothing is delivered). */
const tracker = (ledger: LedgerStore): FactSink =>
  new FactSink({ ledger, clock: realClock, logger: silentLogger, notifier: new NotificationDispatcher({ ledger, setup: SETUP, clock: realClock, logger: silentLogger }) });

/** dyingAfterReleaseWrite is `ledger` for a process that is SIGKILLed as soon as a release write commits: every later operation fails and `died` aborts. */
function dyingAfterReleaseWrite(ledger: LedgerStore, died: AbortController): LedgerStore {
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (died.signal.aborted) throw new Error(`the process is dead; ${String(prop)} never ran`);
        const out = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (prop === 'upsertRelease') died.abort();
        return out;
      };
    },
  });
}

test('a tracker killed right after a release write still has that change notified after its restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-fact-outbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const url = `sqlite:${join(dir, 'ledger.db')}`;

  // Given a tracker that recorded (and queued the `started` message of) a progressing release
  const first = await openLedger(url);
  await tracker(first).apply({ kind: 'releaseStarted', release: progressing }, new AbortController().signal);
  assert.ok(await first.outboxEntry(`${progressing.id}:started/hook`), 'started is queued');

  // When it is killed right after writing the release's success
  const died = new AbortController();
  // (whatever it did after that write died with it, so whether apply noticed does not matter)
  await tracker(dyingAfterReleaseWrite(first, died)).apply({ kind: 'releaseUpdated', release: succeeded, changes: [] }, died.signal).catch(() => undefined);
  assert.ok(died.signal.aborted, 'the release write committed');
  await first.close();

  // And the restarted tracker observes the same state again (it relists and re-derives the release)
  const second = await openLedger(url);
  t.after(() => second.close());
  await tracker(second).apply({ kind: 'releaseUpdated', release: succeeded, changes: [] }, new AbortController().signal);

  // Then the ledger holds the success and its message, once
  assert.equal((await second.getRelease(succeeded.id))?.outcome, 'succeeded');
  const entry = await second.outboxEntry(`${succeeded.id}:succeeded/hook`);
  assert.ok(entry, `the succeeded message of ${succeeded.id} is in the outbox`);
  assert.equal((entry.payload as { release: { outcome: string } }).release.outcome, 'succeeded');
});
