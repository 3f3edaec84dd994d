// Input rules over real HTTP: bodies are read from the stream whatever the transfer encoding,
// limited in size and validated per action with unknown fields rejected, before anything acts;
// query parameters are checked against each endpoint's list (unknown or repeated → 400 naming the
// allowed ones).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Clock } from '../lib/clock.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { rawHttp } from '../../test/support/raw-http.ts';
import { authPolicy } from './auth.ts';
import { LiveBus } from './bus.ts';
import type { OperatorActions } from './deps.ts';
import { listenApi, type ListeningApi } from './listen.ts';
import { createApi } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-input-'));
const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
const clock: Clock = { now: () => Date.parse('2026-11-23T10:00:00Z'), sleep: async () => {} };
const calls: string[] = [];
const actions: OperatorActions = {
  async run(action, target, o) {
    calls.push(`${action} ${target.namespace}/${target.name} toRevision=${o.toRevision ?? '-'}`);
    return `${action} done`;
  },
};
const op = { authorization: 'Bearer operator-token-0123' };
let api: ListeningApi;
before(async () => {
  const app = createApi({ ledger, bus: new LiveBus(), clock, cluster: 'sim', readiness: { isReady: () => true, detail: () => ({}) }, actions, auth: authPolicy({ host: '127.0.0.1', tokens: [{ subject: 'ops', role: 'operator', token: 'operator-token-0123' }] }) });
  api = await listenApi(app, '127.0.0.1', 0);
});
after(async () => {
  await api.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const undo = '/api/v1/workloads/shop/deployment/web/undo';

test('a chunked body is read in full: toRevision reaches the action and the audit record', async () => {
  calls.length = 0;
  const res = await rawHttp({ port: api.port, method: 'POST', path: undo, headers: { ...op, 'content-type': 'application/json' }, chunks: ['{"toRev', 'ision":', '1}'] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(calls, ['undo shop/web toRevision=1']);
  const [audit] = await ledger.listActions({ namespace: 'shop' });
  assert.deepEqual(audit?.detail, { toRevision: 1, message: 'undo done' });
  const plain = await rawHttp({ port: api.port, method: 'POST', path: undo, headers: op, body: '{"toRevision":2}' });
  assert.equal(plain.status, 200);
  const empty = await rawHttp({ port: api.port, method: 'POST', path: undo, headers: op, chunks: [] });
  assert.equal(empty.status, 200, 'an empty body is {} (the previous revision)');
  assert.deepEqual(calls, ['undo shop/web toRevision=1', 'undo shop/web toRevision=2', 'undo shop/web toRevision=-']);
});

test('invalid, unknown or oversized bodies are refused before anything acts, and nothing is audited', async () => {
  calls.length = 0;
  const before = (await ledger.listActions({})).length;
  const cases: { path?: string; body: string[]; status: number; match: RegExp; type?: string }[] = [
    { body: ['{"toRevision":"garbage","evil":1}'], status: 400, match: /toRevision|evil/ },
    { body: ['{"evil":1}'], status: 400, match: /evil/ },
    { body: ['{"toRevision":-1}'], status: 400, match: /toRevision/ },
    { body: ['{"toRevision":1.5}'], status: 400, match: /toRevision/ },
    { body: ['[1]'], status: 400, match: /invalid/ },
    { body: ['{"toRevision":'], status: 400, match: /not valid JSON/ },
    { body: ['{"toRevision":1}'], status: 415, match: /application\/json/, type: 'text/plain' },
    { path: '/api/v1/workloads/shop/deployment/web/pause', body: ['{"toRevision":1}'], status: 400, match: /toRevision/ },
    { body: ['{"reason":"', 'x'.repeat(9000), 'y'.repeat(9000), '"}'], status: 413, match: /exceeds 16384 bytes/ },
    { path: `${undo}?dryRun=true`, body: ['{}'], status: 400, match: /dryRun: unknown parameter; allowed: cluster$/ },
  ];
  for (const c of cases) {
    const res = await rawHttp({ port: api.port, method: 'POST', path: c.path ?? undo, headers: { ...op, 'content-type': c.type ?? 'application/json' }, chunks: c.body });
    assert.equal(res.status, c.status, `${c.body.join('').slice(0, 60)} → ${res.status} ${res.text}`);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    assert.match(JSON.parse(res.text).detail, c.match);
  }
  assert.deepEqual(calls, [], 'no action ran');
  assert.equal((await ledger.listActions({})).length, before, 'nothing was audited');
});

test('query parameters: unknown or repeated are 400 with the allowed list; lists are comma-separated', async () => {
  const get = async (path: string) => rawHttp({ port: api.port, path });
  const misspelt = await get('/api/v1/releases?namespcae=x');
  assert.equal(misspelt.status, 400);
  const p = JSON.parse(misspelt.text) as { detail: string; errors: { path: string; message: string }[] };
  assert.equal(p.errors[0]!.path, 'namespcae');
  assert.match(p.detail, /unknown parameter; allowed: namespace, kind, name, image, since, until, outcome, trigger, cursor, limit/);
  const repeated = await get('/api/v1/releases?namespace=a&namespace=b');
  assert.equal(repeated.status, 400);
  assert.match(JSON.parse(repeated.text).detail, /namespace: given more than once/);
  assert.equal((await get('/api/v1/releases?namespace=a,b')).status, 200);
  for (const path of ['/api/v1/rollouts/active?x=1', '/api/v1/stats?groupby=workload', '/api/v1/workloads?include_deleted=true', '/readyz?verbose=1', '/api/v1/stream?since=1h', '/metrics?x=1', '/api/v1/workloads/shop/deployment/web/releases?limit=5'])
    assert.equal((await get(path)).status, 400, path);
});
