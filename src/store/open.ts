import { homedir } from 'node:os';
import { join } from 'node:path';
import { assertNever } from '../lib/assert-never.ts';
import { TrackerError } from '../lib/errors.ts';
import type { LedgerStore } from './ledger.ts';
import { redactUrl } from './redact-url.ts';

/**
 * DEFAULT_LEDGER_PATH is where `rollscope serve` keeps its SQLite ledger and where `rollscope
 * history` reads it, unless `--db` or the ROLLSCOPE_DB environment variable says otherwise:
 * `~/.rollscope/ledger.db`, per user, so it does not depend on the directory a command runs in.
 */
export const DEFAULT_LEDGER_PATH = join('~', '.rollscope', 'ledger.db');

/** LEDGER_URL_ENV names the environment variable that overrides the default ledger URL. */
export const LEDGER_URL_ENV = 'ROLLSCOPE_DB';

/** defaultLedgerUrl is `$ROLLSCOPE_DB` if set, else `sqlite:` + DEFAULT_LEDGER_PATH. */
export function defaultLedgerUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env[LEDGER_URL_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : `sqlite:${DEFAULT_LEDGER_PATH}`;
}

/** OpenLedgerOptions configures openLedger. */
export interface OpenLedgerOptions {
  /** Refuse to create a missing SQLite file (read-only commands such as `history`). If unset, false. */
  readonly mustExist?: boolean;
  /** PostgreSQL connection timeout in ms. If unset, 5000. */
  readonly connectTimeoutMs?: number;
}

/** LedgerLocation is a parsed ledger URL. */
export type LedgerLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string }
  | { readonly kind: 'memory' };

const USAGE_HINT = 'use --db sqlite:PATH (e.g. sqlite:~/.rollscope/ledger.db) or --db postgres://user:password@host:5432/database';

/**
 * parseLedgerUrl reads a ledger URL: `sqlite:PATH` (`~` expands to the home directory,
 * `sqlite::memory:` is a private in-memory database), `postgres://…` or `postgresql://…` (an
 * optional `?schema=NAME` picks the schema), or `memory:` (SQLite in memory, same as `sqlite::memory:`). Anything else throws CONFIG_INVALID.
 */
export function parseLedgerUrl(url: string, home: string = homedir()): LedgerLocation {
  if (url.startsWith('sqlite:')) {
    const raw = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (raw === '') throw new TrackerError('CONFIG_INVALID', `ledger URL ${JSON.stringify(url)} names no file`, { subject: url, hint: USAGE_HINT });
    return { kind: 'sqlite', path: raw === '~' || raw.startsWith('~/') ? join(home, raw.slice(1)) : raw };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      throw new TrackerError('CONFIG_INVALID', `ledger URL ${redactUrl(url)} is not a valid URL`, { subject: redactUrl(url), hint: USAGE_HINT, cause: e });
    }
    const schema = parsed.searchParams.get('schema');
    if (schema === null) return { kind: 'postgres', url };
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', url: parsed.toString(), schema };
  }
  if (url === 'memory:') return { kind: 'memory' };
  throw new TrackerError('CONFIG_INVALID', `ledger URL ${JSON.stringify(redactUrl(url))} has an unknown scheme`, { subject: redactUrl(url), hint: USAGE_HINT });
}

/**
 * openLedger opens the ledger a URL names (see parseLedgerUrl), applying pending migrations.
 * Drivers load lazily, so a SQLite user never loads pg and vice versa. Errors: CONFIG_INVALID for a
 * bad URL, STORE_UNAVAILABLE (naming the URL without its password) when the database cannot be
 * opened or reached, STORE_MIGRATION_PENDING when a newer rollscope migrated it.
 */
export async function openLedger(url: string, options: OpenLedgerOptions = {}): Promise<LedgerStore> {
  const loc = parseLedgerUrl(url);
  switch (loc.kind) {
    case 'sqlite': {
      const { openSqliteLedger } = await import('./sqlite/store.ts');
      return openSqliteLedger({ path: loc.path, mustExist: options.mustExist === true });
    }
    case 'postgres': {
      const { openPostgresLedger } = await import('./postgres/store.ts');
      return openPostgresLedger({
        url: loc.url,
        ...(loc.schema === undefined ? {} : { schema: loc.schema }),
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      });
    }
    case 'memory': {
      // `memory:` is a private SQLite database in memory: the same SQL implementation, nothing on disk.
      const { openSqliteLedger } = await import('./sqlite/store.ts');
      return openSqliteLedger({ path: ':memory:' });
    }
    default:
      return assertNever(loc);
  }
}
