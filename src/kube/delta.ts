import type { ChangeType } from '../model/watch-event.ts';
import type { ObjectKey } from './keys.ts';

/** DeletedFinalStateUnknown marks an object missing on relist whose delete event we never saw. `last` may be stale. */
export interface DeletedFinalStateUnknown<T> {
  readonly kind: 'DeletedFinalStateUnknown';
  readonly key: ObjectKey;
  readonly last: T | undefined;
}

/**
 * Delta is one change plus the object's state after it: ADDED and MODIFIED carry its new state,
 * DELETED its last known state (client-go `delta_fifo.go`; no periodic resync, so no Sync deltas).
 */
export interface Delta<T> {
  readonly type: ChangeType;
  readonly object: T | DeletedFinalStateUnknown<T>;
}

/** isTombstone tells whether a delta's object is a DeletedFinalStateUnknown. */
export function isTombstone<T>(o: T | DeletedFinalStateUnknown<T>): o is DeletedFinalStateUnknown<T> {
  return typeof o === 'object' && o !== null && (o as { kind?: unknown }).kind === 'DeletedFinalStateUnknown';
}
