// Issue 5, "Done when" 3 and 4 end to end: `rollscope serve` routes one message per release state
// change to a webhook and to every vendor sink (signatures checked by local receivers); SIGKILLed
// while a slow receiver is mid-delivery and restarted, it still delivers every message exactly
// once when deduplicated by its idempotency key, and loses none.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, startCluster } from '../sim/kubectl-support.ts';
import { fetchReleases, simClockEnv, startServe, waitReady, type ReleaseJson, type ServeProcess } from './fixtures/daemon.ts';
import { trackerCaughtUp } from './fixtures/caught-up.ts';
import { SINK_SECRETS, startNotifyReceivers } from './fixtures/notify-receiver.ts';
import { waitSettled } from './fixtures/scripted-day.ts';

/** expectedKeys are the notification keys a release's history calls for: started, then each final state it entered. */
function expectedKeys(releases: readonly ReleaseJson[]): string[] {
  const keys: string[] = [];
  for (const r of releases) {
    if (r.backfilled) continue;
    keys.push(`${r.id}:started`);
    // In this day a rolled-back release had succeeded before it was rolled back.
    if (r.outcome === 'rolled-back') keys.push(`${r.id}:succeeded`, `${r.id}:rolled-back`);
    else if (r.outcome === 'succeeded' || r.outcome === 'failed') keys.push(`${r.id}:${r.outcome}`);
  }
  return keys.sort();
}

