// Exposure rules over real HTTP: the README's endpoint table equals the code's and is walked
// against a server bound beyond loopback (0.0.0.0, reached on 127.0.0.1) with no token, a viewer,
// a scrape and an operator token; on a loopback bind a foreign Host is refused (DNS rebinding);
// listen hosts are parsed, not prefix-matched; malformed percent-encoding is 400; a 500 carries a
// request id that the server log has too.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Clock } from '../lib/clock.ts';
import { jsonLogger } from '../lib/log.ts';
import type { ReleaseId } from '../model/release.ts';
import type { LedgerStore } from '../store/ledger.ts';
import { openSqliteLedger } from '../store/sqlite/store.ts';
import { aRelease } from '../../test/support/release-fixture.ts';
import { rawHttp } from '../../test/support/raw-http.ts';
import { authPolicy, isLoopback, isLoopbackHostHeader } from './auth.ts';
import { LiveBus } from './bus.ts';
import type { ApiDeps } from './deps.ts';
import { ENDPOINTS, type Access } from './exposure.ts';
import { listenApi, type ListeningApi } from './listen.ts';
import { createApi } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-exposure-'));
const web = join(dir, 'web');
mkdirSync(join(web, 'assets'), { recursive: true });
writeFileSync(join(web, 'index.html'), '<!doctype html><title>rollscope</title>');
writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
const clock: Clock = { now: () => Date.parse('2026-11-23T10:00:00Z'), sleep: async () => {} };
const release = aRelease({ id: '01AAAAAAAAAAAAAAAAAAAAAAA1' as ReleaseId, releaseNumber: 1, revision: '1', templateHash: 'h1', startedAt: Date.parse('2026-11-22T10:00:00Z') });
const tokens = [
  { subject: 'ops', role: 'operator' as const, token: 'operator-token-0123' },
  { subject: 'team', role: 'viewer' as const, token: 'viewer-token-01234' },
  { subject: 'prometheus', role: 'scrape' as const, token: 'scrape-token-01234' },
];
const logLines: string[] = [];
const deps = (host: string, extra: Partial<ApiDeps> = {}): ApiDeps => ({
  ledger,
  bus: new LiveBus(),
  clock,
  cluster: 'sim',
  readiness: { isReady: () => true, detail: () => ({}) },
  metrics: { metrics: async () => 'rollscope_up 1\n', contentType: 'text/plain; version=0.0.4' },
  actions: { run: async (action, target) => `${target.kind.toLowerCase()}.apps/${target.name} ${action}d` },
  migrations: { start: async () => ({ result: 'planned' }) },
  auth: authPolicy({ host, tokens }),
  dashboardDir: `${web}/`,
  logger: jsonLogger({ write: (l) => logLines.push(l) }),
  ...extra,
});
let exposed: ListeningApi;
let loopback: ListeningApi;
before(async () => {
  await ledger.upsertRelease(release);
  exposed = await listenApi(createApi(deps('0.0.0.0')), '0.0.0.0', 0);
  loopback = await listenApi(createApi(deps('127.0.0.1')), '127.0.0.1', 0);
});
after(async () => {
  await exposed.close();
  await loopback.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

/** readmeTable reads the endpoint table between its markers in the README. */
function readmeTable(): { method: string; path: string; access: string }[] {
  const readme = readFileSync(resolve(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const block = /<!-- endpoint-roles:start -->([\s\S]*?)<!-- endpoint-roles:end -->/.exec(readme);
  assert.ok(block, 'README has the endpoint-roles table');
  return block[1]!
    .split('\n')
    .map((l) => /^\|\s*(GET|POST)\s*\|\s*`([^`]+)`\s*\|\s*(\w+)\s*\|$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ method: m[1]!, path: m[2]!, access: m[3]! }));
}

const concrete = (path: string): string =>
  path === '/{dashboard files}' ? '/assets/app.js' : path.replace('{id}', release.id).replace('{ns}', 'shop').replace('{kind}', 'deployment').replace('{name}', 'web');

const AS: Readonly<Record<string, string | undefined>> = { none: undefined, viewer: 'viewer-token-01234', scrape: 'scrape-token-01234', operator: 'operator-token-0123' };
/** allowed: which callers an access level lets through when tokens are required. */
const allowed = (access: Access, caller: string): boolean =>
  access === 'none' || (access === 'scrape' && caller !== 'none') || (access === 'viewer' && (caller === 'viewer' || caller === 'operator')) || (access === 'operator' && caller === 'operator');

test('the README table is the code table', () => {
  assert.deepEqual(readmeTable(), ENDPOINTS.map((e) => ({ method: e.method, path: e.path, access: e.access })));
});

test('beyond loopback, every row of the README table needs its role (real HTTP, bound to 0.0.0.0)', async () => {
  const rows = readmeTable();
  assert.ok(rows.length >= 15);
  for (const row of rows)
    for (const caller of ['none', 'scrape', 'viewer', 'operator']) {
      const token = AS[caller];
      const res = await rawHttp({
        port: exposed.port,
        method: row.method,
        path: concrete(row.path),
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(row.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(row.method === 'POST' ? { body: '{}' } : {}),
        headersOnly: row.path.endsWith('/stream'),
      });
      const what = `${row.method} ${row.path} as ${caller} → ${res.status} ${res.text.slice(0, 200)}`;
      if (allowed(row.access as Access, caller)) assert.ok(res.status !== 401 && res.status !== 403 && res.status < 500, what);
      else assert.equal(res.status, caller === 'none' ? 401 : 403, what);
      if (res.status === 401 || res.status === 403) assert.equal(res.headers['content-type'], 'application/problem+json', what);
    }
});

test('beyond loopback: /metrics, /readyz, /api/* and the SSE stream without a token are 401; an unlisted endpoint is closed', async () => {
  for (const path of ['/metrics', '/readyz', '/api/v1/releases', '/api/v1/stream', '/api/v1/nothing-here', '/api/v2/releases']) {
    const res = await rawHttp({ port: exposed.port, path, headersOnly: path.endsWith('stream') });
    assert.equal(res.status, 401, path);
  }
  assert.equal((await rawHttp({ port: exposed.port, path: '/healthz' })).status, 200);
  const scraped = await rawHttp({ port: exposed.port, path: '/metrics', headers: { authorization: 'Bearer scrape-token-01234' } });
  assert.equal(scraped.status, 200);
  assert.match(scraped.text, /rollscope_up 1/);
  assert.equal((await rawHttp({ port: exposed.port, method: 'DELETE', path: '/api/v1/releases', headers: { authorization: 'Bearer viewer-token-01234' } })).status, 403, 'unlisted writes need operator');
});

test('on loopback, a Host that is not a loopback name or address is refused; loopback ones are served', async () => {
  const port = loopback.port;
  for (const host of ['evil.example', `evil.example:${port}`, `127.attacker.example:${port}`, '127.0.0.1.nip.io', '[2001:db8::1]', '10.0.0.1'])
    for (const path of ['/api/v1/releases', '/api/v1/stream', '/readyz', '/metrics', '/']) {
      const res = await rawHttp({ port, path, headers: { host } });
      assert.equal(res.status, 403, `${host} ${path}`);
      assert.match(JSON.parse(res.text).detail, /not a loopback name or address/);
    }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `app.localhost:${port}`, `[::1]:${port}`, '127.9.9.9']) {
    const res = await rawHttp({ port, path: '/api/v1/releases', headers: { host } });
    assert.equal(res.status, 200, host);
  }
});

test('isLoopback parses addresses; names other than localhost are not loopback', () => {
  for (const h of ['127.0.0.1', '127.255.0.9', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'a.localhost']) assert.equal(isLoopback(h), true, h);
  for (const h of ['127.attacker.example', '127.0.0.1.nip.io', '0.0.0.0', '::', '128.0.0.1', '10.1.2.3', '::2', '[::ffff:10.0.0.1]', 'localhost.example', '']) assert.equal(isLoopback(h), false, h);
  assert.equal(isLoopbackHostHeader('127.0.0.1:80'), true);
  assert.equal(isLoopbackHostHeader('127.0.0.1:80:80'), false);
  assert.equal(isLoopbackHostHeader('[::1'), false);
});

test('malformed percent-encoding in a path is 400, on API and dashboard paths', async () => {
  for (const path of ['/%', '/assets/%ff.js', '/api/v1/releases/%E0%A4%A', '/%zz']) {
    const res = await rawHttp({ port: loopback.port, path });
    assert.equal(res.status, 400, `${path} → ${res.status} ${res.text}`);
    assert.equal(res.headers['content-type'], 'application/problem+json');
  }
  assert.equal((await rawHttp({ port: loopback.port, path: '/assets/app.js' })).status, 200);
});

test('a 500 carries a request id, and the server log has the error under the same id', async () => {
  const broken: LedgerStore = Object.create(ledger, { queryReleases: { value: async () => { throw new Error('disk on fire'); } } }) as LedgerStore;
  const api = await listenApi(createApi(deps('127.0.0.1', { ledger: broken })), '127.0.0.1', 0);
  try {
    logLines.length = 0;
    const res = await rawHttp({ port: api.port, path: '/api/v1/releases' });
    assert.equal(res.status, 500);
    const p = JSON.parse(res.text) as { requestId: string; detail: string; code: string };
    assert.equal(p.code, 'INTERNAL');
    assert.doesNotMatch(p.detail, /disk on fire/, 'internals stay in the log');
    assert.match(p.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['x-request-id'], p.requestId);
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === p.requestId);
    assert.equal(logged.length, 1, logLines.join(''));
    assert.equal(logged[0]!.level, 'error');
    assert.match(String(logged[0]!.error), /disk on fire/);
    const sent = await rawHttp({ port: api.port, path: '/api/v1/releases', headers: { 'x-request-id': 'ci-run-42.7' } });
    assert.equal(JSON.parse(sent.text).requestId, 'ci-run-42.7', 'a plain client id is kept');
  } finally {
    await api.close();
  }
});
