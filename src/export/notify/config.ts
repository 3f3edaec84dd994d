import { z } from 'zod';
import { TrackerError } from '../../lib/errors.ts';
import { CANARY_NOTIFICATION_STATES, NOTIFICATION_STATES } from './message.ts';
import type { Route } from './routing.ts';
import type { NotificationSink } from './sink.ts';
import { dingtalkSink, feishuSink, slackSink, webhookSink, wecomSink } from './sinks.ts';

const language = z.enum(['en', 'zh-CN']).optional();
const sinkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), name: z.string().min(1), url: z.url(), secret: z.string().optional(), language, headers: z.record(z.string(), z.string()).optional() }),
  z.object({ type: z.literal('slack'), name: z.string().min(1), url: z.url(), language }),
  z.object({ type: z.literal('dingtalk'), name: z.string().min(1), url: z.url(), secret: z.string().optional(), language }),
  z.object({ type: z.literal('feishu'), name: z.string().min(1), url: z.url(), secret: z.string().optional(), language }),
  z.object({ type: z.literal('wecom'), name: z.string().min(1), url: z.url(), language }),
]);
const states = z.enum([...NOTIFICATION_STATES, ...CANARY_NOTIFICATION_STATES] as [string, ...string[]]);
const routeSchema = z.object({
  sinks: z.array(z.string().min(1)).min(1),
  namespaces: z.array(z.string()).optional(),
  names: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  states: z.array(states).optional(),
});

/** notificationsConfigSchema validates the `notifications` section of the rollscope config file. */
export const notificationsConfigSchema = z.object({
  sinks: z.array(sinkSchema).default([]),
  routes: z.array(routeSchema).optional(),
});

/** NotificationsConfig is the parsed `notifications` config. */
export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/** NotificationSetup is the sinks by name and the routes, ready for the dispatcher. */
export interface NotificationSetup {
  readonly sinks: ReadonlyMap<string, NotificationSink>;
  readonly routes: readonly Route[];
}

/**
 * buildNotificationSetup parses the config (unknown input) into sinks and routes. Without routes,
 * every notification goes to every sink. Errors name the offending field and never echo secrets.
 */
export function buildNotificationSetup(input: unknown): NotificationSetup {
  const parsed = notificationsConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrackerError('CONFIG_INVALID', `notifications config is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`, {
      subject: 'notifications',
      hint: 'each sink needs type (webhook|slack|dingtalk|feishu|wecom), a unique name and a url; routes need sinks',
    });
  }
  const sinks = new Map<string, NotificationSink>();
  for (const s of parsed.data.sinks) {
    if (sinks.has(s.name)) throw new TrackerError('CONFIG_INVALID', `notification sink "${s.name}" is defined twice`, { hint: 'give every sink a unique name' });
    const opts = { name: s.name, url: s.url, ...(s.language ? { language: s.language } : {}) };
    const secret = 'secret' in s && s.secret ? { secret: s.secret } : {};
    switch (s.type) {
      case 'webhook': sinks.set(s.name, webhookSink({ ...opts, ...secret, ...(s.headers ? { headers: s.headers } : {}) })); break;
      case 'slack': sinks.set(s.name, slackSink(opts)); break;
      case 'dingtalk': sinks.set(s.name, dingtalkSink({ ...opts, ...secret })); break;
      case 'feishu': sinks.set(s.name, feishuSink({ ...opts, ...secret })); break;
      case 'wecom': sinks.set(s.name, wecomSink(opts)); break;
    }
  }
  const routes: Route[] = (parsed.data.routes ?? [{ sinks: [...sinks.keys()] }]).map((r) => r as Route);
  for (const r of routes)
    for (const name of r.sinks)
      if (!sinks.has(name)) throw new TrackerError('CONFIG_INVALID', `notification route names unknown sink "${name}"`, { hint: `define it under notifications.sinks, or use one of: ${[...sinks.keys()].join(', ') || '(none)'}` });
  return { sinks, routes };
}
