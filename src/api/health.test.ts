// Liveness over real HTTP: a controller manager whose runnable stops on its own makes serve's
// /healthz fail (names only: /healthz needs no token) and /readyz not ready (with what it said,
// behind the viewer token), while the rest of the API goes on answering from the ledger.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Manager } from '../controllers/runtime/manager.ts';
import type { Clock } from '../lib/clock.ts';
import { silentLogger } from '../lib/log.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { authPolicy } from './auth.ts';
import { LiveBus } from './bus.ts';
import { listenApi } from './listen.ts';
import { livenessReadiness } from './readiness.ts';
import { createApi } from './server.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a runnable that stops on its own fails /healthz and /readyz; the ledger is still served', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-health-'));
  const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let failTracker: (e: Error) => void = () => {};
  const manager = new Manager({ logger: silentLogger })
    .add({ name: 'tracker', leaderOnly: true, run: (signal) => new Promise<void>((resolve, reject) => { failTracker = reject; signal.addEventListener('abort', () => resolve(), { once: true }); }) })
    .add({ name: 'notifications', leaderOnly: true, run: (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })) });
  const liveness = { failed: () => manager.status().failed };
  const clock: Clock = { now: () => Date.parse('2026-12-06T05:00:00Z'), sleep: async () => {} };
  const readiness = livenessReadiness({ isReady: () => true, detail: () => ({ synced: true }) }, liveness);
  const viewer = { authorization: 'Bearer viewer-token-0123' };
  const app = createApi({ ledger, bus: new LiveBus(), clock, cluster: 'sim', readiness, liveness, logger: silentLogger, auth: authPolicy({ host: '127.0.0.1', tokens: [{ subject: 'v', role: 'viewer', token: 'viewer-token-0123' }] }) });
  const api = await listenApi(app, '127.0.0.1', 0);
  t.after(async () => {
    await manager.stop();
    await api.close();
    await ledger.close();
  });
  const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${api.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  manager.start();
  await tick();
  assert.deepEqual(await get('/healthz'), { status: 200, body: { status: 'ok' } });
  assert.equal((await get('/readyz', viewer)).status, 200);

  failTracker(new Error('ledger write failed: disk I/O error'));
  await tick();
  const health = await get('/healthz');
  assert.equal(health.status, 500);
  assert.equal(health.body['status'], 'failed');
  assert.deepEqual(health.body['failed'], ['tracker']);
  assert.doesNotMatch(JSON.stringify(health.body), /disk I\/O/, 'what it said stays behind the token');
  const ready = await get('/readyz', viewer);
  assert.equal(ready.status, 503);
  assert.deepEqual(ready.body['failed'], [{ name: 'tracker', error: 'ledger write failed: disk I/O error' }]);
  assert.match(String(ready.body['reason']), /stopped on their own: tracker/);
  assert.equal((await get('/api/v1/releases', viewer)).status, 200, 'the ledger is still served');
  assert.deepEqual(manager.status().running, ['notifications'], 'the other runnables go on');
});
