import type { StreamBytes } from './list-watch.ts';

/**
 * When a reflector re-opens its watch, which kind of stream pays: a plain watch that resumes from
 * the last resourceVersion (nothing sent twice, but uncompressed: kube-apiserver never compresses
 * it), or a new streaming list (KEP-3157 WatchList), which a 1.37+ server compresses for its whole
 * life (WatchListCompression) but which starts by sending every object again. The streaming list
 * pays when what compression saves on the changes of its lifetime is more than the objects cost to
 * send again compressed:
 *
 *     (1 − ratio) × changeRate × lifetime  >  restreamWire
 *
 * with `ratio` the compressed/decoded size of changes seen on the last compressed stream,
 * `restreamWire` the compressed size of its initial events, and `changeRate` the decoded bytes per
 * millisecond of changes on the stream that just ended. Without a compressed stream seen yet, or
 * with too few changes on it to measure a ratio, the answer is to resume. A busy collection (many
 * changes, few objects) re-streams; a large quiet one resumes, as client-go's reflector always does.
 */

/** MIN_MEASURED_BYTES is how many decoded bytes of changes a compressed stream must carry before its ratio is trusted. */
export const MIN_MEASURED_BYTES = 16 * 1024;

/** StreamMemory is what the reflector learnt from its last compressed streaming list. */
export interface StreamMemory {
  /** Compressed/decoded size of the changes on it (0..1), or undefined if too few were seen. */
  readonly ratio: number | undefined;
  /** Compressed bytes of its initial events: what sending every object again costs. */
  readonly restreamWire: number;
}

/** learn updates the memory with a stream that ended; only a compressed streaming list teaches anything. */
export function learn(memory: StreamMemory | undefined, bytes: StreamBytes, streamingList: boolean): StreamMemory | undefined {
  if (!streamingList || !bytes.compressed || bytes.initialWire === 0) return memory;
  const ratio = bytes.eventsDecoded >= MIN_MEASURED_BYTES ? Math.min(1, bytes.eventsWire / bytes.eventsDecoded) : memory?.ratio;
  return { ratio, restreamWire: bytes.initialWire };
}

/**
 * restreamPays tells whether the next stream should be a streaming list (true) or a resume (false),
 * from the memory, the stream that just ended (its decoded change bytes and how long it lasted) and
 * the expected lifetime of a streaming list. Example: ratio 0.5, 1 MB of changes in the last 30 min,
 * a 45-min stream expected, 0.4 MB to re-send → saves 0.75 MB > 0.4 MB → true.
 */
export function restreamPays(memory: StreamMemory | undefined, last: { readonly eventsDecoded: number; readonly durationMs: number }, expectedLifetimeMs: number): boolean {
  if (memory?.ratio === undefined) return false;
  const rate = last.eventsDecoded / Math.max(1, last.durationMs);
  return (1 - memory.ratio) * rate * expectedLifetimeMs > memory.restreamWire;
}
