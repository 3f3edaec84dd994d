import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * PodApp is the "application" a simulated container runs: it answers every HTTP request (200 with a
 * line naming the pod), `/metrics` in the Prometheus text format with what a real web app exports —
 * `http_requests_total{code,method}` and the histogram `http_request_duration_seconds` (the client
 * libraries' default buckets) — and behaves as its image tag asks (node/behaviour.ts):
 * `-errorsN` answers exactly N of every 100 requests with 500 (spread evenly, not at random, so a
 * ratio measured over a few hundred requests is N % ± 1), `-slowN` adds N real milliseconds.
 * Scrapes of `/metrics` are not counted (as most instrumented apps leave their own endpoint out), so
 * a Prometheus scraping every second does not move the request rates or the error ratio.
 * Hand-written rather than prom-client: one tiny registry per pod, thousands of pods per process.
 */
export interface AppBehaviour {
  readonly errorPercent: number;
  readonly extraLatencyMs: number;
}

/** DURATION_BUCKETS are the default histogram buckets of the Prometheus client libraries, in seconds. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class PodApp {
  readonly #pod: string;
  readonly #behaviour: AppBehaviour;
  #served = 0;
  readonly #counts = new Map<string, number>();
  readonly #buckets = DURATION_BUCKETS.map(() => 0);
  #durationSum = 0;
  #durationCount = 0;

  constructor(pod: string, behaviour: AppBehaviour) {
    this.#pod = pod;
    this.#behaviour = behaviour;
  }

  /** handle answers one request; never throws. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(this.metrics());
      return;
    }
    const started = performance.now();
    const i = this.#served++;
    // Exactly N errors in every 100 consecutive requests, spread evenly.
    const fail = Math.floor(((i + 1) * this.#behaviour.errorPercent) / 100) > Math.floor((i * this.#behaviour.errorPercent) / 100);
    const respond = (): void => {
      const code = fail ? 500 : 200;
      res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(fail ? `500 Internal Server Error from ${this.#pod}\n` : `OK from ${this.#pod}\n`);
      this.#observe(req.method ?? 'GET', code, (performance.now() - started) / 1000);
    };
    req.resume();
    if (this.#behaviour.extraLatencyMs > 0) setTimeout(respond, this.#behaviour.extraLatencyMs);
    else respond();
  }

  #observe(method: string, code: number, seconds: number): void {
    const key = `${code}\u0000${method.toLowerCase()}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    DURATION_BUCKETS.forEach((le, b) => {
      if (seconds <= le) this.#buckets[b]! += 1;
    });
    this.#durationSum += seconds;
    this.#durationCount += 1;
  }

  /** metrics renders the Prometheus text exposition of this pod's counters. */
  metrics(): string {
    const lines = ['# HELP http_requests_total Total HTTP requests served.', '# TYPE http_requests_total counter'];
    for (const [key, n] of [...this.#counts].sort()) {
      const [code, method] = key.split('\u0000');
      lines.push(`http_requests_total{code="${code}",method="${method}"} ${n}`);
    }
    lines.push('# HELP http_request_duration_seconds HTTP request latency.', '# TYPE http_request_duration_seconds histogram');
    DURATION_BUCKETS.forEach((le, b) => lines.push(`http_request_duration_seconds_bucket{le="${le}"} ${this.#buckets[b]}`));
    lines.push(`http_request_duration_seconds_bucket{le="+Inf"} ${this.#durationCount}`);
    lines.push(`http_request_duration_seconds_sum ${this.#durationSum}`, `http_request_duration_seconds_count ${this.#durationCount}`);
    return `${lines.join('\n')}\n`;
  }
}
