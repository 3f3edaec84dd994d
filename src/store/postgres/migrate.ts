import type pg from 'pg';
import { loadMigrations, pendingMigrations, type Migration } from '../sql/migrations.ts';

/**
 * migratePostgres brings a PostgreSQL ledger (in the connection's current schema) to the latest
 * version. Each migration runs in its own transaction with its `schema_migrations` row, under a
 * transaction-scoped advisory lock, so trackers starting together apply each migration once and the
 * others wait, then see it applied. Re-running is a no-op; a version newer than this code knows
 * throws STORE_MIGRATION_PENDING. Returns what it applied.
 */
export async function migratePostgres(client: pg.PoolClient, subject: string, schema: string | null, now: () => number = Date.now): Promise<readonly Migration[]> {
  const known = loadMigrations('postgres');
  const applied: Migration[] = [];
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('rollscope-ledger-migrate:' || $1))`, [schema ?? '']);
      if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const res = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const next = pendingMigrations(known, res.rows.map((r) => r.version), subject)[0];
      if (!next) {
        await client.query('COMMIT');
        return applied;
      }
      await client.query(next.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [next.version, next.name, now()]);
      await client.query('COMMIT');
      applied.push(next);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
