import type { RowDecoders } from '../sql/release-row.ts';

/**
 * postgresDecoders read node-postgres values: jsonb columns arrive already parsed; BIGINT (int8)
 * arrives as a decimal string, which we turn into a number (every stored integer is an epoch-ms
 * time, a count or an identity well below 2^53).
 */
export const postgresDecoders: RowDecoders = {
  json: (v) => v,
  int: (v) => (typeof v === 'number' ? v : Number(v)),
};

