// Shared helpers for the tracker benchmarks (ledger-load, detection-latency, notify-dead-sink):
// a simulated cluster with Deployments, an in-process tracker on the sim's clock, and a ledger
// wrapper that reports every stored release.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileConfig } from '../src/daemon/config.ts';
import { startDaemon, type RunningDaemon } from '../src/daemon/main.ts';
import { realClock } from '../src/lib/clock.ts';
import { silentLogger } from '../src/lib/log.ts';
import type { KubeObject } from '../src/kube/types.ts';
import type { Release } from '../src/model/release.ts';
import type { Sim } from '../src/sim/index.ts';
import type { LedgerStore } from '../src/store/ledger.ts';
import { openLedger } from '../src/store/open.ts';

/** deployment is a minimal Deployment manifest (one container named `app`). */
export function deployment(namespace: string, name: string, image: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  };
}

/** setImage writes a new image into a Deployment's template as `kubectl set image` would. */
export function setImage(sim: Sim, namespace: string, name: string, image: string): KubeObject {
  const d = sim.store.get('deployments.apps', namespace, name);
  if (!d) throw new Error(`deployment ${namespace}/${name} not found; create it first`);
  const spec = d.spec as { template: { spec: { containers: { name: string; image: string }[] } } };
  const template = { ...spec.template, spec: { ...spec.template.spec, containers: spec.template.spec.containers.map((c) => ({ ...c, image })) } };
  return sim.store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), template } }, { fieldManager: 'kubectl-set' });
}

/** Tracker is an in-process `rollscope serve` on a temporary ledger. */
export interface BenchTracker {
  readonly daemon: RunningDaemon;
  readonly ledger: LedgerStore;
  stop(): Promise<void>;
}

/**
 * startTracker starts the daemon against the sim (clock = the sim's, sleeping in real time) on a
 * SQLite file ledger in a temp dir (or on `ledger`, which stop() then closes); `onRelease` sees every
 * release once it is stored.
 */
export async function startTracker(sim: Sim, opts: { readonly config?: FileConfig; readonly onRelease?: (r: Release) => void; readonly ledger?: LedgerStore; readonly listAndWatch?: boolean } = {}): Promise<BenchTracker> {
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
  const inner = opts.ledger ?? (await openLedger(process.env.BENCH_DB ?? `sqlite:${join(dir, 'ledger.db')}`));
  const onRelease = opts.onRelease;
  const ledger: LedgerStore = onRelease
    ? new Proxy(inner, {
        get(target, prop, receiver) {
          if (prop === 'upsertRelease')
            return async (...args: Parameters<LedgerStore['upsertRelease']>) => {
              const stored = await target.upsertRelease(...args);
              onRelease(stored);
              return stored;
            };
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      })
    : inner;
  const daemon = await startDaemon({
    kubeconfig,
    namespaces: [],
    cluster: 'bench',
    listen: '127.0.0.1:0',
    ledger,
    config: opts.config ?? {},
    logger: silentLogger,
    clock: { now: () => sim.clock.now(), sleep: realClock.sleep },
    ...(opts.listAndWatch === true ? { listAndWatch: true } : {}),
  });
  for (;;) {
    if (daemon.tracker.current()?.ingest.synced) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    daemon,
    ledger,
    async stop() {
      await daemon.stop();
      await inner.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** tokenOf finds the bearer token in a kubeconfig, if there is one. */
export function tokenOf(kubeconfig: string): string {
  return /^\s*token:\s*"?([^"\s]+)"?\s*$/m.exec(kubeconfig)?.[1] ?? '';
}

/** percentile is the nearest-rank percentile of `values` (sorted copy). */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** waitFor polls `check` every few ms until it is true or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
