// The dispatcher against a real SQLite ledger and a local HTTP receiver: idempotent enqueue,
// retries with back-off after 500s, a hanging sink that does not hold up others, and
// redelivery with the same idempotency key after a crash mid-delivery (lease expiry).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Clock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ReleaseId } from '../../model/release.ts';
import { openSqliteLedger } from '../../store/sqlite/store.ts';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { buildNotificationSetup } from './config.ts';
import { NotificationDispatcher } from './dispatcher.ts';
import { notificationsFor } from './message.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-outbox-'));
const keys: string[] = [];
let failNext = 0;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.url === '/hang') return; // never answers
    if (failNext > 0) {
      failNext--;
      res.writeHead(500).end('down');
      return;
    }
    keys.push(String(req.headers['idempotency-key']));
    res.writeHead(200).end('{}');
  });
});
let base = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function manualClock(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, sleep: async () => {}, advance: (ms) => (now += ms) };
}

test('enqueue is idempotent, failures retry with back-off, success is recorded once', async () => {
  const ledger = openSqliteLedger({ path: join(dir, 'a.db') });
  const clock = manualClock(Date.parse('2026-11-23T00:00:00Z'));
  const setup = buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'hook', url: `${base}/hook` }] });
  const d = new NotificationDispatcher({ ledger, setup, clock, logger: silentLogger, leaseMs: 30_000 });
  const ns = notificationsFor(undefined, aRelease({ id: 'R1' as ReleaseId, outcome: 'failed' }));
  assert.equal(await d.enqueue(ns), 2);
  assert.equal(await d.enqueue(ns), 0, 'same keys again: nothing new');
  failNext = 2;
  assert.equal(await d.drainOnce(), 2);
  assert.equal(keys.length, 0);
  assert.equal(await d.drainOnce(), 0, 'not due until the back-off passes');
  clock.advance(5_000);
  assert.equal(await d.drainOnce(), 2);
  assert.deepEqual(keys.sort(), ['R1:failed', 'R1:started']);
  clock.advance(3_600_000);
  assert.equal(await d.drainOnce(), 0, 'delivered entries are never claimed again');
  const entry = await ledger.outboxEntry('R1:failed/hook');
  assert.equal(entry?.status, 'delivered');
  assert.equal(entry?.attempts, 2);
  await ledger.close();
});

test('a crash mid-delivery redelivers after the lease with the same key; a reopened ledger keeps state', async () => {
  keys.length = 0;
  const path = join(dir, 'b.db');
  const clock = manualClock(Date.parse('2026-11-23T00:00:00Z'));
  const setup = buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'hook', url: `${base}/hook` }], routes: [{ sinks: ['hook'], states: ['succeeded'] }] });
  const first = openSqliteLedger({ path });
  const d1 = new NotificationDispatcher({ ledger: first, setup, clock, logger: silentLogger, leaseMs: 30_000 });
  assert.equal(await d1.enqueue(notificationsFor(undefined, aRelease({ id: 'R2' as ReleaseId }))), 1, 'route keeps only succeeded');
  const claimed = await first.claimDue(clock.now(), 10, 30_000); // the "crashed" worker claimed, then died
  assert.equal(claimed.length, 1);
  await first.close();
  const second = openSqliteLedger({ path });
  const d2 = new NotificationDispatcher({ ledger: second, setup, clock, logger: silentLogger, leaseMs: 30_000 });
  assert.equal(await d2.drainOnce(), 0, 'still leased by the dead worker');
  clock.advance(30_001);
  assert.equal(await d2.drainOnce(), 1);
  assert.deepEqual(keys, ['R2:succeeded']);
  await second.close();
});

test('a hanging sink times out without holding up another sink', async () => {
  keys.length = 0;
  const ledger = openSqliteLedger({ path: join(dir, 'c.db') });
  const clock = manualClock(Date.parse('2026-11-23T00:00:00Z'));
  const setup = buildNotificationSetup({ sinks: [{ type: 'webhook', name: 'slow', url: `${base}/hang` }, { type: 'webhook', name: 'fast', url: `${base}/hook` }] });
  const d = new NotificationDispatcher({ ledger, setup, clock, logger: silentLogger, timeoutMs: 300 });
  await d.enqueue(notificationsFor(aRelease({ id: 'R3' as ReleaseId, outcome: 'progressing' }), aRelease({ id: 'R3' as ReleaseId })));
  await d.drainOnce();
  assert.deepEqual(keys, ['R3:succeeded']);
  assert.match((await ledger.outboxEntry('R3:succeeded/slow'))?.lastError ?? '', /timed out/);
  await ledger.close();
});
