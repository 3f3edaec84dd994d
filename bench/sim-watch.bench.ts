// `npm run bench -- sim-watch`: the simulated API server's sustained watch throughput to one
// consumer over real HTTP (events/s and MB/s), next to JSON.parse of the very same bytes measured
// in the same run (the ceiling: a consumer can never go faster than parsing what it receives), and
// the simulator's memory at 10,000 Deployments / 100,000 Pods (in a child process, see sim-memory.ts).
// Objects are ConfigMaps (no controller reacts to them), so every event is one scripted write.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { startSim } from '../src/sim/index.ts';

const OBJECTS = 1_000;
const UPDATES = Number(process.env.BENCH_WATCH_EVENTS ?? 60_000);
const BATCH = 250; // writes between yields to the event loop, so the server can flush to the socket
const PAYLOAD = 'x'.repeat(800); // ~1.3 KB per event on the wire: the size of a small Deployment

async function measureWatch(): Promise<void> {
  const sim = await startSim({ controllers: false });
  try {
    sim.store.create('namespaces', { metadata: { name: 'bench' } });
    for (let i = 0; i < OBJECTS; i++) sim.store.create('configmaps', { metadata: { name: `cm-${i}`, namespace: 'bench' }, data: { n: 'initial', payload: PAYLOAD } });
    const from = sim.store.currentResourceVersion();
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${from}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${tokenOf(sim.kubeconfigYaml())}` },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`watch failed: HTTP ${res.status}`);
    const chunks: string[] = [];
    let bytes = 0;
    let lines = 0;
    const consumed = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        const text = decoder.decode(chunk, { stream: true });
        chunks.push(text);
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
        if (lines >= UPDATES) break;
      }
    })();
    const started = performance.now();
    for (let u = 0; u < UPDATES; u++) {
      const name = `cm-${u % OBJECTS}`;
      const current = sim.store.get('configmaps', 'bench', name);
      sim.store.update('configmaps', { ...current, metadata: { name, namespace: 'bench' }, data: { n: String(u), payload: PAYLOAD } });
      if (u % BATCH === BATCH - 1) await yieldToIo();
    }
    await consumed;
    const seconds = (performance.now() - started) / 1000;
    controller.abort();

    const text = chunks.join('');
    const parseStart = performance.now();
    let parsed = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const ev = JSON.parse(line) as { type?: string };
      if (ev.type !== undefined) parsed++;
    }
    const parseSeconds = (performance.now() - parseStart) / 1000;
    const mb = bytes / 2 ** 20;
    const rate = (n: number, s: number): string => Math.round(n / s).toLocaleString('en-US');
    process.stdout.write(
      `sim-watch: ${lines} events, ${mb.toFixed(1)} MB over HTTP in ${seconds.toFixed(2)} s → ${rate(lines, seconds)} events/s, ${(mb / seconds).toFixed(1)} MB/s (${Math.round(bytes / lines)} B/event)\n` +
        `sim-watch: ceiling, JSON.parse of the same bytes: ${rate(parsed, parseSeconds)} events/s, ${(mb / parseSeconds).toFixed(1)} MB/s\n` +
        `sim-watch: sim/ceiling ratio ${(parseSeconds / seconds).toFixed(3)}\n`,
    );
  } finally {
    await sim.stop();
  }
}

/** tokenOf finds the bearer token in a kubeconfig, if there is one. */
function tokenOf(kubeconfig: string): string {
  return /^\s*token:\s*"?([^"\s]+)"?\s*$/m.exec(kubeconfig)?.[1] ?? '';
}

function measureMemory(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(import.meta.dirname, 'sim-memory.ts')], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sim-memory exited ${code}`))));
  });
}

await measureWatch();
await measureMemory();