test('notifications: one per state change to every sink, exactly once across SIGKILLs mid-delivery', { timeout: 120_000 }, async (t) => {
  // Given receivers for every sink type (the webhook slow to answer) and serve configured to use them
  const cluster = await startCluster(t, { speed: 40 });
  if (!cluster) return;
  const rx = await startNotifyReceivers({ webhookDelayMs: 300 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-notify-e2e-'));
  const config = join(dir, 'rollscope.yaml');
  writeFileSync(config, `notifications:
  sinks:
    - {type: webhook, name: hook, url: "${rx.base}/webhook", secret: "${SINK_SECRETS.webhook}"}
    - {type: slack, name: slack, url: "${rx.base}/slack"}
    - {type: dingtalk, name: ding, url: "${rx.base}/dingtalk?access_token=t", secret: "${SINK_SECRETS.dingtalk}", language: zh-CN}
    - {type: feishu, name: feishu, url: "${rx.base}/feishu", secret: "${SINK_SECRETS.feishu}", language: zh-CN}
    - {type: wecom, name: wecom, url: "${rx.base}/wecom"}
  routes:
    - {sinks: [hook, slack, ding, feishu, wecom], namespaces: [day]}
`);
  const start = (): Promise<ServeProcess> => startServe({ kubeconfig: cluster.kubeconfig, db: `sqlite:${join(dir, 'ledger.db')}`, config, env: simClockEnv(cluster.sim) });
  let serve = await start();
  await waitReady(serve.url);
  t.after(async () => {
    await serve.kill();
    await rx.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // The day's writes and the tracker's restarts take turns: a write holds the turn until the tracker
  // has caught up with it (trackerCaughtUp), so every release is seen starting live. Otherwise a
  // restart slowed by load (7-27 s at load 7) can span a whole step; a rollback that starts while no
  // tracker runs is recorded by backfill with its author unknown, and a backfilled release is history,
  // not announced: the day then has 9 state changes instead of 11 (the undo's started and succeeded).
  let turn: Promise<void> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = turn.then(fn);
    turn = run.then(() => undefined, () => undefined);
    return run;
  };

  // SIGKILL the tracker while the webhook receiver holds a delivery open (at most 3 times), then restart it.
  // The receiver holds that delivery until the restart is done, so the kill always lands mid-delivery
  // however long it waits for its turn. One restart at a time: a redelivery that reaches the restarted
  // tracker before it is ready must not start a second kill of the process the first restart is still waiting on.
  let kills = 0;
  let inRestart = false;
  let restarting: Promise<void> = Promise.resolve();
  rx.onWebhook = () => {
    if (inRestart || kills >= 3 || rx.received.filter((r) => r.sink === 'webhook').length % 3 !== 1) return;
    kills++;
    inRestart = true;
    restarting = inTurn(async () => {
      try {
        await serve.kill();
        serve = await start();
        await waitReady(serve.url, 30_000); // as the chaos of restart-equality: a loaded machine starts slowly
      } finally {
        inRestart = false;
      }
    });
    return restarting;
  };

  // When a short day runs: creates, an image change, a failing image and an undo. Each write takes
  // its turn; waiting for the rollout to settle does not (a kill may land mid-rollout, and the
  // restarted tracker then sees how the release ended).
  const n = ['-n', 'day'];
  const step = async (write: () => Promise<unknown>, settled?: string): Promise<void> => {
    await inTurn(async () => {
      await write();
      await trackerCaughtUp(cluster.sim, serve.url);
    });
    if (settled) await waitSettled(cluster, 'deployments.apps', settled);
    await restarting;
  };
  await step(() => cluster.kubectlOk(['create', 'namespace', 'day']));
  await step(() => cluster.kubectlOk([...n, 'create', 'deployment', 'web', '--image=nginx:1.25']), 'web');
  await step(() => cluster.kubectlOk([...n, 'set', 'image', 'deployment/web', 'nginx=nginx:1.26']), 'web');
  await step(() => cluster.kubectlOk([...n, 'create', 'deployment', 'api', '--image=api:1.0']), 'api');
  await step(() => cluster.kubectlOk([...n, 'set', 'image', 'deployment/api', 'api=api:missing']));
  await step(() => cluster.kubectlOk([...n, 'rollout', 'undo', 'deployment/web']), 'web');
  const releases = await eventually('all 5 releases to be final', async () => {
    await restarting;
    const rs = await fetchReleases(serve.url).catch(() => []);
    return rs.length === 5 && rs.every((r) => !['progressing', 'paused'].includes(r.outcome)) ? rs : undefined;
  }, 30_000);
  const want = expectedKeys(releases);
  assert.equal(want.length, 11, `the day has 11 state changes: ${want.join(', ')}`);

  // Then, once the outbox drains, the webhook got every expected key (deduplicated, exactly the expected set)
  const hookKeys = (sink: string): string[] => rx.received.filter((r) => r.sink === sink).map((r) => r.key ?? '(no key)');
  await eventually('every message to reach every sink', async () => {
    await restarting;
    const counts = ['webhook', 'slack', 'dingtalk', 'feishu', 'wecom'].map((s) => rx.received.filter((r) => r.sink === s).length);
    return new Set(hookKeys('webhook')).size >= want.length && new Set(hookKeys('slack')).size >= want.length && counts.every((c) => c >= want.length) ? true : undefined;
  }, 30_000);
  await new Promise((r) => setTimeout(r, 2_000)); // nothing more may arrive
  t.diagnostic(`SIGKILLs during delivery: ${kills}; webhook requests ${hookKeys('webhook').length} for ${want.length} messages`);
  assert.ok(kills >= 1, 'the tracker was killed during a delivery at least once');
  for (const sink of ['webhook', 'slack']) assert.deepEqual([...new Set(hookKeys(sink))].sort(), want, `${sink}: every message exactly once after deduplication by key`);
  // And every vendor got as many messages, each with a valid signature and payload
  const bad = rx.received.filter((r) => !r.valid);
  assert.deepEqual(bad.map((r) => `${r.sink}: ${r.why}`), [], 'every request is correctly signed and shaped');
  for (const sink of ['dingtalk', 'feishu', 'wecom']) {
    const got = rx.received.filter((r) => r.sink === sink).length;
    assert.ok(got >= want.length && got <= want.length + kills, `${sink}: ${got} requests for ${want.length} messages (redeliveries bounded by the kills)`);
  }
});
