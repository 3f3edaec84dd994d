// The HTTP API's operator buttons (KubeOperatorActions) against the simulated cluster: each
// action changes the Deployment as the CLI does and reports kubectl's message plus who asked;
// refusals come back as TrackerErrors naming the workload.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKubeConfig } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { isTrackerError } from '../../src/lib/errors.ts';
import { KubeOperatorActions } from '../../src/ops/operator-actions.ts';
import { startSim } from '../../src/sim/index.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('KubeOperatorActions', async (t) => {
  const sim = await startSim({ speed: 40 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-opactions-'));
  t.after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  sim.writeKubeconfig(join(dir, 'kubeconfig'));
  const actions = new KubeOperatorActions({ kubeConfig: loadKubeConfig({ kubeconfig: join(dir, 'kubeconfig') }) });
  const deployment = (image: string): KubeObject =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
    });
  sim.store.create('deployments.apps', deployment('web:1'));
  const target = { namespace: 'default', kind: 'Deployment' as const, name: 'web' };
  const get = (): Record<string, unknown> => sim.store.get('deployments.apps', 'default', 'web') as unknown as Record<string, unknown>;
  const spec = (): { paused?: boolean; template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } } => get().spec as never;

  await t.test('pause, resume, restart change the Deployment and say who asked', async () => {
    assert.equal(await actions.run('pause', target, { who: 'alice' }), 'deployment.apps/web paused (by alice)');
    assert.equal(spec().paused, true);
    await assert.rejects(actions.run('restart', target, { who: 'alice' }), (e: unknown) => isTrackerError(e) && e.code === 'INVALID' && /can't restart paused deployment/.test(e.message));
    assert.equal(await actions.run('resume', target, { who: 'alice' }), 'deployment.apps/web resumed (by alice)');
    assert.equal(spec().paused, undefined);
    assert.equal(await actions.run('restart', target, { who: 'bob' }), 'deployment.apps/web restarted (by bob)');
    assert.match(spec().template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  await t.test('undo goes back to the previous template', async () => {
    for (let i = 0; i < 100 && (get().metadata as { annotations?: Record<string, string> }).annotations?.['deployment.kubernetes.io/revision'] !== '2'; i++) await sleep(20);
    assert.equal(await actions.run('undo', target, { who: 'carol' }), 'deployment.apps/web rolled back (by carol)');
    assert.equal(spec().template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined);
  });

  await t.test('a missing workload or an unsupported action is a TrackerError naming it', async () => {
    await assert.rejects(actions.run('pause', { ...target, name: 'nope' }, { who: 'x' }), (e: unknown) => isTrackerError(e) && e.code === 'NOT_FOUND' && /deployment nope not found in namespace default/.test(e.message));
    sim.store.create('daemonsets.apps', { ...deployment('a:1'), kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' } });
    await assert.rejects(actions.run('pause', { ...target, kind: 'DaemonSet', name: 'agent' }, { who: 'x' }), (e: unknown) => isTrackerError(e) && e.code === 'UNSUPPORTED_KIND');
  });
});
