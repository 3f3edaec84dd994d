import type { Instant } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';
import type { ReleaseId } from '../model/release.ts';

/** PagePosition is the sort key of the last release on a page: (startedAt, id), both descending. */
export interface PagePosition {
  readonly startedAt: Instant;
  readonly id: ReleaseId;
}

/** encodeCursor turns a page position into an opaque, URL-safe cursor string. */
export function encodeCursor(pos: PagePosition): string {
  return Buffer.from(JSON.stringify([pos.startedAt, pos.id]), 'utf8').toString('base64url');
}

/** decodeCursor parses a cursor made by encodeCursor; anything else throws TrackerError INVALID. */
export function decodeCursor(cursor: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string')
    return { startedAt: parsed[0] as number, id: parsed[1] as ReleaseId };
  throw new TrackerError('INVALID', `release cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this ledger issued`, {
    subject: 'cursor',
    hint: 'pass the nextCursor of the previous page unchanged, or start again without a cursor',
  });
}

/** isAfterPosition tells whether a release sorts after `pos` in newest-first order (i.e. belongs to the next page). */
export function isAfterPosition(r: PagePosition, pos: PagePosition): boolean {
  return r.startedAt < pos.startedAt || (r.startedAt === pos.startedAt && r.id < pos.id);
}

/** compareNewestFirst orders releases newest first: startedAt descending, then id descending. */
export function compareNewestFirst(a: PagePosition, b: PagePosition): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
