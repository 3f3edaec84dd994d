// A tracker whose API server goes away says so: with the simulated API server stopped (a TCP proxy
// in front of it is closed, so connections are refused), /readyz turns 503 within the threshold
// naming the watches that are down, and the watch restart metrics grow; when it comes back (with
// its watch cache gone, so resuming watches get 410 and relist) /readyz is 200 again and the relist
// metric has grown.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startDaemon } from '../../src/daemon/main.ts';
import { realClock } from '../../src/lib/clock.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { startSim } from '../../src/sim/index.ts';
import { openLedger } from '../../src/store/open.ts';

/** proxy forwards loopback TCP to `target`; close() refuses new connections and cuts open ones. */
async function proxy(target: number, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

const sample = (text: string, name: string): number =>
  text.split('\n').filter((l) => l.startsWith(`${name}{`)).reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('API server stopped: /readyz 503 naming the watches within the threshold, restart and relist metrics grow, recovery', async (t) => {
  const sim = await startSim({ speed: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-watch-health-'));
  t.after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const simPort = Number(new URL(sim.url).port);
  let front = await proxy(simPort);
  const frontPort = front.port;
  sim.writeKubeconfig(join(dir, 'kubeconfig'));
  writeFileSync(join(dir, 'kubeconfig'), readFileSync(join(dir, 'kubeconfig'), 'utf8').replaceAll(sim.url, `http://127.0.0.1:${frontPort}`));
  const ledger = await openLedger('sqlite::memory:');
  const thresholdMs = 2_000;
  const daemon = await startDaemon({ kubeconfig: join(dir, 'kubeconfig'), namespaces: [], cluster: 'sim', listen: '127.0.0.1:0', ledger, config: {}, logger: silentLogger, clock: realClock, minWatchTimeoutSeconds: 5, watchDownThresholdMs: thresholdMs });
  t.after(async () => {
    await daemon.stop();
    await ledger.close();
    await front.close();
  });
  const readyz = async (): Promise<{ status: number; body: { down: { watch: string; downForSeconds: number }[]; reason?: string } }> => {
    const res = await fetch(`${daemon.url}/readyz`);
    return { status: res.status, body: (await res.json()) as never };
  };
  const metrics = async (): Promise<string> => (await fetch(`${daemon.url}/metrics`)).text();
  await until('the first sync', 20_000, async () => ((await readyz()).status === 200 ? true : undefined));
  const before = await metrics();
  assert.equal(sample(before, 'rollscope_relists_total'), 0);

  // The API server goes away.
  await front.close();
  const stoppedAt = Date.now();
  const blind = await until('/readyz 503', thresholdMs + 10_000, async () => {
    const r = await readyz();
    return r.status === 503 ? r : undefined;
  });
  const tookMs = Date.now() - stoppedAt;
  assert.ok(tookMs >= thresholdMs - 100, `not before the threshold (${tookMs} ms)`);
  assert.ok(tookMs < thresholdMs + 5_000, `within the threshold plus one probe round (${tookMs} ms)`);
  const named = blind.body.down.map((d) => d.watch).sort();
  assert.ok(named.includes('Deployment in all namespaces') && named.includes('Pod in all namespaces'), named.join(', '));
  assert.match(blind.body.reason ?? '', /watches down for 2 s or more: .*Deployment in all namespaces/);
  // /metrics answers while blind: restarts grew, the down gauge and error counter say so.
  const during = await metrics();
  assert.ok(sample(during, 'rollscope_watch_restarts_total') > sample(before, 'rollscope_watch_restarts_total'), 'watch restarts grew');
  assert.ok(sample(during, 'rollscope_watch_errors_total') > 0, 'watch errors counted');
  assert.match(during, /rollscope_watch_down_seconds\{resource="deployments\.apps",cluster="sim"\} [1-9]/);

  // It comes back on the same address without its watch cache: resuming watches get 410 and relist.
  sim.faults.expireNextWatch(undefined, 7);
  front = await proxy(simPort, frontPort);
  await until('/readyz 200 again', 45_000, async () => ((await readyz()).status === 200 ? true : undefined));
  const afterText = await metrics();
  assert.ok(sample(afterText, 'rollscope_relists_total') > 0, 'relists grew');
  assert.ok(sample(afterText, 'rollscope_watch_restarts_total') >= sample(during, 'rollscope_watch_restarts_total'));
  assert.match(afterText, /rollscope_watch_down_seconds\{resource="deployments\.apps",cluster="sim"\} 0\n/);
});
