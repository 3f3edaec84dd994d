import type { CanaryEntry } from '../../canary/ledger.ts';
import type { CanaryFilter, CanaryStore } from '../ledger.ts';
import { pageLimit } from '../page-limit.ts';
import type { SqlDialect } from './release-query.ts';
import type { RowDecoders, SqlValue } from './release-row.ts';
import type { Row } from './rows.ts';

/**
 * The `canaries` table (migration 0002_canaries) in both SQL dialects: one row per canary, keyed by
 * cluster + canary id, with the columns lists filter on and the whole ledger entry
 * (canary/ledger.ts) as JSON. The SQL is the same for SQLite and PostgreSQL; each store hands in
 * how it runs a statement, its placeholder spelling and its row decoders.
 */

/** SqlRun runs one statement and returns its rows (none for writes). */
export type SqlRun = (sql: string, params: readonly SqlValue[]) => Promise<readonly Row[]>;

const UPSERT = (d: SqlDialect): string =>
  `INSERT INTO canaries (cluster, id, namespace, name, phase, started_at, updated_at, finished_at, entry) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => d.placeholder(i)).join(', ')})
   ON CONFLICT (cluster, id) DO UPDATE SET namespace = excluded.namespace, name = excluded.name, phase = excluded.phase,
   started_at = excluded.started_at, updated_at = excluded.updated_at, finished_at = excluded.finished_at, entry = excluded.entry`;

/** sqlCanaryStore implements CanaryStore over one SQL database. */
export function sqlCanaryStore(run: SqlRun, dialect: SqlDialect, d: RowDecoders): CanaryStore {
  const decode = (row: Row): CanaryEntry => d.json(row.entry) as CanaryEntry;
  return {
    async upsertCanary(e: CanaryEntry): Promise<void> {
      await run(UPSERT(dialect), [e.cluster, e.id, e.namespace, e.name, e.phase, e.startedAt, e.updatedAt, e.finishedAt, JSON.stringify(e)]);
    },
    async getCanary(cluster: string, id: string): Promise<CanaryEntry | null> {
      const rows = await run(`SELECT entry FROM canaries WHERE cluster = ${dialect.placeholder(1)} AND id = ${dialect.placeholder(2)}`, [cluster, id]);
      return rows[0] === undefined ? null : decode(rows[0]);
    },
    async listCanaries(f: CanaryFilter): Promise<readonly CanaryEntry[]> {
      const params: SqlValue[] = [];
      const p = (v: SqlValue): string => {
        params.push(v);
        return dialect.placeholder(params.length);
      };
      const inList = (col: string, values: readonly string[] | undefined): string | null => (values && values.length > 0 ? `${col} IN (${values.map((v) => p(v)).join(', ')})` : null);
      const where = [f.cluster === undefined ? null : `cluster = ${p(f.cluster)}`, inList('namespace', f.namespaces), f.name === undefined ? null : `name = ${p(f.name)}`, inList('phase', f.states)].filter((c) => c !== null);
      const sql = `SELECT entry FROM canaries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ${p(pageLimit(f.limit))}`;
      return (await run(sql, params)).map(decode);
    },
  };
}
