// Canary visibility end to end: `rollscope canary` (the CLI as a child process) drives canaries on
// the simulated cluster while an in-process `serve` tracks it — the tracker ledgers each canary
// from its annotations, serves it at /api/v1/canaries (steps, outcome, the promoting release),
// notifies start, each step, pause, promote and abort through the outbox to local receivers
// (exactly once per sink), and counts rollscope_canary_* on /metrics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { canarySummaryView, canaryView, type CanaryView } from '../../src/model/view/canary-view.ts';
import { startInProcessTracker, type InProcessTracker } from '../e2e/fixtures/daemon.ts';
import { SINK_SECRETS, startNotifyReceivers, type NotifyReceivers } from '../e2e/fixtures/notify-receiver.ts';
import { spawnRollscope, startOpsCluster, type OpsCluster } from './ops-support.ts';
import { applyWebApp, until } from './web-app.ts';

let c: OpsCluster | undefined;
let tracker: InProcessTracker | undefined;
let rx: NotifyReceivers | undefined;
const dir = mkdtempSync(join(tmpdir(), 'rollscope-canary-vis-'));
before(async (t) => {
  c = await startOpsCluster(t as never, 80);
  if (!c) return;
  rx = await startNotifyReceivers();
  tracker = await startInProcessTracker(c.sim, c.kubeconfig, {
    db: `sqlite:${join(dir, 'ledger.db')}`,
    config: {
      notifications: {
        sinks: [
          { type: 'webhook', name: 'hook', url: `${rx.base}/webhook`, secret: SINK_SECRETS.webhook },
          { type: 'slack', name: 'slack', url: `${rx.base}/slack` },
        ],
        routes: [{ sinks: ['hook', 'slack'], namespaces: ['cv-*'] }],
      },
    },
  });
});
after(async () => {
  await tracker?.stop();
  await rx?.close();
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const setup = (ns: string): Promise<void> => applyWebApp(c!, ns, { replicas: 4, labels: { team: 'shop' } });

const api = async (path: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(`${tracker!.daemon.url}${path}`);
  return { status: res.status, body: await res.json() };
};
const detail = async (ns: string): Promise<CanaryView | undefined> => {
  const r = await api(`/api/v1/canaries/${ns}/web`);
  return r.status === 200 ? canaryView.parse(r.body) : undefined;
};
const webhookStates = (ns: string): string[] =>
  rx!.received
    .filter((r) => r.sink === 'webhook')
    .map((r) => JSON.parse(r.body) as { state: string; canary?: { namespace: string } })
    .filter((b) => b.canary?.namespace === ns)
    .map((b) => b.state);

test('a promoted and an aborted canary: ledger and API, notifications once per sink, rollscope_canary_* metrics', { timeout: 150_000 }, async () => {
  if (!c || !tracker || !rx) return;
  await Promise.all([setup('cv-good'), setup('cv-abort')]);

  // a good canary with a timed pause at 50 %, promoted …
  const good = c.rollscope(['canary', 'deployment/web', '-n', 'cv-good', '--image', 'app=web:2', '--steps', '50', '--pause', '3s'], { timeoutMs: 90_000 });
  // … and one paused by hand at 25 % and aborted
  const held = spawnRollscope(c, ['canary', 'deployment/web', '-n', 'cv-abort', '--image', 'app=web:2', '--steps', '25', '--pause', 'manual']);
  await held.when(/paused at 25% until promoted/);
  // the ledger knows the pause as soon as the tracker sees the annotation
  const paused = await until('the paused canary in the API', async () => ((await detail('cv-abort'))?.canary.state === 'paused' ? true : undefined));
  assert.ok(paused);
  const a = await c.rollscope(['canary', 'abort', 'deploy/web', '-n', 'cv-abort']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal((await held.done).code, 1);
  const g = await good;
  assert.equal(g.code, 0, g.stderr);

  // Ledger and API: both canaries, each step, the outcome; the promotion links to the release it made
  const promoted = await until('the promoted canary with its promoting release', async () => {
    const v = await detail('cv-good');
    return v?.canary.state === 'promoted' && v.promoteReleaseId !== null ? v : undefined;
  });
  assert.deepEqual(promoted.steps.map((s) => [s.weight, s.canaryReplicas, s.stableReplicas, s.reachedAt !== null, s.leftAt !== null]), [[50, 2, 2, true, true], [100, 4, 0, true, true]]);
  assert.ok(promoted.steps[0]!.pauseUntil !== null, 'the timed pause is ledgered');
  assert.deepEqual(promoted.canary.images, [{ container: 'app', from: 'web:1', to: 'web:2' }]);
  const release = (await api(`/api/v1/releases/${promoted.promoteReleaseId}`)).body as { release: { changeCause: string; images: { image: string }[] } };
  assert.match(release.release.changeCause, new RegExp(`^canary-promote ${promoted.canary.id}`));
  assert.deepEqual(release.release.images.map((i) => i.image), ['web:2']);
  // the release list names the promotion's trigger canary-promote and links it to the canary; the first release stays a create
  type Listed = { id: string; trigger: string; canary: { id: string; href: string } | null };
  const releases = ((await api('/api/v1/releases?namespace=cv-good&name=web')).body as { items: Listed[] }).items;
  const byId = releases.find((r) => r.id === promoted.promoteReleaseId);
  assert.deepEqual([byId?.trigger, byId?.canary?.id], ['canary-promote', promoted.canary.id], JSON.stringify(releases));
  assert.deepEqual(releases.filter((r) => r.id !== promoted.promoteReleaseId).map((r) => [r.trigger, r.canary]), [['create', null]]);
  const linked = (await api(byId!.canary!.href)).body as CanaryView;
  assert.equal(linked.canary.id, promoted.canary.id, 'the link leads to the canary');
  const aborted = await until('the aborted canary', async () => ((await detail('cv-abort'))?.canary.state === 'aborted' ? (await detail('cv-abort'))! : undefined));
  assert.equal(aborted.canary.outcome, 'aborted');
  assert.match(aborted.canary.message, /aborted by /);
  assert.deepEqual(aborted.steps.map((s) => s.weight), [25]);
  // … and they stay in the ledger although the canary Deployments are gone
  assert.equal((await c.kubectl(['get', 'deploy/web-canary', '-n', 'cv-good'])).code !== 0, true);
  const list = (await api('/api/v1/canaries?namespace=cv-good,cv-abort&state=promoted,aborted')).body as { items: unknown[] };
  assert.deepEqual(list.items.map((i) => canarySummaryView.parse(i).namespace).sort(), ['cv-abort', 'cv-good']);

  // Notifications: start, each step, the pause, promote / abort — each once to each sink
  const wantGood = ['canary-started', 'canary-step', 'canary-paused', 'canary-step', 'canary-promoted'];
  const wantAbort = ['canary-started', 'canary-step', 'canary-paused', 'canary-aborted'];
  await until('every canary notification', async () => (webhookStates('cv-good').length >= wantGood.length && webhookStates('cv-abort').length >= wantAbort.length ? true : undefined), 30_000);
  assert.deepEqual(webhookStates('cv-good'), wantGood);
  assert.deepEqual(webhookStates('cv-abort'), wantAbort);
  const hooks = rx.received.filter((r) => r.sink === 'webhook' && r.key?.startsWith('canary:'));
  assert.ok(hooks.every((r) => r.valid), hooks.map((r) => r.why).join(', '));
  assert.equal(new Set(hooks.map((r) => r.key)).size, hooks.length, 'no notification delivered twice');
  assert.equal(rx.received.filter((r) => r.sink === 'slack' && r.body.includes('canary of deployment')).length, hooks.length, 'slack got the same messages');
  const abortBody = JSON.parse(rx.received.find((r) => r.sink === 'webhook' && r.key?.endsWith(':aborted'))!.body) as { title: string; text: string; reason: string };
  assert.match(abortBody.title, /canary of deployment cv-abort\/web ABORTED at 25% \(1\/4 replicas\)/);
  assert.match(abortBody.reason, /aborted by /);

  // Metrics: counted once per change; nothing active any more
  const metrics = await (await fetch(`${tracker.daemon.url}/metrics`)).text();
  const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  assert.equal(value('rollscope_canary_started_total{cluster="sim"}'), 2, metrics);
  assert.equal(value('rollscope_canary_steps_total{cluster="sim"}'), 3);
  assert.equal(value('rollscope_canary_pauses_total{cluster="sim"}'), 2);
  assert.equal(value('rollscope_canary_promotions_total{cluster="sim"}'), 1);
  assert.equal(value('rollscope_canary_aborts_total{cluster="sim"}'), 1);
  assert.equal(value('rollscope_canary_measurements_total{verdict="successful",cluster="sim"}'), 0);
  for (const state of ['progressing', 'paused', 'promoting', 'aborting']) assert.equal(value(`rollscope_canary_active{state="${state}",cluster="sim"}`), 0, state);
});
