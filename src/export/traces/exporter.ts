import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Release } from '../../model/release.ts';
import { ScriptedIdGenerator, spanIdFor, traceIdFor } from './ids.ts';
import { planReleaseSpans } from './plan.ts';

/** ReleaseTracerOptions configures trace export. */
export interface ReleaseTracerOptions {
  /** OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. If unset, nothing is sent. */
  readonly endpoint?: string;
  /** Extra HTTP headers (e.g. an auth token for the collector). */
  readonly headers?: Readonly<Record<string, string>>;
  /** service.name of the resource. If unset, `rollscope`. */
  readonly serviceName?: string;
  /** Further resource attributes (OTEL_RESOURCE_ATTRIBUTES); service.name comes from `serviceName`. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** For tests: export to this exporter instead of OTLP. */
  readonly exporter?: SpanExporter;
}

/**
 * ReleaseTracer emits one trace per finished release over OTLP/HTTP (protobuf), with ids derived
 * from the release id. Constructing it does no I/O; `exportRelease` only queues spans (the batch
 * processor sends them in the background, so a slow collector never slows ingestion); `shutdown`
 * flushes. With no endpoint and no exporter it is disabled and sends nothing.
 */
export class ReleaseTracer {
  readonly enabled: boolean;
  readonly #ids = new ScriptedIdGenerator();
  readonly #provider: TracerProvider | undefined;

  constructor(options: ReleaseTracerOptions = {}) {
    const exporter = options.exporter ?? (options.endpoint ? new OTLPTraceExporter({ url: options.endpoint, headers: { ...options.headers } }) : undefined);
    this.enabled = exporter !== undefined;
    if (!exporter) return;
    this.#provider = new TracerProvider({
      resource: resourceFromAttributes({ ...options.resourceAttributes, 'service.name': options.serviceName ?? 'rollscope' }),
      idGenerator: this.#ids,
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
    });
  }

  /** exportRelease queues the trace of a finished release; unfinished releases are ignored. Returns the span count. */
  exportRelease(release: Release): number {
    if (!this.#provider) return 0;
    const tracer = this.#provider.getTracer('rollscope');
    const traceId = traceIdFor(release.id);
    const spans = new Map<string, Span>();
    const plan = planReleaseSpans(release);
    for (const p of plan) {
      const parent = p.parentKey ? spans.get(p.parentKey) : undefined;
      const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
      this.#ids.next(traceId, spanIdFor(release.id, p.key));
      const span = tracer.startSpan(p.name, { startTime: p.start, attributes: p.attributes, root: !parent }, ctx);
      for (const e of p.events) span.addEvent(e.name, e.attributes, e.time);
      if (p.error) span.setStatus({ code: SpanStatusCode.ERROR, message: p.error });
      else span.setStatus({ code: SpanStatusCode.OK });
      spans.set(p.key, span);
    }
    // End children before the root so the exporter sees complete parents last.
    for (const p of [...plan].reverse()) spans.get(p.key)?.end(p.end);
    return plan.length;
  }

  /** flush sends everything queued so far. */
  async flush(): Promise<void> {
    await this.#provider?.forceFlush();
  }

  /** shutdown flushes and stops the exporter. */
  async shutdown(): Promise<void> {
    await this.#provider?.shutdown();
  }
}
