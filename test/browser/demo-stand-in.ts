// A stand-in for `rollscope demo` (simulated cluster + demo scenario + tracker + dashboard in one
// process) for the browser tests, used only while the real demo does not yet start the dashboard.
// Run as a child process: `node test/browser/demo-stand-in.ts --speed 30 --dir DIR`. Prints one
// JSON line on stdout once everything listens ({ url, kubeconfig, operatorToken, viewerToken }),
// and stops everything cleanly on SIGTERM or SIGINT.
// The tracker runs on the simulated cluster's clock (now) with real sleeps: on the wall clock,
// pod diagnoses (ImagePullFailed, CrashLoop, Unschedulable) never fire, because the simulated
// timestamps lie hours behind it (ScaledClock's LAG_HORIZON_MS).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OperatorActions } from '../../src/api/deps.ts';
import { startDaemon } from '../../src/daemon/main.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';
import { realClock } from '../../src/lib/clock.ts';
import { TrackerError } from '../../src/lib/errors.ts';
import { jsonLogger } from '../../src/lib/log.ts';
import { createKubeClient } from '../../src/ops/kube-write.ts';
import { pausePatch, restartPatch, resumePatch } from '../../src/ops/patches.ts';
import { objectPath, resourceOf } from '../../src/ops/workload-target.ts';
import { startSim } from '../../src/sim/index.ts';
import { runScenario } from '../../src/sim/scenarios/index.ts';
import { openSqliteLedger } from '../../src/store/sqlite/store.ts';

/**
 * patchActions performs pause, resume and restart as kubectl does (one strategic merge patch);
 * undo is not offered by the stand-in and answers UNSUPPORTED_KIND.
 */
function patchActions(kubeconfig: string): OperatorActions {
  const client = createKubeClient(loadKubeConfig({ kubeconfig }));
  return {
    async run(action, target) {
      const patch = action === 'pause' ? pausePatch() : action === 'resume' ? resumePatch() : action === 'restart' ? restartPatch(Date.now()) : undefined;
      if (!patch) throw new TrackerError('UNSUPPORTED_KIND', `the demo stand-in cannot ${action} ${target.kind.toLowerCase()} ${target.namespace}/${target.name}`, { hint: 'use kubectl rollout undo' });
      await client.patch(objectPath(target), 'strategic', patch, { verb: 'patch', resource: resourceOf(target.kind), namespace: target.namespace }, AbortSignal.timeout(10_000));
      return `${target.kind.toLowerCase()}.apps/${target.name} ${action === 'restart' ? 'restarted' : `${action}d`}`;
    },
  };
}

const { values } = parseArgs({ options: { speed: { type: 'string', default: '30' }, dir: { type: 'string' } } });
if (!values.dir) throw new TrackerError('USAGE', 'demo-stand-in needs --dir', { hint: 'pass a fresh temporary directory' });
const kubeconfig = join(values.dir, 'kubeconfig');
const logger = jsonLogger({ level: 'warn' });
const sim = await startSim({ speed: Number(values.speed) });
sim.writeKubeconfig(kubeconfig);
const stopScenario = runScenario('demo', { store: sim.store, clock: sim.clock, log: logger });
const operatorToken = randomBytes(18).toString('base64url');
const viewerToken = randomBytes(18).toString('base64url');
const ledger = openSqliteLedger({ path: join(values.dir, 'ledger.db') });
const daemon = await startDaemon({
  kubeconfig, namespaces: [], cluster: 'demo', listen: '127.0.0.1:0', ledger, config: {}, logger, minWatchTimeoutSeconds: 30, clock: { now: () => sim.clock.now(), sleep: (ms, signal) => realClock.sleep(ms, signal) },
  tokens: [{ subject: 'demo-operator', role: 'operator', token: operatorToken }, { subject: 'demo-viewer', role: 'viewer', token: viewerToken }],
  actions: patchActions(kubeconfig),
});
process.stdout.write(`${JSON.stringify({ url: daemon.url, kubeconfig, operatorToken, viewerToken })}\n`);
// Stop on SIGTERM/SIGINT, or when the parent goes away (its end of our stdin closes), so a killed
// test run never leaves a cluster behind.
await new Promise<void>((done) => {
  process.once('SIGTERM', () => done());
  process.once('SIGINT', () => done());
  process.stdin.on('end', () => done()).on('error', () => done()).resume();
});
stopScenario();
await daemon.stop();
await ledger.close();
await sim.stop();
