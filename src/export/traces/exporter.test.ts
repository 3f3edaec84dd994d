// A local OTLP/HTTP receiver decodes what ReleaseTracer sends with the official OTLP protobuf
// definitions (opentelemetry-proto, as generated into @opentelemetry/otlp-transformer's root.js)
// and checks: one trace per release, parent/child structure, real durations, error status.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { ReleaseId } from '../../model/release.ts';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { ReleaseTracer } from './exporter.ts';
import { traceIdFor } from './ids.ts';

// The decoded protobuf message: only the fields read here.
interface OtlpSpan { traceId: Uint8Array; spanId: Uint8Array; parentSpanId?: Uint8Array; name: string; startTimeUnixNano: { toString(): string }; endTimeUnixNano: { toString(): string }; status?: { code?: number; message?: string }; events?: { name: string }[]; attributes?: { key: string; value: { stringValue?: string; intValue?: { toString(): string }; boolValue?: boolean } }[] }
interface DecodedSpan { traceId: string; spanId: string; parentSpanId: string; name: string; start: bigint; end: bigint; status: number; statusMessage: string; events: string[]; attrs: Record<string, unknown> }

const require = createRequire(import.meta.url);
const root = require('otlp-proto-defs/build/src/generated/root.js') as { opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(b: Uint8Array): unknown } } } } } } };
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const spans: DecodedSpan[] = [];
const contentTypes: string[] = [];
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    contentTypes.push(String(req.headers['content-type']));
    const msg = Request.decode(Buffer.concat(chunks)) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    for (const rs of msg.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          spans.push({
            traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: s.parentSpanId?.length ? hex(s.parentSpanId) : '',
            name: s.name, start: BigInt(s.startTimeUnixNano.toString()), end: BigInt(s.endTimeUnixNano.toString()),
            status: s.status?.code ?? 0, statusMessage: s.status?.message ?? '', events: (s.events ?? []).map((e) => e.name),
            attrs: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? a.value.intValue?.toString() ?? a.value.boolValue])),
          });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
let endpoint = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});
after(() => server.close());

const t0 = Date.parse('2026-11-20T10:00:00Z');
const ok = aRelease({
  id: '01JDX5Q6M2Z8C4A3B2N1P0AAAA' as ReleaseId,
  phases: { templateObserved: t0, revisionCreated: t0 + 50, firstPodScheduled: t0 + 80, firstImagePulled: t0 + 3_000, firstPodReady: t0 + 8_000, allAvailable: t0 + 20_000 },
  startedAt: t0, finishedAt: t0 + 20_000,
  events: [
    { time: t0 + 10, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-5d8f7c9b6 from 0 to 1', object: 'Deployment shop/web', count: 1 },
    { time: t0 + 80, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned shop/web-5d8f7c9b6-abcde to node-1', object: 'Pod shop/web-5d8f7c9b6-abcde', count: 1 },
    { time: t0 + 3_000, type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image', object: 'Pod shop/web-5d8f7c9b6-abcde', count: 1 },
    { time: t0 + 3_500, type: 'Normal', reason: 'Started', message: 'Started container web', object: 'Pod shop/web-5d8f7c9b6-abcde', count: 1 },
  ],
});
const bad = aRelease({
  id: '01JDX5Q6M2Z8C4A3B2N1P0BBBB' as ReleaseId, releaseNumber: 8, outcome: 'failed', startedAt: t0 + 60_000, finishedAt: t0 + 75_000,
  phases: { templateObserved: t0 + 60_000, revisionCreated: t0 + 60_040 },
  failure: { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:missing"' },
});

test('one trace per finished release, with structure, real durations and error status', async () => {
  const tracer = new ReleaseTracer({ endpoint });
  assert.equal(tracer.exportRelease(aRelease({ finishedAt: null, outcome: 'progressing' })), 0, 'unfinished releases are not traced');
  tracer.exportRelease(ok);
  tracer.exportRelease(bad);
  await tracer.shutdown();

  assert.ok(contentTypes.every((c) => c === 'application/x-protobuf'), contentTypes.join());
  const traces = new Set(spans.map((s) => s.traceId));
  assert.deepEqual([...traces].sort(), [traceIdFor(ok.id), traceIdFor(bad.id)].sort(), 'exactly one trace per release, ids derived from release ids');

  const okSpans = spans.filter((s) => s.traceId === traceIdFor(ok.id));
  const roots = okSpans.filter((s) => s.parentSpanId === '');
  assert.equal(roots.length, 1);
  const rootSpan = roots[0]!;
  assert.equal(rootSpan.end - rootSpan.start, 20_000_000_000n, 'root spans template observed → outcome');
  assert.equal(rootSpan.attrs['rollscope.release.id'], ok.id);
  assert.equal(rootSpan.attrs['k8s.deployment.name'], 'web');
  assert.equal(rootSpan.attrs['k8s.namespace.name'], 'shop');
  assert.ok(rootSpan.events.includes('ScalingReplicaSet'));
  const children = okSpans.filter((s) => s.parentSpanId === rootSpan.spanId);
  assert.deepEqual(children.filter((s) => s.name.startsWith('phase ')).sort((a, b) => Number(a.start - b.start)).map((s) => s.name),
    ['phase revisionCreated', 'phase firstPodScheduled', 'phase firstImagePulled', 'phase firstPodReady', 'phase allAvailable']);
  for (const c of children) {
    assert.ok(c.end > c.start || c.name.startsWith('phase'), `${c.name} has a real duration`);
    assert.ok(c.start >= rootSpan.start && c.end <= rootSpan.end, `${c.name} lies within the root`);
  }
  const pod = children.find((s) => s.name.startsWith('pod '))!;
  assert.equal(pod.end - pod.start, 3_420_000_000n, 'pod span Scheduled → Started');
  assert.deepEqual(pod.events, ['Scheduled', 'Pulled', 'Started']);

  const badRoot = spans.find((s) => s.traceId === traceIdFor(bad.id) && s.parentSpanId === '')!;
  assert.equal(badRoot.status, 2, 'STATUS_CODE_ERROR');
  assert.match(badRoot.statusMessage, /ImagePullFailed: ImagePullBackOff/);
  assert.equal(rootSpan.status, 1, 'STATUS_CODE_OK');
});

test('without an endpoint nothing is set up and nothing is sent', async () => {
  const before = spans.length;
  const tracer = new ReleaseTracer();
  assert.equal(tracer.enabled, false);
  assert.equal(tracer.exportRelease(ok), 0);
  await tracer.shutdown();
  assert.equal(spans.length, before);
});
