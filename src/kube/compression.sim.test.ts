// Our client asks for gzip (as client-go does) and decompresses as the body streams: a large list
// read over gzip from the simulated API server equals the same list read uncompressed, in JSON and
// in protobuf; a corrupt compressed body fails the list with an error naming the request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isTrackerError } from '../lib/errors.ts';
import { ManualClock } from '../sim/core/clock.ts';
import { startApiServer, type ApiServer } from '../sim/apiserver/apiserver.ts';
import { createSimStorage } from '../sim/apiserver/storage.ts';
import { createKubeHttp } from './client.ts';
import { HttpListerWatcher } from './http-list-watch.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { RESOURCES } from './resources.ts';

let server: ApiServer;

before(async () => {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const store = createSimStorage(clock);
  store.create('namespaces', { metadata: { name: 'big' } });
  for (let i = 0; i < 300; i++) {
    const labels = { app: `svc-${i}` };
    const env = Array.from({ length: 12 }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${(i * 31 + k) % 97}` }));
    store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc-${i}`, namespace: 'big', labels }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.local/svc-${i}:1`, env }] } } } });
  }
  server = await startApiServer({ store, clock });
});
after(() => server.close());

/** kubeconfig is a one-context kubeconfig for `url`, optionally with the cluster's disable-compression. */
function kubeconfig(url: string, disableCompression = false): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: ${url}${disableCompression ? '\n    disable-compression: true' : ''}
contexts:
- name: sim
  context: {cluster: sim, user: me}
current-context: sim
users:
- name: me
  user: {}
`;
}

const PATH = '/apis/apps/v1/namespaces/big/deployments';

function lister(url: string, wire: 'json' | 'protobuf', disableCompression: boolean): HttpListerWatcher {
  const http = createKubeHttp(kubeConfigFromYaml(kubeconfig(url, disableCompression)));
  return new HttpListerWatcher(http, { path: PATH, resource: 'deployments.apps', namespace: 'big', ...(wire === 'protobuf' ? { protobuf: RESOURCES.Deployment.protobuf } : {}) });
}

for (const wire of ['json', 'protobuf'] as const) {
  test(`a ${wire} list over gzip equals the list read uncompressed`, async () => {
    server.accounting.reset();
    const zipped = await lister(server.url, wire, false).list({}, AbortSignal.timeout(10_000));
    assert.equal(server.accounting.gzip({ verb: 'list', resource: 'deployments.apps' }), 1, 'the client asked for gzip and the server compressed');
    assert.equal(server.accounting.protobuf({ verb: 'list' }), wire === 'protobuf' ? 1 : 0);
    const wireBytes = server.accounting.bytes({ verb: 'list' });
    const decoded = server.accounting.decodedBytes({ verb: 'list' });
    assert.ok(wireBytes < decoded / 3, `${wireBytes} B on the wire for ${decoded} B of list`);
    const plain = await lister(server.url, wire, true).list({}, AbortSignal.timeout(10_000));
    assert.equal(server.accounting.gzip({ verb: 'list' }), 1, 'disable-compression: the second list was sent plain');
    assert.equal(zipped.items.length, 300);
    assert.equal(zipped.resourceVersion, plain.resourceVersion);
    assert.deepEqual(zipped.items, plain.items);
  });
}

/** corruptServer answers every GET with a Content-Encoding: gzip body of these bytes. */
async function corruptServer(body: Buffer, contentType: string): Promise<{ url: string; server: Server }> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Encoding': 'gzip', 'Content-Length': String(body.length) });
    res.end(body);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, server: s };
}

const listJson = Buffer.from(JSON.stringify({ kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion: '7' }, items: [] }));
for (const [what, body] of [
  ['not gzip at all', Buffer.from('this is not a gzip stream')],
  ['cut off', gzipSync(Buffer.concat([listJson, Buffer.alloc(4096, 32)])).subarray(0, 40)],
  ['with a bad checksum', (() => {
    const z = Buffer.from(gzipSync(listJson));
    z[z.length - 6] = (z[z.length - 6] ?? 0) ^ 0xff; // the CRC32 in the gzip trailer
    return z;
  })()],
] as const) {
  for (const [wire, contentType] of [['json', 'application/json'], ['protobuf', 'application/vnd.kubernetes.protobuf']] as const) {
    test(`a ${wire} list whose gzip body is ${what} fails with an error naming the request`, async (t) => {
      const c = await corruptServer(body, contentType);
      t.after(() => c.server.close());
      await assert.rejects(lister(c.url, wire, false).list({}, AbortSignal.timeout(10_000)), (e: unknown) => {
        assert.ok(isTrackerError(e), String(e));
        assert.equal(e.code, 'MALFORMED_OBJECT');
        assert.match(e.message, new RegExp(`^GET ${c.url}${PATH}: the gzip-compressed response body is corrupt \\(.+\\)$`));
        assert.match(e.details.hint ?? '', /disable-compression: true/);
        return true;
      });
    });
  }
}
