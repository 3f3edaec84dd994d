import type { SimStore } from '../core/store-api.ts';
import { int, record, records, text } from '../core/fields.ts';

/**
 * Steady load through Services (`rollscope sim --load NS/SERVICE=RPS`): each target gets RPS requests
 * a second, spread evenly, to its cluster IP and first TCP port, one connection per request (so the
 * service proxy's per-connection round-robin spreads them over the ready pods). The Service is looked
 * up at every request, so one created later is picked up. Outcomes are counted by HTTP code, or
 * `refused`/`error` when no answer came, and exported as `rollscope_sim_load_requests_total{namespace,service,code}`.
 */
export interface LoadTarget {
  readonly namespace: string;
  readonly service: string;
  readonly rps: number;
}

/** parseLoadFlag reads `NS/SERVICE=RPS`; undefined if malformed. */
export function parseLoadFlag(flag: string): LoadTarget | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)=(\d+(\.\d+)?)$/.exec(flag);
  const rps = Number(m?.[5]);
  return m && rps > 0 && rps <= 1000 ? { namespace: m[1]!, service: m[3]!, rps } : undefined;
}

/** RunningLoad is started load: more targets, its counters as Prometheus text, and stop. */
export interface RunningLoad {
  /** add starts driving one more target (a target already driven gets a second, independent stream). */
  add(target: LoadTarget): void;
  metrics(): string;
  stop(): Promise<void>;
}

/** startLoad drives every target until stopped. */
export function startLoad(store: SimStore, targets: readonly LoadTarget[]): RunningLoad {
  const counts = new Map<string, number>();
  const count = (t: LoadTarget, code: string): void => {
    const key = `${t.namespace}\u0000${t.service}\u0000${code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  let stopped = false;
  const inflight = new Set<Promise<void>>();
  const timers: ReturnType<typeof setInterval>[] = [];
  const add = (t: LoadTarget): void => {
    if (stopped) return;
    timers.push(
      setInterval(() => {
        if (stopped) return;
        const svc = store.get('services', t.namespace, t.service);
        const ip = text(record(svc?.spec).clusterIP);
        const port = int(records(record(svc?.spec).ports).find((p) => (text(p.protocol) ?? 'TCP') === 'TCP')?.port);
        if (ip === undefined || port === undefined) {
          count(t, 'no-service');
          return;
        }
        const p = fetch(`http://${ip}:${port}/`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(5000) })
          .then(async (res) => {
            await res.arrayBuffer();
            count(t, String(res.status));
          })
          .catch((e: unknown) => count(t, (e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? 'refused' : 'error'))
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }, 1000 / t.rps),
    );
  };
  for (const t of targets) add(t);
  return {
    add,
    metrics() {
      const lines = ['# HELP rollscope_sim_load_requests_total Requests sent by rollscope sim --load, by outcome (HTTP code, refused, error, no-service).', '# TYPE rollscope_sim_load_requests_total counter'];
      for (const [key, n] of [...counts].sort()) {
        const [ns, svc, code] = key.split('\u0000');
        lines.push(`rollscope_sim_load_requests_total{namespace="${ns}",service="${svc}",code="${code}"} ${n}`);
      }
      return `${lines.join('\n')}\n`;
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...inflight]);
    },
  };
}
