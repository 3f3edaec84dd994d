import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrackerError } from '../lib/errors.ts';
import { startProbeServer } from './probe-server.ts';

test('the probe listener answers /healthz and /readyz bare, with no token and no detail; nothing else', async (t) => {
  let ready = false;
  const probes = await startProbeServer('127.0.0.1:0', { isReady: () => ready, detail: () => ({ down: [{ watch: 'pods in all namespaces', lastError: 'secret detail' }] }) });
  t.after(() => probes.close());
  const get = async (path: string, method = 'GET'): Promise<[number, string]> => {
    const res = await fetch(`${probes.url}${path}`, { method });
    return [res.status, await res.text()];
  };
  assert.deepEqual(await get('/healthz'), [200, 'ok\n']);
  assert.deepEqual(await get('/readyz'), [503, 'not ready\n'], 'not ready, and no watch names or errors');
  ready = true;
  assert.deepEqual(await get('/readyz?verbose'), [200, 'ok\n']);
  assert.equal((await get('/api/v1/releases'))[0], 404);
  assert.equal((await get('/metrics'))[0], 404);
  assert.equal((await get('/readyz', 'POST'))[0], 405);
});

test('the probe listener fails /healthz bare once a controller has stopped on its own', async (t) => {
  let failed: { name: string; error: string }[] = [];
  const probes = await startProbeServer('127.0.0.1:0', { isReady: () => true, detail: () => ({}) }, { failed: () => failed });
  t.after(() => probes.close());
  const get = async (path: string): Promise<[number, string]> => {
    const res = await fetch(`${probes.url}${path}`);
    return [res.status, await res.text()];
  };
  assert.deepEqual(await get('/healthz'), [200, 'ok\n']);
  failed = [{ name: 'tracker', error: 'connect ECONNREFUSED 10.0.0.1:5432' }];
  assert.deepEqual(await get('/healthz'), [500, 'unhealthy\n'], 'no runnable names or errors without a token');
});

test('a bad or taken probe address is a usage error naming the flag', async (t) => {
  await assert.rejects(startProbeServer('8081', { isReady: () => true, detail: () => ({}) }), (e: unknown) => e instanceof TrackerError && /--health-probe-bind-address 8081 is not HOST:PORT/.test(e.message));
  const first = await startProbeServer('127.0.0.1:0', { isReady: () => true, detail: () => ({}) });
  t.after(() => first.close());
  const port = new URL(first.url).port;
  await assert.rejects(startProbeServer(`127.0.0.1:${port}`, { isReady: () => true, detail: () => ({}) }), /cannot listen on 127\.0\.0\.1:\d+ for health probes: EADDRINUSE/);
});
