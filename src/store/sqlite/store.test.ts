import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isTrackerError } from '../../lib/errors.ts';
import { describeLedgerContract } from '../ledger.contract.ts';
import { T0, makeRelease, workloadRef } from '../ledger-fixtures.ts';
import { loadMigrations } from '../sql/migrations.ts';
import { RELEASE_COLUMNS, encodeRelease, encodeTemplate } from '../sql/release-row.ts';
import { migrateSqlite } from './migrate.ts';
import { historyQuery, openSqliteLedger } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollscope-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeLedgerContract('sqlite (file)', async () => {
  const path = join(dir, `ledger-${++n}.db`);
  return {
    store: openSqliteLedger({ path }),
    reopen: async () => openSqliteLedger({ path }),
    forgeSchemaVersion: async (version) => {
      const s = openSqliteLedger({ path });
      s.database.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, 'from_the_future', 0);
      await s.close();
    },
  };
});

describe('sqlite ledger specifics', () => {
  it('uses an index for the main history queries (no full scan, no temp sort)', async () => {
    const store = openSqliteLedger({ path: ':memory:' });
    try {
      for (let i = 1; i <= 50; i++) await store.upsertRelease(makeRelease(workloadRef(`ns${i % 5}`, `w${i % 7}`), Math.ceil(i / 35), { id: `r${i}` as never, templateHash: `h${i}` }));
      store.database.exec('ANALYZE');
      const rows = [
        { name: 'all namespaces', filter: {}, index: 'releases_started' },
        { name: 'one namespace', filter: { namespaces: ['ns1'] }, index: 'releases_ns' },
        { name: 'one workload by name', filter: { namespaces: ['ns1'], name: 'w1' }, index: 'releases_ns' },
        { name: 'next page', filter: { namespaces: ['ns1'], cursor: Buffer.from('[1,"r9"]').toString('base64url') }, index: 'releases_ns' },
        { name: 'one namespace, one outcome', filter: { namespaces: ['ns1'], outcomes: ['progressing'] }, index: 'releases_ns_outcome_started' },
        { name: 'one namespace, one outcome, next page', filter: { namespaces: ['ns1'], outcomes: ['progressing'], cursor: Buffer.from('[1,"r9"]').toString('base64url') }, index: 'releases_ns_outcome_started' },
      ] as const;
      for (const row of rows) {
        const { sql, params } = historyQuery(row.filter);
        const plan = (store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((p) => p.detail).join(' | ');
        assert.match(plan, new RegExp(`USING INDEX ${row.index}`), `${row.name}: ${plan}`);
        assert.doesNotMatch(plan, /USE TEMP B-TREE FOR ORDER BY/, `${row.name}: ${plan}`);
        assert.doesNotMatch(plan, /SCAN releases$/, `${row.name}: ${plan}`);
      }
    } finally {
      await store.close();
    }
  });

  it('computes stats in a worker thread on its own connection, equal to the inline computation', async () => {
    const path = join(dir, 'stats-worker.db');
    const inline = openSqliteLedger({ path, stats: 'inline' });
    const worker = openSqliteLedger({ path });
    try {
      const outcomes = ['succeeded', 'failed', 'succeeded', 'rolled-back', 'succeeded', 'superseded'] as const;
      for (let i = 0; i < 120; i++)
        await inline.upsertRelease(makeRelease(workloadRef(`ns${i % 4}`, `w${i % 9}`), Math.floor(i / 9) + 1, { startedAt: T0 + i * 60_000, finishedAt: T0 + i * 60_000 + (i % 5) * 1_000, outcome: outcomes[i % outcomes.length] ?? 'succeeded' }));
      for (const query of [{ since: T0, until: T0 + 86_400_000 }, { since: T0 + 3_600_000, until: T0 + 86_400_000, namespaces: ['ns1', 'ns2'], groupBy: 'workload' as const }]) {
        const pending = worker.stats(query);
        assert.ok(process.getActiveResourcesInfo().includes('MessagePort'), 'a worker thread is computing while the caller waits');
        assert.deepEqual(await pending, await inline.stats(query));
      }
      assert.equal((await worker.stats({ since: T0, until: T0 + 86_400_000 })).total.releases, 120);
    } finally {
      await inline.close();
      await worker.close();
    }
  });

  it('rejects stats still computing when the ledger closes, instead of leaving the caller hanging', async () => {
    const store = openSqliteLedger({ path: join(dir, 'stats-close.db') });
    const pending = store.stats({ since: T0, until: T0 + 86_400_000 });
    await store.close();
    await assert.rejects(pending, (e: unknown) => isTrackerError(e) && e.code === 'STORE_UNAVAILABLE');
    await assert.rejects(store.stats({ since: T0, until: T0 + 86_400_000 }), (e: unknown) => isTrackerError(e) && e.code === 'STORE_UNAVAILABLE');
  });

  it('reports a ledger locked by another writer as STORE_UNAVAILABLE with a hint', async () => {
    const path = join(dir, 'locked.db');
    const a = openSqliteLedger({ path });
    const b = openSqliteLedger({ path, busyTimeoutMs: 50 });
    try {
      a.database.exec('BEGIN IMMEDIATE');
      await assert.rejects(b.upsertRelease(makeRelease(workloadRef('ns', 'w'), 1)), (e: unknown) => isTrackerError(e) && e.code === 'STORE_UNAVAILABLE' && e.message.includes(path) && /write lock/.test(e.details.hint ?? ''));
      assert.equal((await b.queryReleases({})).items.length, 0, 'readers are not blocked by the writer (WAL)');
      a.database.exec('ROLLBACK');
      assert.equal((await b.upsertRelease(makeRelease(workloadRef('ns', 'w'), 1))).releaseNumber, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a ledger from before the watch cursors were dropped loses the table on open, and keeps its releases', async () => {
    const path = join(dir, 'cursors.db');
    const drop = loadMigrations('sqlite').find((m) => m.name === 'drop_watch_cursors')!;
    const old = openSqliteLedger({ path });
    await old.upsertRelease(makeRelease(workloadRef('ns', 'w'), 1));
    // Put the ledger back as it was before the drop: the table with a row, the migration unapplied.
    old.database.exec("CREATE TABLE watch_cursors (cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, resource_version TEXT NOT NULL, saved_at INTEGER NOT NULL, PRIMARY KEY (cluster, resource, namespace))");
    old.database.exec("INSERT INTO watch_cursors VALUES ('default', 'pods', '', '41', 0)");
    old.database.prepare('DELETE FROM schema_migrations WHERE version = ?').run(drop.version);
    await old.close();
    const store = openSqliteLedger({ path });
    try {
      assert.deepEqual(store.database.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'watch_cursors'").get(), { n: 0 });
      assert.equal(await store.schemaVersion(), loadMigrations('sqlite').at(-1)!.version);
      assert.equal((await store.queryReleases({})).items.length, 1);
    } finally {
      await store.close();
    }
  });

  it('a ledger from before the templates moved out of the release rows keeps every template (migration 0009)', async () => {
    const path = join(dir, 'templates.db');
    const move = loadMigrations('sqlite').find((m) => m.name === 'release_templates')!;
    const old = openSqliteLedger({ path });
    const releases = [makeRelease(workloadRef('ns', 'w'), 1), makeRelease(workloadRef('ns', 'w'), 2, { template: { spec: { containers: [{ name: 'app', env: [{ name: 'A', value: '<redacted>' }] }] }, unicode: 'ünï 日本' } }), makeRelease(workloadRef('ns', 'v'), 1, { template: null })];
    for (const r of releases) await old.upsertRelease(r);
    // Put the ledger back as it was before: the template a column of the release rows, no side table, the migration unapplied.
    old.database.exec("ALTER TABLE releases ADD COLUMN template TEXT NOT NULL DEFAULT 'null'");
    old.database.exec('UPDATE releases SET template = (SELECT t.template FROM release_templates t WHERE t.id = releases.id)');
    old.database.exec('DROP TABLE release_templates');
    old.database.prepare('DELETE FROM schema_migrations WHERE version = ?').run(move.version);
    await old.close();
    const store = openSqliteLedger({ path });
    try {
      for (const r of releases) assert.deepEqual(await store.getRelease(r.id), r);
      const columns = (store.database.prepare('PRAGMA table_info(releases)').all() as { name: string }[]).map((c) => c.name);
      assert.ok(!columns.includes('template'), columns.join(', '));
      assert.deepEqual((await store.queryReleases({})).items.map((r) => 'template' in r), [false, false, false]);
    } finally {
      await store.close();
    }
  });

  it('a ledger from before releases were clustered by workload keeps every release and answer, its rows now neighbours per workload (migration 0010)', async () => {
    const path = join(dir, 'clustered.db');
    const cluster = loadMigrations('sqlite').find((m) => m.name === 'releases_by_workload')!;
    // A ledger at the version before, written as that version did: rows in arrival order, workloads interleaved.
    const old = new Database(path);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const m of loadMigrations('sqlite').filter((m) => m.version < cluster.version)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const workloads = ['a', 'b', 'c'].map((name) => workloadRef('ns', name));
    const releases = Array.from({ length: 4 }, (_, n) => workloads.map((w, k) => makeRelease(w, n + 1, { startedAt: T0 + (n * 3 + k) * 60_000, ...(n === 0 && k === 1 ? { template: null } : {}) }))).flat();
    const insert = old.prepare(`INSERT INTO releases (${RELEASE_COLUMNS.join(', ')}) VALUES (${RELEASE_COLUMNS.map(() => '?').join(', ')})`);
    for (const r of releases) {
      insert.run(...encodeRelease(r));
      old.prepare('INSERT INTO release_templates (id, template) VALUES (?, ?)').run(r.id, encodeTemplate(r));
    }
    old.close();
    const store = openSqliteLedger({ path });
    try {
      assert.equal(await store.schemaVersion(), loadMigrations('sqlite').at(-1)!.version);
      for (const r of releases) assert.deepEqual(await store.getRelease(r.id), r);
      const { template: _, ...listed } = releases[5]!;
      for (const w of workloads)
        assert.deepEqual((await store.queryReleases({ namespaces: ['ns'], kind: 'Deployment', name: w.name })).items.map((r) => r.id), releases.filter((r) => r.workload.name === w.name).map((r) => r.id).reverse());
      assert.deepEqual((await store.queryReleases({ namespaces: ['ns'], name: 'c' })).items[2], listed);
      const seqs = (): { name: string; seq: number }[] => store.database.prepare('SELECT name, seq FROM releases ORDER BY seq').all() as { name: string; seq: number }[];
      // Each workload's rows are consecutive in the table's order, oldest first.
      assert.deepEqual(seqs().map((r) => r.name), ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c']);
      // A new release joins its workload's rows, however much was written since.
      await store.upsertRelease(makeRelease(workloadRef('ns', 'a'), 5, { startedAt: T0 + 100 * 60_000 }));
      await store.upsertRelease(makeRelease(workloadRef('ns', 'd'), 1, { startedAt: T0 + 101 * 60_000 }));
      await store.upsertRelease(makeRelease(workloadRef('ns', 'b'), 5, { startedAt: T0 + 102 * 60_000 }));
      assert.deepEqual(seqs().map((r) => r.name), ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c', 'd']);
      const a = seqs().filter((r) => r.name === 'a').map((r) => r.seq);
      assert.deepEqual(a.map((s) => s - a[0]!), [0, 1, 2, 3, 4]);
    } finally {
      await store.close();
    }
  });

  it('a workload whose range of the clustered table is full still gets a unique place (migration 0010)', async () => {
    const store = openSqliteLedger({ path: join(dir, 'full-range.db') });
    try {
      const span = store.driver.dialect.releaseSeq!.span;
      await store.upsertRelease(makeRelease(workloadRef('ns', 'a'), 1));
      await store.upsertRelease(makeRelease(workloadRef('ns', 'b'), 1));
      // Fill workload a's range up to its last value, as 2^24 releases would.
      const key = (store.database.prepare("SELECT key FROM release_workload_keys WHERE workload_uid = 'uid-ns-a'").get() as { key: number }).key;
      store.database.prepare("UPDATE releases SET seq = ? WHERE id = 'r-ns-a-001'").run((key + 1) * span - 1);
      await store.upsertRelease(makeRelease(workloadRef('ns', 'a'), 2));
      await store.upsertRelease(makeRelease(workloadRef('ns', 'b'), 2));
      const rows = store.database.prepare('SELECT id, seq FROM releases ORDER BY seq').all() as { id: string; seq: number }[];
      // a's next release goes after the table's largest seq (inside b's range, b's last row); b's next after that.
      assert.deepEqual(rows.map((r) => r.id), ['r-ns-a-001', 'r-ns-b-001', 'r-ns-a-002', 'r-ns-b-002']);
      assert.equal(new Set(rows.map((r) => r.seq)).size, 4);
      assert.deepEqual((await store.queryReleases({ namespaces: ['ns'], name: 'a' })).items.map((r) => r.releaseNumber), [2, 1]);
    } finally {
      await store.close();
    }
  });

  it('re-running migrations applies nothing and keeps the data', async () => {
    const path = join(dir, 'remigrate.db');
    const store = openSqliteLedger({ path });
    try {
      await store.upsertRelease(makeRelease(workloadRef('ns', 'w'), 1));
      assert.deepEqual(migrateSqlite(store.database, path), []);
      const rows = store.database.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      assert.deepEqual(rows, loadMigrations('sqlite').map((m) => ({ version: m.version, name: m.name })));
      assert.equal((await store.queryReleases({})).items.length, 1);
    } finally {
      await store.close();
    }
  });

  it('turns on WAL for file ledgers', async () => {
    const store = openSqliteLedger({ path: join(dir, 'wal.db') });
    try {
      assert.equal(store.database.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      await store.close();
    }
  });

  it('refuses to create a missing file when it must exist, naming the path', () => {
    const path = join(dir, 'missing', 'ledger.db');
    assert.throws(
      () => openSqliteLedger({ path, mustExist: true }),
      (e: unknown) => isTrackerError(e) && e.code === 'STORE_UNAVAILABLE' && e.message.includes(path) && /serve/.test(e.details.hint ?? ''),
    );
    assert.equal(existsSync(path), false);
  });
});
