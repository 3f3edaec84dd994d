import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgres } from '../../../test/support/postgres.ts';
import { isTrackerError } from '../../lib/errors.ts';
import { describeLedgerContract } from '../ledger.contract.ts';
import type { ReleaseId } from '../../model/release.ts';
import { T0, makeRelease, workloadRef } from '../ledger-fixtures.ts';
import { loadMigrations } from '../sql/migrations.ts';
import { openPostgresLedger, postgresHistoryQuery } from './store.ts';

const server = await startPostgres();

if ('skip' in server) {
  describe('postgres satisfies LedgerStore', () => {
    it.skip(`needs a PostgreSQL server: ${server.skip}`, () => {});
  });
} else {
  after(() => server.stop());
  let n = 0;

  // Each ledger lives in its own schema of one server: isolated like separate databases, cheaper to make.
  describeLedgerContract('postgres', async () => {
    const schema = `ledger_${++n}`;
    return {
      store: await openPostgresLedger({ url: server.url, schema }),
      reopen: () => openPostgresLedger({ url: server.url, schema }),
      forgeSchemaVersion: async (version) => {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        try {
          await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES ($1, 'from_the_future', 0)`, [version]);
        } finally {
          await client.end();
        }
      },
    };
  });

  describe('postgres ledger specifics', () => {
    it('serves the main history queries from an index, never a sequential scan', async () => {
      const store = await openPostgresLedger({ url: server.url, schema: 'plan' });
      try {
        const rows = Array.from({ length: 1500 }, (_, i) => makeRelease(workloadRef(`ns${i % 20}`, `w${i % 50}`), Math.floor(i / 50) + 1, { id: `r${String(i).padStart(5, '0')}` as ReleaseId, templateHash: `h${i}`, startedAt: T0 + i * 1000 }));
        for (let i = 0; i < rows.length; i += 10) await Promise.all(rows.slice(i, i + 10).map((r) => store.upsertRelease(r)));
        const client = new pg.Client({ connectionString: server.url, options: '-c search_path=plan' });
        await client.connect();
        try {
          await client.query('ANALYZE releases');
          const cursor = Buffer.from(`[${T0 + 750_000},"r00750"]`).toString('base64url');
          const cases = [
            { filter: {}, sorted: true },
            // tens of rows per namespace: PostgreSQL may rightly fetch them by index and sort them in memory
            { filter: { namespaces: ['ns3'] }, sorted: false },
            { filter: { namespaces: ['ns3'], cursor }, sorted: false },
            { filter: { namespaces: ['ns3'], name: 'w3' }, sorted: false },
            { filter: { namespaces: ['ns3'], outcomes: ['progressing' as const] }, sorted: false },
          ];
          for (const { filter, sorted } of cases) {
            const q = postgresHistoryQuery(filter);
            const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.sql}`, [...q.params])).rows.map((r) => r['QUERY PLAN']).join('\n');
            assert.match(plan, /Index Scan (Backward )?(using|on) releases_(started|ns_started|ns_name_started|ns_outcome_started)/, `${JSON.stringify(filter)}:\n${plan}`);
            assert.doesNotMatch(plan, /Seq Scan/, `${JSON.stringify(filter)}:\n${plan}`);
            if (sorted) assert.doesNotMatch(plan, /Sort/, `${JSON.stringify(filter)}:\n${plan}`);
          }
        } finally {
          await client.end();
        }
      } finally {
        await store.close();
      }
    });

    it('reports an unreachable server as STORE_UNAVAILABLE without the password', async () => {
      const url = `postgres://rollscope:hunter2@127.0.0.1:${server.port + 1}/ledger`;
      await assert.rejects(openPostgresLedger({ url, connectTimeoutMs: 2000 }), (e: unknown) => {
        assert.ok(isTrackerError(e) && e.code === 'STORE_UNAVAILABLE', String(e));
        assert.match(e.message, /postgres:\/\/rollscope:\*\*\*@127\.0\.0\.1/);
        assert.doesNotMatch(`${e.message} ${e.details.subject ?? ''} ${e.details.hint ?? ''}`, /hunter2/);
        return true;
      });
    });

    it('a ledger from before the watch cursors were dropped loses the table on open, and keeps its releases', async () => {
      const schema = 'cursors';
      const drop = loadMigrations('postgres').find((m) => m.name === 'drop_watch_cursors')!;
      const old = await openPostgresLedger({ url: server.url, schema });
      await old.upsertRelease(makeRelease(workloadRef('ns', 'w'), 1));
      await old.close();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        // Put the ledger back as it was before the drop: the table with a row, the migration unapplied.
        await client.query(`CREATE TABLE ${schema}.watch_cursors (cluster TEXT NOT NULL, resource TEXT NOT NULL, namespace TEXT NOT NULL, resource_version TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (cluster, resource, namespace))`);
        await client.query(`INSERT INTO ${schema}.watch_cursors VALUES ('default', 'pods', '', '41', 0)`);
        await client.query(`DELETE FROM ${schema}.schema_migrations WHERE version = $1`, [drop.version]);
        const store = await openPostgresLedger({ url: server.url, schema });
        try {
          assert.equal((await client.query(`SELECT to_regclass('${schema}.watch_cursors') AS t`)).rows[0].t, null);
          assert.equal(await store.schemaVersion(), loadMigrations('postgres').at(-1)!.version);
          assert.equal((await store.queryReleases({})).items.length, 1);
        } finally {
          await store.close();
        }
      } finally {
        await client.end();
      }
    });

    it('a ledger from before the templates moved out of the release rows keeps every template (migration 0009)', async () => {
      const schema = 'templates';
      const move = loadMigrations('postgres').find((m) => m.name === 'release_templates')!;
      const old = await openPostgresLedger({ url: server.url, schema });
      const releases = [makeRelease(workloadRef('ns', 'w'), 1), makeRelease(workloadRef('ns', 'w'), 2, { template: { spec: { containers: [{ name: 'app', env: [{ name: 'A', value: '<redacted>' }] }] }, unicode: 'ünï 日本' } }), makeRelease(workloadRef('ns', 'v'), 1, { template: null })];
      for (const r of releases) await old.upsertRelease(r);
      await old.close();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        // Put the ledger back as it was before: the template a column of the release rows, no side table, the migration unapplied.
        await client.query(`ALTER TABLE ${schema}.releases ADD COLUMN template JSONB NOT NULL DEFAULT 'null'`);
        await client.query(`UPDATE ${schema}.releases r SET template = t.template FROM ${schema}.release_templates t WHERE t.id = r.id`);
        await client.query(`DROP TABLE ${schema}.release_templates`);
        await client.query(`DELETE FROM ${schema}.schema_migrations WHERE version = $1`, [move.version]);
        const store = await openPostgresLedger({ url: server.url, schema });
        try {
          for (const r of releases) assert.deepEqual(await store.getRelease(r.id), r);
          const columns = (await client.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'releases'`, [schema])).rows.map((c: { column_name: string }) => c.column_name);
          assert.ok(!columns.includes('template'), columns.join(', '));
          assert.deepEqual((await store.queryReleases({})).items.map((r) => 'template' in r), [false, false, false]);
        } finally {
          await store.close();
        }
      } finally {
        await client.end();
      }
    });

    it('keeps answering when another process changes a table under its prepared statements', async () => {
      const schema = 'prepared';
      const store = await openPostgresLedger({ url: server.url, schema, maxConnections: 1 }); // one connection: the one that prepared
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        const r = makeRelease(workloadRef('ns', 'w'), 1);
        await store.upsertRelease(r);
        const history = { namespaces: ['ns'], kind: r.workload.kind, name: 'w' };
        assert.deepEqual((await store.queryReleases(history)).items.map((x) => x.id), [r.id]);
        const prepared = (await store.driver.query('SELECT statement FROM pg_prepared_statements')).rows.map((p) => String(p.statement));
        assert.ok(prepared.includes(postgresHistoryQuery(history).sql), prepared.join('\n'));
        // A newer tracker's migration adds a column. The ledger's own reads name their columns, so they
        // keep their prepared plans and answer the same.
        const outbox = 'SELECT * FROM outbox WHERE id > $1';
        const outboxInTransaction = 'SELECT * FROM outbox WHERE id >= $1'; // its own text: one text has one name
        await store.driver.query(outbox, [0]);
        await store.driver.transaction((tx) => tx.query(outboxInTransaction, [1]));
        await client.query(`ALTER TABLE ${schema}.releases ADD COLUMN added_by_a_newer_migration INTEGER`);
        assert.deepEqual((await store.queryReleases(history)).items.map((x) => x.id), [r.id]);
        const updated = { ...r, outcome: 'succeeded' as const, finishedAt: r.startedAt + 60_000 };
        await store.upsertRelease(updated);
        assert.deepEqual(await store.getRelease(r.id), updated);
        // A prepared `SELECT *` (RETURNING * of the outbox's claim is one) would change its result type:
        // outside a transaction it runs again unnamed; inside one the error has aborted the transaction,
        // so the whole transaction runs again.
        // (The transaction first: node-postgres's pool closes a connection whose query failed, and the
        // retried statement outside a transaction would leave a fresh connection with nothing prepared.)
        await client.query(`ALTER TABLE ${schema}.outbox ADD COLUMN added_by_a_newer_migration INTEGER`);
        let runs = 0;
        const rows = await store.driver.transaction(async (tx) => {
          runs++;
          return (await tx.query(outboxInTransaction, [1])).rows;
        });
        assert.deepEqual([rows, runs], [[], 2]);
        assert.deepEqual((await store.driver.query(outbox, [0])).rows, []);
        assert.deepEqual(await store.claimDue(Date.now(), 10, 1_000), []);
      } finally {
        await client.end();
        await store.close();
      }
    });

    it('two trackers migrating one database at once apply each migration once', async () => {
      const schema = 'race';
      const [a, b] = await Promise.all([openPostgresLedger({ url: server.url, schema }), openPostgresLedger({ url: server.url, schema })]);
      try {
        assert.equal(await a.schemaVersion(), await b.schemaVersion());
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        const rows = await client.query('SELECT version FROM race.schema_migrations');
        await client.end();
        assert.equal(rows.rowCount, await a.schemaVersion());
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
