import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackerError } from '../lib/errors.ts';
import { defaultLedgerUrl, parseLedgerUrl } from './open.ts';
import { redactUrl } from './redact-url.ts';

const rows = [
  { name: 'sqlite relative path', url: 'sqlite:./x.db', want: { kind: 'sqlite', path: './x.db' } },
  { name: 'sqlite absolute path', url: 'sqlite:/var/lib/rollscope/ledger.db', want: { kind: 'sqlite', path: '/var/lib/rollscope/ledger.db' } },
  { name: 'sqlite URL form', url: 'sqlite:///var/ledger.db', want: { kind: 'sqlite', path: '/var/ledger.db' } },
  { name: 'sqlite home path', url: 'sqlite:~/.rollscope/ledger.db', want: { kind: 'sqlite', path: '/home/u/.rollscope/ledger.db' } },
  { name: 'sqlite in memory', url: 'sqlite::memory:', want: { kind: 'sqlite', path: ':memory:' } },
  { name: 'postgres', url: 'postgres://u:p@db:5432/ledger', want: { kind: 'postgres', url: 'postgres://u:p@db:5432/ledger' } },
  { name: 'postgres with schema', url: 'postgresql://db/ledger?schema=rs&sslmode=require', want: { kind: 'postgres', url: 'postgresql://db/ledger?sslmode=require', schema: 'rs' } },
  { name: 'memory', url: 'memory:', want: { kind: 'memory' } },
] as const;

for (const row of rows) test(`parseLedgerUrl: ${row.name}`, () => assert.deepEqual(parseLedgerUrl(row.url, '/home/u'), row.want));

for (const bad of ['mysql://db/x', 'sqlite:', '/tmp/ledger.db', 'postgres://u:pw@[bad']) {
  test(`parseLedgerUrl rejects ${bad} with a hint and no password`, () => {
    assert.throws(
      () => parseLedgerUrl(bad, '/home/u'),
      (e: unknown) => isTrackerError(e) && e.code === 'CONFIG_INVALID' && /--db/.test(e.details.hint ?? '') && !e.message.includes(':pw@'),
    );
  });
}

test('defaultLedgerUrl prefers ROLLSCOPE_DB, else the per-user SQLite file', () => {
  assert.equal(defaultLedgerUrl({ ROLLSCOPE_DB: 'postgres://db/x' }), 'postgres://db/x');
  assert.equal(defaultLedgerUrl({}), 'sqlite:~/.rollscope/ledger.db');
});

test('redactUrl hides only the password, in the userinfo or the query', () => {
  assert.equal(redactUrl('postgres://app:s3cret@db:5432/ledger'), 'postgres://app:***@db:5432/ledger');
  assert.equal(redactUrl('postgres://app@db/ledger'), 'postgres://app@db/ledger');
  assert.equal(redactUrl('postgres://app:s3cret@[bad/ledger'), 'postgres://app:***@[bad/ledger');
  assert.equal(redactUrl('postgres://db/ledger?user=app&password=s3cret'), 'postgres://db/ledger?user=app&password=***');
});
