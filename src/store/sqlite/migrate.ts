import type { Database } from 'better-sqlite3';
import { loadMigrations, pendingMigrations, type Migration } from '../sql/migrations.ts';

/**
 * migrateSqlite brings a SQLite ledger to the latest schema: it creates `schema_migrations` if
 * missing, then applies each pending migration in its own transaction together with its row, so a
 * crash leaves either the old or the new version. Re-running is a no-op. A version newer than this
 * code knows throws STORE_MIGRATION_PENDING (see pendingMigrations). Returns what it applied.
 */
export function migrateSqlite(db: Database, subject: string, now: () => number = Date.now): readonly Migration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
  const pending = pendingMigrations(loadMigrations('sqlite'), applied, subject);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  for (const m of pending) {
    // IMMEDIATE takes the write lock first, so a second process migrating at once waits, then skips.
    db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return;
      db.exec(m.sql);
      record.run(m.version, m.name, now());
    }).immediate();
  }
  return pending;
}

/** sqliteSchemaVersion returns the highest applied migration version, 0 for a fresh file. */
export function sqliteSchemaVersion(db: Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}
