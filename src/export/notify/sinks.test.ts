// Each sink posts to a local HTTP receiver; the receiver checks the payload shape and verifies the
// signature the way that vendor documents it (computed here independently of sinks.ts).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { deliver } from './deliver.ts';
import { notificationsFor } from './message.ts';
import { dingtalkSink, feishuSink, slackSink, webhookSink, wecomSink } from './sinks.ts';

interface Received { readonly url: URL; readonly headers: IncomingMessage['headers']; readonly body: string }
const received: Received[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{"errcode":0,"code":0}' };
let base = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ url: new URL(req.url ?? '/', base), headers: req.headers, body });
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
  });
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const failed = aRelease({ outcome: 'failed', failure: { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:missing"' } });
const [startedN, failedN] = notificationsFor(undefined, failed, { team: 'shop' });
const now = Date.parse('2026-11-23T03:00:00Z');
const last = (): Received => received.at(-1)!;

test('notificationsFor: a new release gives started then its final state, each keyed by id:state', () => {
  assert.equal(startedN?.state, 'started');
  assert.equal(failedN?.state, 'failed');
  assert.equal(failedN?.idempotencyKey, `${failed.id}:failed`);
  assert.deepEqual(notificationsFor(failed, failed), [], 'no change, no message');
  assert.deepEqual(notificationsFor(undefined, aRelease({ backfilled: true })), [], 'backfilled history is not news');
});

test('generic webhook: JSON payload, idempotency key, HMAC-SHA256 over "<ts>.<body>"', async () => {
  const sink = webhookSink({ name: 'hook', url: `${base}/hook`, secret: 's3cret' });
  const r = await deliver(sink, sink.build(failedN!, now));
  assert.deepEqual(r, { ok: true });
  const got = last();
  const ts = got.headers['x-rollscope-timestamp'] as string;
  assert.equal(ts, String(now / 1000));
  const expected = 'sha256=' + createHmac('sha256', 's3cret').update(`${ts}.${got.body}`).digest('hex');
  assert.equal(got.headers['x-rollscope-signature'], expected);
  assert.equal(got.headers['idempotency-key'], failedN!.idempotencyKey);
  const payload = JSON.parse(got.body);
  assert.equal(payload.state, 'failed');
  assert.equal(payload.release.failure.code, 'ImagePullFailed');
  assert.equal(payload.release.namespace, 'shop');
  assert.match(payload.text, /ImagePullBackOff/);
});

test('Slack: text and an mrkdwn section block', async () => {
  const sink = slackSink({ name: 'slack', url: `${base}/slack` });
  assert.deepEqual(await deliver(sink, sink.build(failedN!, now)), { ok: true });
  const payload = JSON.parse(last().body);
  assert.match(payload.text, /deployment shop\/web FAILED/);
  assert.equal(payload.blocks[0].type, 'section');
  assert.equal(payload.blocks[0].text.type, 'mrkdwn');
  assert.match(payload.blocks[0].text.text, /^\*deployment shop\/web FAILED\*/);
});

test('DingTalk: markdown message; timestamp (ms) and sign = Base64(HMAC-SHA256(secret, "ts\\nsecret")) in the query', async () => {
  const secret = 'SECabc123';
  const sink = dingtalkSink({ name: 'ding', url: `${base}/robot/send?access_token=tok`, secret });
  assert.deepEqual(await deliver(sink, sink.build(failedN!, now)), { ok: true });
  const got = last();
  assert.equal(got.url.searchParams.get('access_token'), 'tok');
  const ts = got.url.searchParams.get('timestamp')!;
  assert.equal(ts, String(now));
  const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  assert.equal(got.url.searchParams.get('sign'), expected);
  assert.equal(got.headers['idempotency-key'], failedN!.idempotencyKey, 'every sink shows the receiver the idempotency key');
  const payload = JSON.parse(got.body);
  assert.equal(payload.msgtype, 'markdown');
  assert.match(payload.markdown.title, /发布失败/);
  assert.match(payload.markdown.text, /ImagePullFailed/);
});

test('DingTalk: an errcode in a 200 answer is a failed delivery', async () => {
  reply = { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}' };
  const sink = dingtalkSink({ name: 'ding', url: `${base}/robot/send?access_token=tok`, secret: 'x' });
  const r = await deliver(sink, sink.build(failedN!, now));
  reply = { status: 200, body: '{"errcode":0,"code":0}' };
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /310000/);
});

test('Feishu/Lark: timestamp (s) and sign = Base64(HMAC-SHA256(key "ts\\nsecret", empty message)) in the body', async () => {
  const secret = 'feishu-secret';
  const sink = feishuSink({ name: 'feishu', url: `${base}/open-apis/bot/v2/hook/abc`, secret });
  assert.deepEqual(await deliver(sink, sink.build(failedN!, now)), { ok: true });
  const payload = JSON.parse(last().body);
  assert.equal(payload.timestamp, String(now / 1000));
  const expected = createHmac('sha256', `${payload.timestamp}\n${secret}`).update('').digest('base64');
  assert.equal(payload.sign, expected);
  assert.equal(payload.msg_type, 'text');
  assert.match(payload.content.text, /shop\/web/);
});

test('WeCom: markdown message with the content', async () => {
  const sink = wecomSink({ name: 'wecom', url: `${base}/cgi-bin/webhook/send?key=k`, language: 'en' });
  assert.deepEqual(await deliver(sink, sink.build(startedN!, now)), { ok: true });
  const payload = JSON.parse(last().body);
  assert.equal(payload.msgtype, 'markdown');
  assert.match(payload.markdown.content, /deployment shop\/web started/);
});

test('deliver: a 500 and a hanging receiver are failed attempts, not exceptions', async () => {
  reply = { status: 500, body: 'boom' };
  const sink = webhookSink({ name: 'hook', url: `${base}/hook` });
  const r500 = await deliver(sink, sink.build(startedN!, now));
  reply = { status: 200, body: '{}' };
  assert.equal(r500.ok, false);
  const hang = createServer(() => {});
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
  const s2 = webhookSink({ name: 'slow', url });
  const rHang = await deliver(s2, s2.build(startedN!, now), { timeoutMs: 200 });
  hang.closeAllConnections();
  hang.close();
  assert.equal(rHang.ok, false);
  assert.match(rHang.ok ? '' : rHang.error, /timed out/);
});
