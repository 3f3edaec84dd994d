import { TrackerError } from '../lib/errors.ts';

/**
 * A small client of the Prometheus HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/):
 * instant queries only (GET /api/v1/query), which is all a canary's analysis needs. Hand-written
 * rather than a library: the npm clients are either unmaintained or pull in a whole HTTP stack for
 * one GET and one JSON shape.
 *
 * Results: an instant vector with one sample, or a scalar, gives its number (NaN stays NaN — the
 * judge treats it as no data); an empty vector gives null (no data). A vector with several series
 * is an error in the query (it must aggregate to one number). Every failure — unreachable, a
 * timeout, an HTTP error, `status: error` (bad PromQL) — is a TrackerError METRICS_UNAVAILABLE
 * (exit code 5) whose message names the URL queried.
 */

/** PrometheusClient runs instant queries. */
export interface PrometheusClient {
  readonly url: string;
  /** queries counts the queries sent (the benchmark reports it per step). */
  readonly queries: () => number;
  /** instant evaluates `promql` now; null when it has no data. */
  instant(promql: string, signal?: AbortSignal): Promise<number | null>;
  /** vector evaluates `promql` now and returns every series with its labels (for traffic shares). */
  vector(promql: string, signal?: AbortSignal): Promise<{ labels: Record<string, string>; value: number }[]>;
}

/** PrometheusOptions configures the client. */
export interface PrometheusOptions {
  /** Per-query timeout. If unset, 10 s (Flagger uses 5 s, Argo Rollouts 30 s). */
  readonly timeoutMs?: number;
}

interface ApiBody {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

function unavailable(url: string, what: string, cause?: unknown): TrackerError {
  return new TrackerError('METRICS_UNAVAILABLE', `Prometheus query ${url} failed: ${what}`, {
    subject: url,
    hint: 'check --prometheus (the server URL, reachable from here) and the query in the analysis file',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** normaliseUrl drops a trailing slash and checks the scheme. */
export function normaliseUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new TrackerError('USAGE', `--prometheus ${JSON.stringify(text)} is not a URL`, { hint: 'give the server address, e.g. --prometheus http://127.0.0.1:9090' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TrackerError('USAGE', `--prometheus ${text}: only http and https are supported`, { hint: 'e.g. --prometheus http://127.0.0.1:9090' });
  return u.toString().replace(/\/+$/, '');
}

/** prometheusClient builds a client for the server at `base` (e.g. http://127.0.0.1:9090). */
export function prometheusClient(base: string, o: PrometheusOptions = {}): PrometheusClient {
  const url = normaliseUrl(base);
  const timeoutMs = o.timeoutMs ?? 10_000;
  let sent = 0;
  async function call(promql: string, signal?: AbortSignal): Promise<ApiBody['data']> {
    const q = `${url}/api/v1/query?query=${encodeURIComponent(promql)}`;
    const shown = `${url}/api/v1/query`;
    sent++;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(q, { headers: { Accept: 'application/json' }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const detail = timeout.aborted ? `no answer within ${timeoutMs} ms` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message);
      throw unavailable(shown, detail, e);
    }
    let body: ApiBody;
    try {
      body = (await res.json()) as ApiBody;
    } catch (e) {
      throw unavailable(shown, `HTTP ${res.status}, not a Prometheus API answer`, e);
    }
    if (body.status !== 'success') throw unavailable(shown, `${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'no error text'} (query: ${promql})`);
    return body.data;
  }
  return {
    url,
    queries: () => sent,
    async instant(promql, signal) {
      const data = await call(promql, signal);
      const r = data?.result;
      if (data?.resultType === 'scalar' && Array.isArray(r)) return Number(r[1]);
      if (data?.resultType !== 'vector' || !Array.isArray(r)) throw unavailable(`${url}/api/v1/query`, `result type ${data?.resultType ?? 'none'}; the query must give one number (query: ${promql})`);
      if (r.length === 0) return null;
      if (r.length > 1) throw unavailable(`${url}/api/v1/query`, `${r.length} series; aggregate the query to one number, e.g. sum(...) (query: ${promql})`);
      const v = (r[0] as { value?: [number, string] }).value;
      return v === undefined ? null : Number(v[1]);
    },
    async vector(promql, signal) {
      const data = await call(promql, signal);
      const r = data?.result;
      if (data?.resultType !== 'vector' || !Array.isArray(r)) throw unavailable(`${url}/api/v1/query`, `result type ${data?.resultType ?? 'none'}, want a vector (query: ${promql})`);
      return (r as { metric?: Record<string, string>; value?: [number, string] }[]).map((s) => ({ labels: s.metric ?? {}, value: Number(s.value?.[1]) }));
    },
  };
}
