import { createHmac } from 'node:crypto';
import type { Instant } from '../../lib/clock.ts';
import { toReleaseView } from '../../model/view/release-view.ts';
import { formatNotification, type Language } from './format.ts';
import { isCanaryNotification, type Notification } from './message.ts';
import { acceptedIf2xx, acceptedIfCodeZero, type NotificationSink, type SinkRequest } from './sink.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

/** hmacSha256 returns HMAC-SHA256(key, message) as raw bytes. */
function hmacSha256(key: string, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

/** WebhookSinkOptions configures the generic JSON webhook. */
export interface WebhookSinkOptions {
  readonly name: string;
  readonly url: string;
  /** HMAC-SHA256 key for the signature header. If unset, requests are not signed. */
  readonly secret?: string;
  readonly language?: Language;
  /** Extra headers (e.g. an Authorization token). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * webhookPayload is the generic webhook's JSON body: the state, the key, the rendered text and the
 * release in its public view (model/view/release-view.ts) — or, for a canary state (`canary-*`), the
 * canary (model/view/canary-view.ts CanarySummary), the step, the reason and the failing metric.
 */
export function webhookPayload(n: Notification, lang: Language): Record<string, unknown> {
  const msg = formatNotification(n, lang);
  return {
    idempotencyKey: n.idempotencyKey,
    state: n.state,
    title: msg.title,
    text: msg.plain,
    ...(isCanaryNotification(n) ? { canary: n.canary, step: n.step, reason: n.reason, failing: n.state === 'canary-aborted' ? n.canary.failing : null } : { release: toReleaseView(n.release) }),
  };
}

/**
 * webhookSignature is the generic webhook's signature: hex HMAC-SHA256 over `<timestamp>.<body>`
 * with the shared secret, sent as `X-Rollscope-Signature: sha256=<hex>` beside
 * `X-Rollscope-Timestamp: <unix seconds>` (the GitHub/Stripe style, so a receiver can reject replays).
 */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${hmacSha256(secret, `${timestampSeconds}.${body}`).toString('hex')}`;
}

/** webhookSink posts the generic JSON payload, signed when a secret is set. */
export function webhookSink(o: WebhookSinkOptions): NotificationSink {
  const language = o.language ?? 'en';
  return {
    name: o.name,
    type: 'webhook',
    language,
    build(n: Notification, now: Instant): SinkRequest {
      const body = JSON.stringify(webhookPayload(n, language));
      const ts = Math.floor(now / 1000);
      const headers: Record<string, string> = { ...JSON_HEADERS, ...o.headers, 'idempotency-key': n.idempotencyKey, 'x-rollscope-timestamp': String(ts) };
      if (o.secret) headers['x-rollscope-signature'] = webhookSignature(o.secret, ts, body);
      return { url: o.url, headers, body };
    },
    accepted: acceptedIf2xx,
  };
}

/** ChatSinkOptions configures a chat vendor's incoming-webhook robot. */
export interface ChatSinkOptions {
  readonly name: string;
  readonly url: string;
  /** Signing secret (DingTalk `SEC…`, Feishu/Lark signature key). If unset, unsigned. */
  readonly secret?: string;
  readonly language?: Language;
}

/** slackSink posts to a Slack incoming webhook: `text` plus a section block in mrkdwn. */
export function slackSink(o: ChatSinkOptions): NotificationSink {
  const language = o.language ?? 'en';
  return {
    name: o.name,
    type: 'slack',
    language,
    build(n) {
      const msg = formatNotification(n, language);
      const mrkdwn = msg.markdown.replace(/\*\*(.+?)\*\*/g, '*$1*');
      const body = JSON.stringify({ text: msg.plain, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } }] });
      return { url: o.url, headers: { ...JSON_HEADERS, 'idempotency-key': n.idempotencyKey }, body };
    },
    accepted: acceptedIf2xx,
  };
}

/**
 * dingtalkSign computes a DingTalk robot signature: Base64(HMAC-SHA256(key=secret,
 * message=`<timestamp ms>\n<secret>`)), URL-encoded into the `sign` query parameter beside
 * `timestamp` (DingTalk custom-robot "加签" security setting).
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return hmacSha256(secret, `${timestampMs}\n${secret}`).toString('base64');
}

/** dingtalkSink posts a markdown message to a DingTalk custom robot, signed when a secret is set. */
export function dingtalkSink(o: ChatSinkOptions): NotificationSink {
  const language = o.language ?? 'zh-CN';
  return {
    name: o.name,
    type: 'dingtalk',
    language,
    build(n, now) {
      const msg = formatNotification(n, language);
      const url = new URL(o.url);
      if (o.secret) {
        url.searchParams.set('timestamp', String(now));
        url.searchParams.set('sign', dingtalkSign(o.secret, now));
      }
      const body = JSON.stringify({ msgtype: 'markdown', markdown: { title: msg.title, text: msg.markdown } });
      return { url: url.toString(), headers: { ...JSON_HEADERS, 'idempotency-key': n.idempotencyKey }, body };
    },
    accepted: acceptedIfCodeZero('errcode'),
  };
}

/**
 * feishuSign computes a Feishu/Lark custom-bot signature: Base64(HMAC-SHA256(key=
 * `<timestamp s>\n<secret>`, message='')). The timestamp (seconds) and sign go in the JSON body.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return hmacSha256(`${timestampSeconds}\n${secret}`, '').toString('base64');
}

/** feishuSink posts a text message to a Feishu/Lark custom bot, signed when a secret is set. */
export function feishuSink(o: ChatSinkOptions): NotificationSink {
  const language = o.language ?? 'zh-CN';
  return {
    name: o.name,
    type: 'feishu',
    language,
    build(n, now) {
      const msg = formatNotification(n, language);
      const ts = Math.floor(now / 1000);
      const signed = o.secret ? { timestamp: String(ts), sign: feishuSign(o.secret, ts) } : {};
      const body = JSON.stringify({ ...signed, msg_type: 'text', content: { text: msg.plain } });
      return { url: o.url, headers: { ...JSON_HEADERS, 'idempotency-key': n.idempotencyKey }, body };
    },
    accepted: acceptedIfCodeZero('code'),
  };
}

/** wecomSink posts a markdown message to a WeCom (企业微信) group robot (the key is in the URL). */
export function wecomSink(o: ChatSinkOptions): NotificationSink {
  const language = o.language ?? 'zh-CN';
  return {
    name: o.name,
    type: 'wecom',
    language,
    build(n) {
      const msg = formatNotification(n, language);
      const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: msg.markdown } });
      return { url: o.url, headers: { ...JSON_HEADERS, 'idempotency-key': n.idempotencyKey }, body };
    },
    accepted: acceptedIfCodeZero('errcode'),
  };
}
