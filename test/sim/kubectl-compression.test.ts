// The real kubectl (v1.32; Go's transport sends Accept-Encoding: gzip and decompresses) lists a
// collection larger than 128 KiB from the simulator, which gzips it as kube-apiserver does, and
// prints the same objects as with --disable-compression (no Accept-Encoding, a plain answer).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCluster } from './kubectl-support.ts';

interface ConfigMapList {
  readonly items: readonly { readonly metadata: { readonly name: string }; readonly data?: Record<string, string> }[];
}

test('kubectl lists a gzipped collection and gets the same objects as uncompressed', async (t) => {
  // TLS: for a plain-http server client-go uses Go's http.DefaultTransport, which ignores
  // --disable-compression (client-go transport/cache.go returns it when no TLS option is set).
  const c = await startCluster(t, { secure: true });
  if (!c) return;
  t.after(() => c.stop());
  c.sim.store.create('namespaces', { metadata: { name: 'big' } });
  for (let i = 0; i < 300; i++) {
    c.sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: 'big' }, data: { 'config.yaml': `replicas: ${i}\n${'feature: on\n'.repeat(60)}` } });
  }
  const gz = (): number => c.sim.accounting.gzip({ verb: 'list', resource: 'configmaps' });

  const zipped = JSON.parse(await c.kubectlOk(['get', 'configmaps', '-n', 'big', '-o', 'json'])) as ConfigMapList;
  assert.equal(gz(), 1, 'kubectl asked for gzip and the list was compressed');
  const wire = c.sim.accounting.bytes({ verb: 'list', resource: 'configmaps' });
  const decoded = c.sim.accounting.decodedBytes({ verb: 'list', resource: 'configmaps' });
  assert.ok(decoded > 128 * 1024 && wire < decoded / 4, `${wire} B on the wire for ${decoded} B`);

  const plain = JSON.parse(await c.kubectlOk(['get', 'configmaps', '-n', 'big', '-o', 'json', '--disable-compression'])) as ConfigMapList;
  assert.equal(gz(), 1, '--disable-compression: the second list was sent plain');
  assert.equal(zipped.items.length, 300);
  assert.deepEqual(zipped, plain);
  const stored = c.sim.store.list('configmaps').filter((o) => o.metadata.namespace === 'big');
  assert.deepEqual(
    zipped.items.map((o) => [o.metadata.name, o.data]),
    stored.map((o) => [o.metadata.name ?? '', (o as { data?: Record<string, string> }).data] as const).sort((a, b) => a[0].localeCompare(b[0])),
  );
});
