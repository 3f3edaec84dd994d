import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cluster, type Clock } from '../../canary/testing/drive.ts';
import { runLedgered } from '../../canary/testing/ledger-run.ts';
import { canaryNotificationsFor } from './canary-message.ts';
import { formatNotification } from './format.ts';
import { outboxMessagesFor } from './outbox.ts';
import { sinksFor } from './routing.ts';
import { webhookPayload } from './sinks.ts';

// Canaries really run by the planner on the model cluster and ledgered by the fold.
const run = (value: number) => runLedgered(cluster(4), { now: 1_000_000 } satisfies Clock, '10,50,100', { id: `01C${value}`, script: () => ({ value, rate: 5, stableValue: 1, stableRate: 15 }) });

test('canary notifications: started, each step, promoted — keyed once per canary state', () => {
  const { entry, changes } = run(0.999);
  const notes = canaryNotificationsFor(entry!, changes, { team: 'shop' });
  assert.deepEqual(notes.map((n) => n.idempotencyKey), ['canary:01C0.999:1:started', 'canary:01C0.999:1:step:0', 'canary:01C0.999:1:step:1', 'canary:01C0.999:1:step:2', 'canary:01C0.999:1:promoted']);
  assert.deepEqual(notes.map((n) => n.step?.weight ?? null), [null, 10, 50, 100, null]);
  const started = formatNotification(notes[0]!, 'en');
  assert.equal(started.title, 'canary of deployment shop/web started: web:1 → web:2');
  assert.match(started.plain, /Steps: 10% → 50% → 100% \(4 replicas\)/);
  assert.equal(formatNotification(notes[2]!, 'en').title, 'canary of deployment shop/web at 50% (2/4 replicas)');
  assert.equal(formatNotification(notes[4]!, 'zh-CN').title, '金丝雀发布 deployment shop/web 已全量发布: web:2');
});

test('an abort notification names the failing metric, its value and its threshold', () => {
  const { entry, changes } = run(0.7);
  const notes = canaryNotificationsFor(entry!, changes);
  const abort = notes.find((n) => n.state === 'canary-aborted');
  assert.ok(abort);
  const msg = formatNotification(abort, 'en');
  assert.equal(msg.title, 'canary of deployment shop/web ABORTED at 10% (1/4 replicas)');
  assert.match(msg.plain, /Failing metric: success-rate value 0\.7 \(stable 1\), threshold success: result >= 0\.99; failure: result < 0\.95/);
  assert.match(msg.plain, /Reason: analysis failed at 10%: success-rate = 0\.7/);
  const payload = webhookPayload(abort, 'en') as { state: string; failing: { metric: string; value: number; condition: string }; canary: { outcome: string | null } };
  assert.equal(payload.state, 'canary-aborted');
  assert.deepEqual([payload.failing.metric, payload.failing.value], ['success-rate', 0.7]);
  assert.match(payload.failing.condition, /result < 0\.95/);
});

test('routes select canary notifications by namespace, name, labels and canary states', () => {
  const { entry, changes } = run(0.7);
  const notes = canaryNotificationsFor(entry!, changes, { team: 'shop' });
  const routes = [{ sinks: ['pager'], states: ['canary-aborted' as const] }, { sinks: ['chat'], namespaces: ['sh*'], labels: { team: 'shop' } }, { sinks: ['other'], names: ['api'] }];
  assert.deepEqual(notes.map((n) => `${n.state}:${sinksFor(routes, n).join('+')}`), ['canary-started:chat', 'canary-step:chat', 'canary-aborted:pager+chat']);
  assert.equal(outboxMessagesFor(notes, routes, 0).length, 4);
});
