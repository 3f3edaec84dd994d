import { formatDuration } from '../../model/duration.ts';
import type { Release } from '../../model/release.ts';
import { formatCanaryNotification } from './canary-message.ts';
import type { Language } from './language.ts';
import { isCanaryNotification, type Notification, type ReleaseNotification, type ReleaseNotificationState } from './message.ts';
import { triggerText } from '../../model/trigger-text.ts';

export type { Language } from './language.ts';

/** FormattedMessage is a notification rendered for people: a title, markdown text and plain text. */
export interface FormattedMessage {
  readonly title: string;
  readonly markdown: string;
  readonly plain: string;
}

const STATE_WORDS: Readonly<Record<Language, Readonly<Record<ReleaseNotificationState, string>>>> = {
  en: { started: 'started', succeeded: 'succeeded', failed: 'FAILED', 'rolled-back': 'rolled back' },
  'zh-CN': { started: '开始发布', succeeded: '发布成功', failed: '发布失败', 'rolled-back': '已回滚' },
};

const LABELS: Readonly<Record<Language, Readonly<Record<'release' | 'images' | 'actor' | 'reason' | 'duration' | 'cause', string>>>> = {
  en: { release: 'Release', images: 'Images', actor: 'By', reason: 'Reason', duration: 'Duration', cause: 'Change cause' },
  'zh-CN': { release: '版本', images: '镜像', actor: '操作者', reason: '原因', duration: '耗时', cause: '变更原因' },
};

function subject(r: Release): string {
  return `${r.workload.kind.toLowerCase()} ${r.workload.namespace}/${r.workload.name}`;
}

function lines(n: ReleaseNotification, lang: Language): string[] {
  const r = n.release;
  const l = LABELS[lang];
  const out = [
    `${l.release}: #${r.releaseNumber}${r.revision ? ` (revision ${r.revision})` : ''} · ${triggerText(r)}`,
    `${l.images}: ${r.images.map((i) => i.image).join(', ') || '-'}`,
    `${l.actor}: ${r.actor.user ?? r.actor.manager}`,
  ];
  if (r.changeCause) out.push(`${l.cause}: ${r.changeCause}`);
  if (r.finishedAt !== null) out.push(`${l.duration}: ${formatDuration(r.finishedAt - r.startedAt)}`);
  if (r.failure) out.push(`${l.reason}: ${r.failure.code} (${r.failure.reason}) ${r.failure.message}`);
  return out;
}

/**
 * formatNotification renders a notification from the release's final state, with the diagnosis
 * when it failed. Pure. Example (en, failed):
 * title `deployment shop/web FAILED`, text lines Release/Images/By/Reason.
 */
export function formatNotification(n: Notification, lang: Language = 'en'): FormattedMessage {
  const { title, body } = isCanaryNotification(n) ? ((m) => ({ title: m.title, body: m.lines }))(formatCanaryNotification(n, lang)) : { title: `${subject(n.release)} ${STATE_WORDS[lang][n.state]}`, body: lines(n, lang) };
  return {
    title,
    markdown: [`**${title}**`, '', ...body.map((b) => `- ${b}`)].join('\n'),
    plain: [title, ...body].join('\n'),
  };
}
