import type { RowDecoders, SqlValue } from './release-row.ts';
import type { Row } from './rows.ts';

/**
 * The small driver interface the one SQL ledger (sql/ledger-store.ts) runs on. SQLite and PostgreSQL
 * differ only here — in the driver (how a query runs and a transaction is held), in the dialect (the
 * few spellings that differ), in the codecs (how column values come back) and in their migrations.
 */

/** SqlDialect is every spelling that differs between the two SQL dialects in the queries we build. */
export interface SqlDialect {
  /** placeholder for the n-th parameter (1-based): `?` in SQLite, `$n` in PostgreSQL. */
  placeholder(n: number): string;
  /** contains is a boolean expression: column `col` contains the text parameter `p` (case-sensitive). */
  contains(col: string, p: string): string;
  /** json wraps the placeholder of a JSON-text parameter written to a JSON column (`$n::jsonb` in PostgreSQL). */
  json(p: string): string;
  /** collate follows a text column in ORDER BY so text sorts by bytes in both dialects (`COLLATE "C"` in PostgreSQL, '' in SQLite). */
  readonly collate: string;
  /**
   * lockKey is a statement that, inside a transaction, serialises writers of the key parameter `p`
   * until commit (a PostgreSQL advisory transaction lock), or null when every write transaction
   * already holds the database's single write lock (SQLite, BEGIN IMMEDIATE).
   */
  lockKey(p: string): string | null;
  /** skipLocked follows the row-selecting subquery of an outbox claim (`FOR UPDATE SKIP LOCKED` in PostgreSQL, '' in SQLite). */
  readonly skipLocked: string;
  /** releaseSeq is how a new release gets its place in a table clustered by workload, or null where the dialect has none (PostgreSQL). */
  readonly releaseSeq: ReleaseSeq | null;
}

/**
 * ReleaseSeq places releases in a `releases` table clustered by workload (SQLite, migration 0010):
 * each workload_uid has a key in `release_workload_keys`, and a release's `seq` (the table's key)
 * lies in the workload's range [key × span, (key + 1) × span), so a workload's releases are
 * neighbours in the table. Both statements take the workload uid as their one parameter `p`.
 */
export interface ReleaseSeq {
  /** span is how many seq values each workload's range holds. */
  readonly span: number;
  /** key is a statement giving the workload a key if it has none; run before inserting a release. */
  key(p: string): string;
  /**
   * range selects `base` (the range's first value), `top` (the largest seq in the range, or null)
   * and `last` (the largest seq of the table) for the workload; nextReleaseSeq turns them into the
   * new release's seq.
   */
  range(p: string): string;
}

/**
 * nextReleaseSeq is a new release's seq: after the largest in its workload's range (base + 1 for the
 * workload's first release); a workload whose range is full takes the table's largest seq plus one,
 * still unique, only no longer next to its neighbours. Called under the write lock.
 */
export function nextReleaseSeq(span: number, base: number, top: number | null, last: number | null): number {
  if (top === null) return base + 1;
  return top + 1 < base + span ? top + 1 : (last ?? top) + 1;
}

/** SqlResult is what one statement returned: its rows (RETURNING or SELECT) and how many rows it changed. */
export interface SqlResult {
  readonly rows: readonly Row[];
  readonly changes: number;
}

/** SqlQuerier runs one statement. Failures that mean "the database cannot be used now" throw STORE_UNAVAILABLE. */
export interface SqlQuerier {
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlResult>;
}

/**
 * SqlDriver is one open database. Contract:
 * - `query` outside a transaction never runs inside another caller's open transaction.
 * - `transaction` runs `fn` atomically with exclusive write intent: it commits when `fn` resolves and
 *   rolls back when it rejects (the rejection passes through); writers of one workload serialise.
 * - `close` is idempotent; nothing may be called after it.
 */
export interface SqlDriver extends SqlQuerier {
  readonly dialect: SqlDialect;
  readonly decoders: RowDecoders;
  /** subject names the database in errors (a file path or a URL without its password). */
  readonly subject: string;
  transaction<T>(fn: (q: SqlQuerier) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Json marks a parameter written to a JSON column: encoded as JSON text, cast by the dialect. */
export class Json {
  readonly text: string;
  constructor(value: unknown) {
    this.text = JSON.stringify(value ?? null);
  }
}

/** Sql is a statement with its parameters, built for one dialect. */
export interface Sql {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** Fragment is raw SQL text spliced into a statement as is (never user input). */
export class Fragment {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** raw marks trusted SQL text (column lists, clauses built from constants) for splicing into `sqlFor`. */
export const raw = (text: string): Fragment => new Fragment(text);

/**
 * sqlFor returns a tagged-template builder for one dialect: every interpolated value becomes a
 * numbered parameter (`Json` values cast as JSON), `raw(...)` fragments are spliced as text.
 * Example: sqlFor(d)`SELECT * FROM releases WHERE id = ${id}`.
 */
export function sqlFor(dialect: SqlDialect): (strings: TemplateStringsArray, ...values: readonly (SqlValue | Json | Fragment)[]) => Sql {
  return (strings, ...values) => {
    const params: SqlValue[] = [];
    let sql = strings[0] ?? '';
    values.forEach((v, i) => {
      if (v instanceof Fragment) sql += v.text;
      else if (v instanceof Json) {
        params.push(v.text);
        sql += dialect.json(dialect.placeholder(params.length));
      } else {
        params.push(v);
        sql += dialect.placeholder(params.length);
      }
      sql += strings[i + 1] ?? '';
    });
    return { sql, params };
  };
}
