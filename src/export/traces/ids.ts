import { createHash } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

/** traceIdFor derives a release's trace id (32 hex) from its release id, so it is stable across restarts. */
export function traceIdFor(releaseId: string): string {
  return createHash('sha256').update(`trace:${releaseId}`).digest('hex').slice(0, 32);
}

/** spanIdFor derives a span id (16 hex) from the release id and the span's key within the release. */
export function spanIdFor(releaseId: string, key: string): string {
  return createHash('sha256').update(`span:${releaseId}:${key}`).digest('hex').slice(0, 16);
}

/**
 * ScriptedIdGenerator hands the SDK the ids we derived: call `next(traceId, spanId)` immediately
 * before each `tracer.startSpan` (synchronous, so no other span can take them). Without a scripted
 * id it falls back to random ids, so spans started elsewhere stay valid.
 */
export class ScriptedIdGenerator implements IdGenerator {
  #traceId: string | undefined;
  #spanId: string | undefined;

  next(traceId: string, spanId: string): void {
    this.#traceId = traceId;
    this.#spanId = spanId;
  }

  generateTraceId(): string {
    const id = this.#traceId ?? createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 32);
    this.#traceId = undefined;
    return id;
  }

  generateSpanId(): string {
    const id = this.#spanId ?? createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 16);
    this.#spanId = undefined;
    return id;
  }
}
