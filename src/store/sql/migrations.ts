import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrackerError } from '../../lib/errors.ts';

/** Migration is one numbered schema change, applied once, in order, in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** MigrationDialect names a folder of migrations under `store/migrations/`. */
export type MigrationDialect = 'sqlite' | 'postgres';

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * loadMigrations reads `store/migrations/<dialect>/NNNN_name.sql`, ordered by version. Versions must
 * run 1, 2, 3… without gaps or repeats: a gap means a file went missing, which must not pass silently.
 */
export function loadMigrations(dialect: MigrationDialect, dir = join(import.meta.dirname, '..', 'migrations', dialect)): readonly Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2] ?? '', sql: readFileSync(join(dir, file), 'utf8') });
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1)
      throw new TrackerError('INTERNAL', `migration ${mig.version}_${mig.name} in ${dir} is out of sequence (expected version ${i + 1})`, {
        subject: dir,
        hint: 'number migrations 0001, 0002, … without gaps',
      });
  });
  return out;
}

/**
 * pendingMigrations returns the migrations not yet applied. If the ledger records a version this
 * code does not know, a newer rollscope migrated it: throws STORE_MIGRATION_PENDING, naming both.
 */
export function pendingMigrations(known: readonly Migration[], applied: readonly number[], subject: string): readonly Migration[] {
  const newestKnown = known[known.length - 1]?.version ?? 0;
  const unknown = applied.filter((v) => !known.some((m) => m.version === v));
  if (unknown.length > 0)
    throw new TrackerError(
      'STORE_MIGRATION_PENDING',
      `ledger ${subject} has schema version ${Math.max(...unknown)}, which this rollscope does not know (it knows up to ${newestKnown})`,
      { subject, hint: 'upgrade rollscope to the version that migrated this ledger, or point --db at another ledger' },
    );
  return known.filter((m) => !applied.includes(m.version));
}
