import { gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from './respond.ts';

/**
 * WatchStreamWriter carries the frames of one watch response to the socket, as kube-apiserver's
 * watchResponseWriter does (k8s.io/apiserver pkg/endpoints/handlers/watch.go, 1.37):
 * - plain: every frame is written as it comes;
 * - gzip (WatchListCompression, a streaming list whose client accepts gzip): frames are gathered
 *   until the server flushes and each flush is one complete gzip member (RFC 1952 §2.2: members
 *   follow each other; a gunzip reads them as one stream) at GZIP_LEVEL — the real server's
 *   perFlushGzipWriter, which borrows a gzip.Writer on the first write and closes it on Flush.
 *
 * When the real server flushes: after an event when no other event is waiting in the watcher's
 * channel, and right after the initial-events-end BOOKMARK. The simulator's store delivers the
 * changes of one write synchronously, so "nothing waiting" is the end of the current turn of the
 * event loop: `flushSoon` flushes then (setImmediate), `flushNow` at once. A burst of events from
 * one write — the initial events, a Deployment's status with its ReplicaSet's — is one member; a
 * lone change later in the day is a member of its own, which compresses worse than a burst. The
 * accounting sees each flush: the bytes on the wire and the frames before compression.
 */
export interface WatchStreamWriter {
  /** write queues (gzip) or sends (plain) one frame. */
  write(frame: Buffer): void;
  /** flushNow sends what is queued, as one gzip member. No-op for plain streams. */
  flushNow(): void;
  /** end flushes and ends the response. */
  end(): void;
  /** close drops what is queued (the connection is gone). */
  close(): void;
}

/** Sink is where flushed bytes go: the socket, and the accounting of wire and decoded bytes. */
export interface FlushSink {
  send(wire: Buffer): void;
  count(wireBytes: number, decodedBytes: number): void;
  end(): void;
}

/** plainWatchWriter sends every frame at once, uncompressed. */
export function plainWatchWriter(sink: FlushSink): WatchStreamWriter {
  return {
    write: (frame) => {
      sink.count(frame.length, frame.length);
      sink.send(frame);
    },
    flushNow: () => {},
    end: () => sink.end(),
    close: () => {},
  };
}

/** gzipWatchWriter gathers frames and sends one gzip member per flush (see WatchStreamWriter). */
export function gzipWatchWriter(sink: FlushSink): WatchStreamWriter {
  let pending: Buffer[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;
  const flushNow = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0 || closed) return;
    const frames = Buffer.concat(pending);
    pending = [];
    const member = gzipSync(frames, { level: GZIP_LEVEL });
    sink.count(member.length, frames.length);
    sink.send(member);
  };
  return {
    write: (frame) => {
      if (closed) return;
      pending.push(frame);
      scheduled ??= setImmediate(flushNow);
    },
    flushNow,
    end: () => {
      flushNow();
      closed = true;
      sink.end();
    },
    close: () => {
      closed = true;
      pending = [];
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
    },
  };
}
