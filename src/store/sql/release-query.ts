import type { ReleaseFilter } from '../ledger.ts';
import { decodeCursor } from '../cursor.ts';
import type { SqlDialect } from './driver.ts';
import type { SqlValue } from './release-row.ts';

export type { SqlDialect } from './driver.ts';

/** SqlWhere is a WHERE clause (without the keyword; `TRUE`-like '1=1' when empty) and its parameters. */
export interface SqlWhere {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/**
 * releaseWhere translates a ReleaseFilter (selection and cursor) into SQL, mirroring
 * matchesReleaseFilter (filter.ts). The cursor becomes a keyset condition on (started_at, id) so the
 * newest-first indexes serve it: `started_at <= s AND (started_at < s OR id < i)`.
 */
export function releaseWhere(f: ReleaseFilter, dialect: SqlDialect): SqlWhere {
  const params: SqlValue[] = [];
  const p = (v: SqlValue): string => {
    params.push(v);
    return dialect.placeholder(params.length);
  };
  const inList = (col: string, values: readonly string[] | undefined): string | null =>
    values && values.length > 0 ? `${col} IN (${values.map((v) => p(v)).join(', ')})` : null;
  const clauses: (string | null)[] = [
    f.cluster === undefined ? null : `cluster = ${p(f.cluster)}`,
    inList('namespace', f.namespaces),
    f.kind === undefined ? null : `kind = ${p(f.kind)}`,
    f.name === undefined ? null : `name = ${p(f.name)}`,
    f.workloadUid === undefined ? null : `workload_uid = ${p(f.workloadUid)}`,
    f.image === undefined ? null : dialect.contains('image_text', p(f.image)),
    f.since === undefined ? null : `started_at >= ${p(f.since)}`,
    f.until === undefined ? null : `started_at < ${p(f.until)}`,
    inList('outcome', f.outcomes),
    inList('trigger', f.triggers),
  ];
  if (f.cursor !== undefined) {
    const pos = decodeCursor(f.cursor);
    // Written as a range (index-friendly) plus a residual filter, rather than one OR, which SQLite
    // would plan as a MULTI-INDEX OR followed by a temp B-tree sort.
    const s1 = p(pos.startedAt);
    const s2 = p(pos.startedAt);
    clauses.push(`started_at <= ${s1} AND (started_at < ${s2} OR id < ${p(pos.id)})`);
  }
  const sql = clauses.filter((c): c is string => c !== null).join(' AND ');
  return { sql: sql === '' ? '1=1' : sql, params };
}
