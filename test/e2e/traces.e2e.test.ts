// Issue 5, "Done when" 2 end to end: `rollscope serve` with `traces.endpoint` in its config file
// sends exactly one trace per finished release of a simulated day, with error status for failed ones.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { fetchReleases, simClockEnv, startServe, waitReady } from './fixtures/daemon.ts';
import { startOtlpReceiver } from './fixtures/otlp-receiver.ts';
import { EXPECTED_DAY, runScriptedDay } from './fixtures/scripted-day.ts';

test('serve sends one trace per finished release over OTLP, failed ones with error status', { timeout: 90_000 }, async (t) => {
  // Given an OTLP receiver, and `rollscope serve` configured to send traces to it
  const cluster = await startCluster(t, { speed: 40 });
  if (!cluster) return;
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-otlp-e2e-'));
  const config = join(dir, 'rollscope.yaml');
  writeFileSync(config, `traces:\n  endpoint: ${receiver.endpoint}\n`);
  const serve = await startServe({ kubeconfig: cluster.kubeconfig, db: `sqlite:${join(dir, 'ledger.db')}`, config, env: simClockEnv(cluster.sim) });
  t.after(async () => {
    await serve.kill();
    await receiver.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitReady(serve.url);

  // When the day runs, every release finishes, and serve shuts down (flushing its exporter)
  await runScriptedDay(cluster);
  const releases = await eventually('every release of the day to be final', async () => {
    const rs = await fetchReleases(serve.url);
    return rs.length === EXPECTED_DAY.length && rs.every((r) => !['progressing', 'paused'].includes(r.outcome)) ? rs : undefined;
  }, 20_000);
  assert.equal(await serve.stop(), 0, 'serve exits 0 on SIGTERM');

  // Then there is exactly one root span per release, each in its own trace, keyed by the release id
  const roots = receiver.spans.filter((s) => s.parentSpanId === '');
  const byRelease = new Map<string, number>();
  for (const r of roots) byRelease.set(r.attrs['rollscope.release.id'] ?? '?', (byRelease.get(r.attrs['rollscope.release.id'] ?? '?') ?? 0) + 1);
  assert.deepEqual([...byRelease.keys()].sort(), releases.map((r) => r.id).sort(), 'one trace per finished release');
  assert.ok([...byRelease.values()].every((n) => n === 1), `no release traced twice: ${JSON.stringify(Object.fromEntries(byRelease))}`);
  assert.equal(new Set(roots.map((r) => r.traceId)).size, roots.length, 'each release has its own trace id');

  // And every child span belongs to a root's trace, with real (non-negative) durations
  const traceIds = new Set(roots.map((r) => r.traceId));
  assert.ok(receiver.spans.every((s) => traceIds.has(s.traceId) && s.end >= s.start), 'children hang off the release traces');
  assert.ok(roots.every((r) => r.end > r.start), 'root spans have non-zero durations');

  // And exactly the failed releases carry error status
  const failed = new Set(releases.filter((r) => r.outcome === 'failed').map((r) => r.id));
  assert.equal(failed.size, 3);
  for (const r of roots) assert.equal(r.status === 2, failed.has(r.attrs['rollscope.release.id'] ?? ''), `status of ${r.name} (${r.attrs['rollscope.release.id']})`);
});

test('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone (no config file) makes serve send traces, with the OTEL headers and resource', { timeout: 60_000 }, async (t) => {
  const cluster = await startCluster(t, { speed: 40 });
  if (!cluster) return;
  const receiver = await startOtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-otlp-env-'));
  const serve = await startServe({
    kubeconfig: cluster.kubeconfig,
    db: `sqlite:${join(dir, 'ledger.db')}`,
    env: {
      ...simClockEnv(cluster.sim),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20collector-token',
      OTEL_SERVICE_NAME: 'rollscope-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'k8s.cluster.name=eu-1,deployment.environment=prod',
    },
  });
  t.after(async () => {
    await serve.kill();
    await receiver.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await waitReady(serve.url);
  await cluster.kubectlOk(['create', 'deployment', 'web', '--image=web:1', '--replicas=2']);
  await eventually('the release to finish', async () => ((await fetchReleases(serve.url)).some((r) => r.outcome === 'succeeded') ? true : undefined), 20_000);
  assert.equal(await serve.stop(), 0, 'serve exits 0 on SIGTERM (flushing its exporter)');
  const root = receiver.spans.find((s) => s.parentSpanId === '');
  assert.ok(root, 'a release trace arrived at the endpoint from the environment');
  assert.equal(root.resource['service.name'], 'rollscope-eu');
  assert.equal(root.resource['k8s.cluster.name'], 'eu-1');
  assert.equal(root.headers.authorization, 'Bearer collector-token');
});
