import type { RowDecoders } from '../sql/release-row.ts';

/**
 * sqliteDecoders read better-sqlite3 values: JSON columns arrive as text to parse, integers as
 * JavaScript numbers (every stored integer is an epoch-ms time or a count, well below 2^53).
 */
export const sqliteDecoders: RowDecoders = {
  json: (v) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v),
  int: (v) => (typeof v === 'number' ? v : Number(v)),
};
