// The stats worker's entry (see stats-thread.ts): opens its own read connection to the ledger named
// by workerData and answers StatsRequest messages with the report computed in this thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { LedgerStore } from './ledger.ts';
import { SqlLedgerStore } from './sql/ledger-store.ts';
import { SqliteDriver } from './sqlite/driver.ts';
import { toSqliteStoreError } from './sqlite/errors.ts';
import { toReplyError, type StatsDatabase, type StatsReply, type StatsRequest } from './stats-thread.ts';

async function openReader(db: StatsDatabase): Promise<Pick<LedgerStore, 'stats'>> {
  if (db.kind === 'sqlite') {
    const subject = `sqlite:${db.path}`;
    try {
      // Read-only, no migration: the store that started this worker opened and migrated the file.
      const conn = new Database(db.path, { readonly: true, fileMustExist: true });
      conn.pragma(`busy_timeout = ${db.busyTimeoutMs ?? 5000}`);
      return new SqlLedgerStore(new SqliteDriver(conn, subject));
    } catch (e) {
      throw toSqliteStoreError(e, subject);
    }
  }
  const { openPostgresLedger } = await import('./postgres/store.ts');
  return openPostgresLedger({
    url: db.url,
    maxConnections: 2,
    stats: 'inline',
    ...(db.schema === undefined ? {} : { schema: db.schema }),
    ...(db.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: db.connectTimeoutMs }),
  });
}

const port = parentPort;
if (port === null) throw new Error('stats-worker.ts runs as a worker thread (stats-thread.ts starts it)');
const reader = openReader(workerData as StatsDatabase);
reader.catch(() => undefined); // each request reports the failure
port.on('message', (req: StatsRequest) => {
  const reply = (r: StatsReply): void => port.postMessage(r);
  reader.then((s) => s.stats(req.query)).then(
    (report) => reply({ id: req.id, report }),
    (e: unknown) => reply({ id: req.id, error: toReplyError(e) }),
  );
});
