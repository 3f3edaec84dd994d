// Transport's node-stream hand-over (takeNodeBody) against a tiny HTTP server on 127.0.0.1 (port 0).
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { createTransport, takeNodeBody, type BodyChunks, type Transport } from './transport.ts';

let handler: (res: ServerResponse) => void = (res) => res.end();
let server: Server;
let transport: Transport;
let base = '';

before(async () => {
  server = createServer((_req, res) => handler(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  transport = createTransport(
    kubeConfigFromYaml(`apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: '${base}'}}]\nusers: [{name: t, user: {token: t}}]\ncontexts: [{name: t, context: {cluster: t, user: t}}]\ncurrent-context: t\n`),
  );
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const get = (signal = AbortSignal.timeout(10_000)): Promise<Response> => transport.send('GET', new URL(`${base}/x`), {}, undefined, signal);

async function drain(chunks: BodyChunks): Promise<string> {
  const parts: Uint8Array[] = [];
  for (let c = await chunks.read(); c !== undefined; c = await chunks.read()) parts.push(c);
  return Buffer.concat(parts).toString();
}

test('takeNodeBody hands the body over once, whole; the Response body then fails', async () => {
  handler = (res) => {
    res.write('hello ');
    setImmediate(() => res.end('world'));
  };
  const res = await get();
  const chunks = takeNodeBody(res);
  assert.ok(chunks !== undefined);
  assert.equal(takeNodeBody(res), undefined, 'only once');
  assert.equal(await drain(chunks), 'hello world');
  assert.equal(await chunks.read(), undefined, 'stays at the end');
  await assert.rejects(res.text());
});

test('a body already read through the Response, or a Response made elsewhere, is not handed over', async () => {
  handler = (res) => res.end('abc');
  const res = await get();
  assert.equal(await res.text(), 'abc');
  assert.equal(takeNodeBody(res), undefined);
  assert.equal(takeNodeBody(new Response('abc')), undefined);
});

test('a body cut off before its end fails the read; aborting the request fails it too', async () => {
  handler = (res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('partial');
    setImmediate(() => res.destroy());
  };
  const cut = takeNodeBody(await get());
  assert.ok(cut !== undefined);
  await assert.rejects(drain(cut));
  handler = (res) => res.write('first'); // and never ends
  const ac = new AbortController();
  const chunks = takeNodeBody(await get(ac.signal));
  assert.ok(chunks !== undefined);
  assert.equal(Buffer.from((await chunks.read()) ?? []).toString(), 'first');
  const pending = chunks.read();
  ac.abort();
  await assert.rejects(pending);
});

test('close ends the reading: a pending read resolves with no chunk and the connection is released', async () => {
  let closed = false;
  handler = (res) => {
    res.socket?.once('close', () => (closed = true));
    res.write('first'); // and never ends
  };
  const chunks = takeNodeBody(await get());
  assert.ok(chunks !== undefined);
  await chunks.read();
  const pending = chunks.read();
  chunks.close();
  assert.equal(await pending, undefined);
  for (let i = 0; i < 1000 && !closed; i++) await new Promise((r) => setImmediate(r));
  assert.ok(closed, 'the server saw the socket close');
});

test('many chunks arriving faster than they are read all come through in order (back-pressure pauses, then resumes)', async () => {
  const parts = Array.from({ length: 200 }, (_, i) => `${i};`);
  handler = (res) => {
    for (const p of parts) res.write(p);
    res.end();
  };
  const chunks = takeNodeBody(await get());
  assert.ok(chunks !== undefined);
  await new Promise((r) => setTimeout(r, 50)); // let everything arrive before reading
  assert.equal(await drain(chunks), parts.join(''));
});
