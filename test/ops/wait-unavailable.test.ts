// `rollscope wait` against an API server that accepts connections but never answers: "API server
// unavailable" (exit 5) with the URL and a hint, not a rollout timeout (exit 2).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const main = join(resolve(import.meta.dirname, '..', '..'), 'src', 'cli', 'main.ts');

test('wait against a server that accepts but never answers exits 5 with the URL and a hint', async (t) => {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-hang-'));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]\ncurrent-context: c\n`);
  const started = Date.now();
  const child = spawn(process.execPath, [main, 'wait', 'deployment/web', '--timeout', '5m', '--kubeconfig', kubeconfig]);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 5, stderr);
  assert.match(stderr, new RegExp(`API server unavailable: http://127\\.0\\.0\\.1:${port} did not answer the first requests within 30s`));
  assert.match(stderr, /hint: .*kubectl cluster-info/);
  assert.ok(Date.now() - started < 50_000, 'it gives up long before the 5 m timeout');
});
