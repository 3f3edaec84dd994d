import type { SinkRequest, NotificationSink } from './sink.ts';

/** DeliveryResult says whether one attempt was accepted by the receiver. */
export type DeliveryResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly retryAfterMs?: number };

/** FetchFn is the subset of fetch that delivery needs (injectable for tests). */
export type FetchFn = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<Response>;

/**
 * deliver sends one request and judges the answer by the sink's rules. It never throws: network
 * errors and timeouts come back as `{ ok: false }`. `timeoutMs` bounds the whole attempt so a
 * hanging receiver cannot hold a delivery slot (default 10 s).
 */
export async function deliver(sink: NotificationSink, req: SinkRequest, options: { readonly fetch?: FetchFn; readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<DeliveryResult> {
  const doFetch: FetchFn = options.fetch ?? ((url, init) => fetch(url, init));
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const res = await doFetch(req.url, { method: 'POST', headers: { ...req.headers }, body: req.body, signal });
    const text = await res.text();
    const verdict = sink.accepted(res.status, text);
    if (verdict.ok) return { ok: true };
    const retryAfter = Number(res.headers.get('retry-after'));
    return { ok: false, error: `${sink.type} sink "${sink.name}": ${verdict.error ?? 'rejected'}`, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  } catch (e) {
    const why = e instanceof Error ? (e.name === 'TimeoutError' ? `timed out after ${options.timeoutMs ?? 10_000} ms` : e.message) : String(e);
    return { ok: false, error: `${sink.type} sink "${sink.name}": ${why}` };
  }
}
