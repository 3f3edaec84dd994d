import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LiveEvent } from '../bus.ts';
import type { ApiDeps } from '../deps.ts';
import { parseQuery, type ApiEnv } from '../http.ts';
import { noParams } from '../schemas.ts';

/** STREAM_QUEUE_LIMIT bounds what one slow client can hold; older events are dropped first. */
const STREAM_QUEUE_LIMIT = 1000;
/** HEARTBEAT_MS keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** registerStreamRoute adds `GET /api/v1/stream`: Server-Sent Events of live tracker facts. */
export function registerStreamRoute(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/api/v1/stream', (c) => {
    const q = parseQuery(c, noParams);
    if (!q.ok) return q.response;
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.bus.subscribe((e) => {
        if (queue.length >= STREAM_QUEUE_LIMIT) queue.shift();
        queue.push(e);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ cluster: deps.cluster }) });
      try {
        while (!closed) {
          const e = queue.shift();
          if (e) {
            await stream.writeSSE({ event: e.type, data: JSON.stringify(e.data) });
            continue;
          }
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = null;
          if (queue.length === 0 && !closed) await stream.write(': heartbeat\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });
}
