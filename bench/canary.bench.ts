// `npm run bench -- canary`: what one canary step costs the API server and Prometheus, and that the
// cost does not grow with elapsed time. The same canary (4 replicas, steps 25 → 50 → 100, an
// analysis of one metric measured twice per step, one second apart) runs twice on a simulated
// cluster with a real Prometheus: with a 1 s pause per step (the anchor) and with a 6 s pause.
// A pause (and an analysis interval) is one watch request however long it lasts, so the ratio
// of requests per step should stay near 1.0; polling would make it grow with the pause.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proposeCanary } from '../src/canary/propose.ts';
import { buildSteps } from '../src/canary/steps.ts';
import { runCanary } from '../src/controllers/canary/controller.ts';
import { migrationApi } from '../src/controllers/migration/api.ts';
import { loadKubeConfig } from '../src/kube/client.ts';
import { createKubeClient } from '../src/kube/api-client.ts';
import { prometheusClient } from '../src/prometheus/client.ts';
import { startSim } from '../src/sim/index.ts';
import type { Unstructured } from '../src/track/status/fields.ts';
import { PROMETHEUS_CANDIDATES, startPrometheus } from '../test/e2e/fixtures/prometheus.ts';
import { findExecutable } from '../test/support/services.ts';
import { deployment, waitFor } from './bench-support.ts';

const bin = findExecutable(PROMETHEUS_CANDIDATES);
if (!bin) throw new Error('prometheus not found: apt-get install prometheus');
const dir = mkdtempSync(join(tmpdir(), 'rollscope-canary-bench-'));
const sim = await startSim({ speed: 40 });
const target = createServer((_req, res) => res.end('bench_up 1\n'));
await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
const prom = await startPrometheus(bin, `127.0.0.1:${(target.address() as AddressInfo).port}`);
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, sim.kubeconfigYaml());
const api = migrationApi(createKubeClient(loadKubeConfig({ kubeconfig })));
const analysis = { trafficFloor: 0, metrics: [{ name: 'up', query: 'sum(bench_up)', successCondition: 'result >= 1', interval: '1s', count: 2 }] };

async function oneRun(ns: string, pause: string): Promise<{ steps: number; api: number; prom: number; seconds: number }> {
  sim.store.create('namespaces', { metadata: { name: ns } });
  sim.store.create('deployments.apps', deployment(ns, 'web', 'web:1', 4), { fieldManager: 'kubectl-create' });
  await waitFor('web ready', () => ((sim.store.get('deployments.apps', ns, 'web') as { status?: { readyReplicas?: number } } | undefined)?.status?.readyReplicas ?? 0) === 4);
  const stable = { ...(sim.store.get('deployments.apps', ns, 'web') as Unstructured), kind: 'Deployment', apiVersion: 'apps/v1' };
  const steps = buildSteps({ steps: '25,50', pause });
  if (!steps.ok) throw new Error(steps.error);
  const prometheus = prometheusClient(prom.url);
  const proposed = proposeCanary({ id: `bench-${ns}`, stable, images: { app: 'web:2' }, steps: steps.value, analysis, baseline: false, services: [], hpaReplicas: null, now: Date.now() });
  const started = performance.now();
  const out = await runCanary(ns, 'web', { api, prometheus, driver: { id: 'bench', leaseMs: 30_000 }, proposed, timeoutMs: 120_000, pollMs: 200 });
  if (out.result !== 'promoted') throw new Error(`bench canary ended ${out.result}: ${out.reason}`);
  return { steps: steps.value.length, api: out.apiRequests, prom: out.promQueries, seconds: (performance.now() - started) / 1000 };
}

try {
  const anchor = await oneRun('bench-short', '1s');
  const long = await oneRun('bench-long', '6s');
  const per = (n: number, steps: number): string => (n / steps).toFixed(1);
  process.stdout.write(`canary: API requests per step ${per(long.api, long.steps)} with 6 s pauses (${long.seconds.toFixed(1)} s run) vs ${per(anchor.api, anchor.steps)} with 1 s pauses (${anchor.seconds.toFixed(1)} s run): ratio ${(long.api / anchor.api).toFixed(2)}×\n`);
  process.stdout.write(`canary: Prometheus queries per step ${per(long.prom, long.steps)} with 6 s pauses vs ${per(anchor.prom, anchor.steps)} with 1 s pauses: ratio ${(long.prom / Math.max(1, anchor.prom)).toFixed(2)}×\n`);
} finally {
  await prom.stop();
  await new Promise<void>((r) => target.close(() => r()));
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
