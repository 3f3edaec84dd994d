import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultAnalysis, parseAnalysisText } from './schema.ts';
import { fillTemplate, queryFor, selectorFor, trafficQueryFor, unknownVariables, type QueryContext } from './templates.ts';

const GOOD = `
trafficFloor: 0.2
metrics:
  - name: error-rate
    query: sum(rate(http_requests_total{namespace="{{namespace}}",rollscope_io_track="{{track}}",code=~"5.."}[{{interval}}]))
    failureCondition: result > 0.05
    interval: 15s
    count: 4
  - name: latency-p99
    builtin: latency-p99
    successCondition: result <= stable * 1.2
`;

test('a valid file gets its defaults', () => {
  const r = parseAnalysisText(GOOD, 'a.yaml');
  assert.ok(r.ok, JSON.stringify(r));
  const [e, l] = r.value.metrics;
  assert.equal(r.value.trafficFloor, 0.2);
  assert.deepEqual(r.value.labels, { namespace: 'namespace', track: 'rollscope_io_track' });
  assert.equal(e!.intervalMs, 15_000);
  assert.equal(e!.count, 4);
  assert.equal(l!.intervalMs, 30_000);
  assert.deepEqual([l!.count, l!.failureLimit, l!.inconclusiveLimit, l!.consecutiveErrorLimit], [3, 0, 2, 4]);
  assert.equal(l!.successCondition?.usesStable, true);
});

test('every bad field gets its own error with its path', () => {
  const bad = `
trafficFloor: -1
colour: blue
metrics:
  - name: Bad_Name
    query: up
    builtin: success-rate
    interval: soon
    count: 0
  - name: ok
    query: up
  - name: ok
    query: up
    successCondition: result >=
`;
  const r = parseAnalysisText(bad, 'bad.yaml');
  assert.ok(!r.ok);
  const text = r.error.join('\n');
  for (const says of ['bad.yaml: trafficFloor:', 'bad.yaml: (top level): Unrecognized key: "colour"', 'metrics[0].name: lower-case', 'metrics[0].interval: a duration like 30s', 'metrics[0].count:'])
    assert.ok(text.includes(says), `missing ${says} in\n${text}`);
  // shape errors come first; once the shape is right, the cross-field checks report per metric
  const r2 = parseAnalysisText(bad.replace('trafficFloor: -1\ncolour: blue', '').replace('Bad_Name', 'bad').replace('interval: soon', 'interval: 5s').replace('count: 0', 'count: 1'), 'bad.yaml');
  assert.ok(!r2.ok);
  const t2 = r2.error.join('\n');
  for (const says of ['metrics[0]: give exactly one of query or builtin', 'metrics[1]: give successCondition, failureCondition or both', 'metrics[2].name: ok is used twice', 'metrics[2].successCondition: "result >=": expected a value'])
    assert.ok(t2.includes(says), `missing ${says} in\n${t2}`);
  const notYaml = parseAnalysisText('metrics: [', 'x.yaml');
  assert.ok(!notYaml.ok && notYaml.error[0]!.startsWith('x.yaml: not YAML'));
});

const CTX: QueryContext = {
  namespace: 'shop',
  service: 'web',
  serviceSelector: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
  labels: { namespace: 'namespace', track: 'rollscope_io_track' },
  releases: { canary: 'web-canary', stable: 'web', baseline: 'web-baseline' },
};

test('templates: variables per track, labelmap spelling, the stable matches a missing track label', () => {
  assert.equal(selectorFor(CTX, 'canary'), 'namespace="shop",app="web",app_kubernetes_io_part_of="shop",rollscope_io_track="canary"');
  assert.equal(selectorFor(CTX, 'stable'), 'namespace="shop",app="web",app_kubernetes_io_part_of="shop",rollscope_io_track=""');
  assert.equal(fillTemplate('{{namespace}}/{{service}}/{{track}}/{{release}}/{{interval}}/{{other}}', CTX, 'baseline', 90_000), 'shop/web/baseline/web-baseline/90s/{{other}}');
  const d = defaultAnalysis('20s');
  assert.equal(
    queryFor(d.metrics[0]!, CTX, 'canary'),
    'sum(rate(http_requests_total{namespace="shop",app="web",app_kubernetes_io_part_of="shop",rollscope_io_track="canary",code!~"5.."}[20s])) / sum(rate(http_requests_total{namespace="shop",app="web",app_kubernetes_io_part_of="shop",rollscope_io_track="canary"}[20s]))',
  );
  assert.ok(queryFor(d.metrics[1]!, CTX, 'stable').startsWith('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{'));
  assert.equal(trafficQueryFor(CTX, 'stable', 1000), 'sum(rate(http_requests_total{namespace="shop",app="web",app_kubernetes_io_part_of="shop",rollscope_io_track=""}[1s]))');
  assert.deepEqual(unknownVariables('{{namespace}} {{servce}}'), ['servce']);
});
