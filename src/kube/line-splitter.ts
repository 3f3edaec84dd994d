import { TrackerError } from '../lib/errors.ts';

/**
 * MAX_LINE_BYTES bounds one watch event. etcd refuses values over 1.5 MiB and a watch event adds
 * a small envelope, so 16 MiB leaves ample room while stopping a broken stream from growing a
 * line without end.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * LineSplitter cuts a byte stream into UTF-8 lines (newline-delimited JSON). Each chunk is scanned
 * once with indexOf; bytes of an unfinished line are kept as chunk slices and joined once when the
 * newline arrives, so the total cost is linear in the stream's length. Invalid UTF-8 becomes U+FFFD.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  /** push returns the complete lines ending in `chunk`, without their newlines. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      lines.push(this.#finish(chunk.subarray(start, nl)));
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.#pending.push(chunk.subarray(start));
      this.#pendingBytes += chunk.length - start;
      if (this.#pendingBytes > MAX_LINE_BYTES)
        throw new TrackerError('MALFORMED_OBJECT', `a watch event is longer than ${MAX_LINE_BYTES} bytes`, {
          hint: 'the stream is not newline-delimited JSON or an object is far over the API size limit; the watch is restarted',
        });
    }
    return lines;
  }

  #finish(tail: Uint8Array): string {
    if (this.#pending.length === 0) return this.#decoder.decode(tail);
    const all = new Uint8Array(this.#pendingBytes + tail.length);
    let at = 0;
    for (const p of this.#pending) {
      all.set(p, at);
      at += p.length;
    }
    all.set(tail, at);
    this.#pending = [];
    this.#pendingBytes = 0;
    return this.#decoder.decode(all);
  }
}
