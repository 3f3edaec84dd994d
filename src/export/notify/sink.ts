import type { Instant } from '../../lib/clock.ts';
import type { Language } from './format.ts';
import type { Notification } from './message.ts';

/** SinkRequest is one HTTP POST a sink wants sent. Built without I/O; sent by `deliver`. */
export interface SinkRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * NotificationSink turns a notification into the HTTP request its vendor expects.
 * - `build` is deterministic for a given notification and `now` (signatures depend on `now`).
 * - `accepted` decides from the vendor's response whether the message was taken: some vendors
 *   answer HTTP 200 with an error code in the body (DingTalk `errcode`, Feishu `code`, WeCom `errcode`).
 */
export interface NotificationSink {
  readonly name: string;
  readonly type: SinkType;
  readonly language: Language;
  build(n: Notification, now: Instant): SinkRequest;
  accepted(status: number, body: string): { readonly ok: boolean; readonly error?: string };
}

/** SinkType names the vendor format of a sink. */
export type SinkType = 'webhook' | 'slack' | 'dingtalk' | 'feishu' | 'wecom';

/** acceptedIf2xx is the usual rule: any 2xx is accepted. */
export function acceptedIf2xx(status: number, body: string): { ok: boolean; error?: string } {
  return status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}: ${body.slice(0, 200)}` };
}

/**
 * acceptedIfCodeZero accepts a 2xx whose JSON body has `field` equal to 0 (or absent), as
 * DingTalk (`errcode`), WeCom (`errcode`) and Feishu (`code`/`StatusCode`) answer.
 */
export function acceptedIfCodeZero(field: string): (status: number, body: string) => { ok: boolean; error?: string } {
  return (status, body) => {
    const base = acceptedIf2xx(status, body);
    if (!base.ok) return base;
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const code = parsed[field];
      if (code === undefined || code === 0) return { ok: true };
      return { ok: false, error: `${field} ${JSON.stringify(code)}: ${JSON.stringify(parsed).slice(0, 200)}` };
    } catch {
      return { ok: true }; // a 2xx with a non-JSON body: the vendor took it
    }
  };
}
