import type { CanaryChange, CanaryEntry } from '../../canary/ledger.ts';
import { formatSteps } from '../../canary/steps.ts';
import { toCanarySummaryView } from '../../model/view/canary-view.ts';
import type { Language } from './language.ts';
import type { CanaryNotification, CanaryNotificationState } from './message.ts';

/**
 * Canary notifications: one message when a canary starts (each attempt), reaches each step, pauses
 * (a timed pause, a manual step, or inconclusive analysis waiting for a human), is promoted, and
 * is aborted — the abort naming the failing metric, its value and its threshold. Built from the
 * changes canary/ledger.ts reports, which come once per canary state, so keys are stable:
 * `canary:<id>:<attempt>:<state>[:<step>]`.
 */

/** canaryNotificationsFor turns the changes of one fold into notifications (measurements are not announced). */
export function canaryNotificationsFor(entry: CanaryEntry, changes: readonly CanaryChange[], labels: Readonly<Record<string, string>> = {}): CanaryNotification[] {
  const canary = toCanarySummaryView(entry);
  const base = { kind: 'canary' as const, canary, labels, step: null, reason: null, until: null, plan: null };
  const stepOf = (index: number): CanaryNotification['step'] => {
    const s = entry.steps.find((x) => x.attempt === entry.attempt && x.index === index);
    return s === undefined ? null : { index: s.index, weight: s.weight, canaryReplicas: s.canaryReplicas, stableReplicas: s.stableReplicas };
  };
  const out: CanaryNotification[] = [];
  for (const c of changes) {
    switch (c.kind) {
      case 'started':
        out.push({ ...base, idempotencyKey: `canary:${entry.id}:${c.attempt}:started`, state: 'canary-started', plan: formatSteps(entry.record.steps) });
        break;
      case 'step':
        out.push({ ...base, idempotencyKey: `canary:${entry.id}:${c.step.attempt}:step:${c.step.index}`, state: 'canary-step', step: stepOf(c.step.index) });
        break;
      case 'paused':
        out.push({ ...base, idempotencyKey: `canary:${entry.id}:${c.attempt}:paused:${c.index}`, state: 'canary-paused', step: stepOf(c.index), reason: c.reason, until: c.until });
        break;
      case 'promoted':
        out.push({ ...base, idempotencyKey: `canary:${entry.id}:${c.attempt}:promoted`, state: 'canary-promoted' });
        break;
      case 'aborted':
        out.push({ ...base, idempotencyKey: `canary:${entry.id}:${c.attempt}:aborted`, state: 'canary-aborted', step: stepOf(entry.stepIndex), reason: c.reason });
        break;
      case 'measurement':
        break;
    }
  }
  return out;
}

const WORDS: Readonly<Record<Language, Readonly<Record<CanaryNotificationState, string>> & { canary: string; steps: string; service: string; analysis: string; none: string; reason: string; failing: string; threshold: string; value: string; stable: string; replicas: string; until: string; at: string }>> = {
  en: {
    'canary-started': 'started', 'canary-step': 'at', 'canary-paused': 'PAUSED', 'canary-promoted': 'promoted', 'canary-aborted': 'ABORTED',
    canary: 'canary of deployment', steps: 'Steps', service: 'Service', analysis: 'Analysis', none: 'none', reason: 'Reason', failing: 'Failing metric', threshold: 'threshold', value: 'value', stable: 'stable', replicas: 'replicas', until: 'Until', at: 'at',
  },
  'zh-CN': {
    'canary-started': '开始', 'canary-step': '进入', 'canary-paused': '已暂停', 'canary-promoted': '已全量发布', 'canary-aborted': '已中止',
    canary: '金丝雀发布 deployment', steps: '步骤', service: '服务', analysis: '分析', none: '无', reason: '原因', failing: '失败指标', threshold: '阈值', value: '值', stable: '稳定版', replicas: '副本', until: '直到', at: '于',
  },
};

const num = (v: number | null): string => (v === null ? 'no data' : Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, ''));

/** formatCanaryNotification renders a canary notification: a title and body lines (the abort names metric, value and threshold). */
export function formatCanaryNotification(n: CanaryNotification, lang: Language): { title: string; lines: string[] } {
  const w = WORDS[lang];
  const c = n.canary;
  const images = c.images.map((i) => `${i.from || '?'} → ${i.to}`).join(', ');
  const subject = `${w.canary} ${c.namespace}/${c.name}`;
  const at = n.step === null ? '' : ` ${n.step.weight}% (${n.step.canaryReplicas}/${n.step.canaryReplicas + n.step.stableReplicas} ${w.replicas})`;
  const title =
    n.state === 'canary-started' ? `${subject} ${w['canary-started']}: ${images}`
    : n.state === 'canary-step' ? `${subject} ${w['canary-step']}${at}`
    : n.state === 'canary-promoted' ? `${subject} ${w['canary-promoted']}: ${c.images.map((i) => i.to).join(', ')}`
    : `${subject} ${w[n.state]}${at === '' ? '' : ` ${w.at}${at}`}`;
  const lines: string[] = [];
  if (n.state === 'canary-started') {
    lines.push(`${w.steps}: ${n.plan ?? c.stepCount} (${c.totalReplicas} ${w.replicas})`, `${w.service}: ${c.service ?? w.none}`, `${w.analysis}: ${c.analysis ? 'Prometheus' : w.none}`);
  }
  if (n.reason !== null) lines.push(`${w.reason}: ${n.reason}`);
  if (n.until !== null) lines.push(`${w.until}: ${new Date(n.until).toISOString()}`);
  if (n.state === 'canary-aborted' && c.failing !== null) {
    const f = c.failing;
    lines.push(`${w.failing}: ${f.metric} ${w.value} ${num(f.value)}${f.stableValue === null ? '' : ` (${w.stable} ${num(f.stableValue)})`}, ${w.threshold} ${f.condition}`);
  }
  lines.push(`id: ${c.id}${c.attempt > 1 ? ` (attempt ${c.attempt})` : ''}`);
  return { title, lines };
}
