// The canary's Prometheus client against a real Prometheus (Debian's /usr/bin/prometheus) scraping a
// small /metrics server on loopback: one number from a one-sample vector or a scalar, no data as
// null, NaN kept, several series and bad PromQL as errors naming the URL, an unreachable server as
// METRICS_UNAVAILABLE (exit code 5).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { isTrackerError } from '../../src/lib/errors.ts';
import { prometheusClient } from '../../src/prometheus/client.ts';
import { needComponent } from '../support/services.ts';
import { freePort, PROMETHEUS_CANDIDATES, startPrometheus } from './fixtures/prometheus.ts';

test('Prometheus client: instant queries against a real Prometheus', { timeout: 60_000 }, async (t) => {
  const bin = needComponent(t, 'prometheus', PROMETHEUS_CANDIDATES, 'apt-get install prometheus');
  if (!bin) return;
  const metrics = ['# TYPE canary_test_requests_total counter', 'canary_test_requests_total{track="canary"} 7', 'canary_test_requests_total{track="stable"} 35', ''].join('\n');
  const srv = createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? metrics : '');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => srv.close(() => r())));
  const prom = await startPrometheus(bin, `127.0.0.1:${(srv.address() as AddressInfo).port}`);
  t.after(() => prom.stop());

  const client = prometheusClient(`${prom.url}/`);
  assert.equal(client.url, prom.url, 'a trailing slash is dropped');
  assert.equal(await client.instant('sum(canary_test_requests_total)'), 42);
  assert.equal(await client.instant('canary_test_requests_total{track="canary"}'), 7);
  assert.equal(await client.instant('scalar(sum(canary_test_requests_total)) / 4'), 10.5);
  assert.equal(await client.instant('canary_test_requests_total{track="none"}'), null, 'an empty vector is no data');
  assert.ok(Number.isNaN(await client.instant('sum(canary_test_requests_total) * 0 / 0')), 'NaN stays NaN (the judge calls it no data)');
  const shares = await client.vector('canary_test_requests_total / scalar(sum(canary_test_requests_total))');
  assert.deepEqual(shares.map((s) => [s.labels.track, Math.round(s.value * 100)]).sort(), [['canary', 17], ['stable', 83]]);

  const failure = async (promql: string): Promise<string> => {
    try {
      await client.instant(promql);
    } catch (e) {
      assert.ok(isTrackerError(e) && e.code === 'METRICS_UNAVAILABLE', String(e));
      assert.equal(exitCodeFor[e.code], 5);
      return e.message;
    }
    assert.fail(`${promql} should fail`);
  };
  const several = await failure('canary_test_requests_total');
  assert.ok(several.includes(`${prom.url}/api/v1/query`) && several.includes('2 series; aggregate'), several);
  const bad = await failure('sum(rate(canary_test_requests_total[');
  assert.ok(bad.includes(`${prom.url}/api/v1/query`) && bad.includes('bad_data'), bad);
  assert.equal(client.queries(), 8, 'every query sent is counted');

  const gone = prometheusClient(`http://127.0.0.1:${await freePort()}`, { timeoutMs: 2_000 });
  try {
    await gone.instant('up');
    assert.fail('an unreachable Prometheus must fail');
  } catch (e) {
    assert.ok(isTrackerError(e) && e.code === 'METRICS_UNAVAILABLE' && e.message.includes(gone.url) && e.message.includes('ECONNREFUSED'), String(e));
  }
});
