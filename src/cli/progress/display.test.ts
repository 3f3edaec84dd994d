import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WaitSnapshot, WorkloadProgress } from '../../ops/waiter.ts';
import { plainDisplay, ttyDisplay } from './display.ts';
import { plainLine, progressLines } from './lines.ts';

const web = (over: Partial<WorkloadProgress> = {}): WorkloadProgress => ({
  target: { kind: 'Deployment', namespace: 'shop', name: 'web' },
  status: 'waiting',
  state: 'InProgress',
  reason: 'LessAvailable',
  message: '1 of 3 updated replicas available',
  progress: { desired: 3, updated: 3, ready: 1, available: 1 },
  diagnosis: null,
  stuck: [],
  superseded: false,
  ...over,
});
const snap = (w: WorkloadProgress, elapsedMs = 12_300): WaitSnapshot => ({ elapsedMs, workloads: [w] });
const pulling = web({ progress: { desired: 3, updated: 1, ready: 2, available: 2 }, stuck: [{ pod: 'web-7d9f-abc', reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:missing"' }] });

function sink(columns = 120): { readonly text: () => string; write(s: string): void; readonly isTTY: true; readonly columns: number } {
  let text = '';
  return { text: () => text, write: (s: string) => void (text += s), isTTY: true, columns };
}

const LINE_ROWS: readonly { readonly name: string; readonly w: WorkloadProgress; readonly plain: string }[] = [
  { name: 'updating', w: pulling, plain: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated... (Warning: web-7d9f-abc ImagePullBackOff: Back-off pulling image "web:missing")' },
  { name: 'becoming available', w: web(), plain: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...' },
  {
    name: 'a daemon set, superseded',
    w: web({ target: { kind: 'DaemonSet', namespace: 'ops', name: 'agent' }, superseded: true, progress: { desired: 3, updated: 2, ready: 2, available: 2 } }),
    plain: 'Waiting for daemon set "agent" rollout to finish: 2 out of 3 new pods have been updated... [superseded by a newer revision; waiting for the newest]',
  },
];
for (const row of LINE_ROWS) test(`plainLine: ${row.name}`, () => assert.equal(plainLine(row.w), row.plain));

test('progressLines: counts, elapsed time, and the stuck pods with their reason', () => {
  assert.deepEqual(progressLines(snap(pulling)), [
    'deployment shop/web  waiting  updated 1/3 ready 2/3 available 2/3  12s',
    '  web-7d9f-abc ImagePullBackOff: Back-off pulling image "web:missing"',
  ]);
  const many = web({ stuck: ['a', 'b', 'c', 'd', 'e'].map((p) => ({ pod: p, reason: 'CrashLoopBackOff', message: '' })) });
  assert.deepEqual(progressLines(snap(many)).slice(1), ['  a CrashLoopBackOff', '  b CrashLoopBackOff', '  c CrashLoopBackOff', '  … and 2 more stuck pods']);
});

test('ttyDisplay redraws in place: cursor up over the old lines, erase, new lines; nothing when unchanged', () => {
  const out = sink();
  const d = ttyDisplay(out);
  d.update(snap(pulling));
  assert.equal(out.text(), '\x1b[J' + progressLines(snap(pulling)).map((l) => `${l}\n`).join(''));
  const before = out.text();
  d.update(snap(pulling));
  assert.equal(out.text(), before, 'an unchanged frame is not rewritten');
  d.update(snap(web()));
  assert.equal(out.text().slice(before.length), `\x1b[2F\x1b[J${progressLines(snap(web()))[0]}\n`);
});

test('ttyDisplay cuts lines to the terminal width so none wraps', () => {
  const out = sink(40);
  ttyDisplay(out).update(snap(pulling));
  for (const line of out.text().replace('\x1b[J', '').split('\n')) assert.ok(line.length <= 39, line);
});

test('plainDisplay writes a line only when it changes, without escape codes', () => {
  let text = '';
  const d = plainDisplay({ write: (s: string) => void (text += s) });
  d.update(snap(pulling));
  d.update(snap(pulling, 20_000));
  d.update(snap(web()));
  assert.equal(text, `${plainLine(pulling)}\n${plainLine(web())}\n`);
  assert.ok(!text.includes('\x1b'), 'no escape codes');
});
