// The API's undo over real HTTP against the simulated cluster: a chunked body (no Content-Length,
// as Go and streaming clients send it) goes to the revision it names, not the previous one; an
// invalid or unknown body field is 400 and the Deployment is not touched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { authPolicy } from '../../src/api/auth.ts';
import { LiveBus } from '../../src/api/bus.ts';
import { listenApi } from '../../src/api/listen.ts';
import { createApi } from '../../src/api/server.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { realClock } from '../../src/lib/clock.ts';
import { KubeOperatorActions } from '../../src/ops/operator-actions.ts';
import { startSim } from '../../src/sim/index.ts';
import { openSqliteLedger } from '../../src/store/sqlite/store.ts';
import { rawHttp } from '../support/raw-http.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('chunked POST undo {"toRevision":1} rolls back to revision 1; bad bodies change nothing', async (t) => {
  const sim = await startSim({ speed: 40 });
  const dir = mkdtempSync(join(tmpdir(), 'rollscope-api-undo-'));
  const ledger = openSqliteLedger({ path: join(dir, 'ledger.db') });
  t.after(async () => {
    await sim.stop();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
  sim.writeKubeconfig(join(dir, 'kubeconfig'));
  const deployment = (image: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
  });
  type Dep = { metadata: { generation: number; annotations?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } };
  const get = (): Dep => sim.store.get('deployments.apps', 'default', 'web') as unknown as Dep;
  const revisionIs = async (rev: string): Promise<void> => {
    for (let i = 0; i < 250 && get().metadata.annotations?.['deployment.kubernetes.io/revision'] !== rev; i++) await sleep(20);
    assert.equal(get().metadata.annotations?.['deployment.kubernetes.io/revision'], rev);
  };
  sim.store.create('deployments.apps', deployment('web:1'));
  await revisionIs('1');
  for (const [image, rev] of [['web:2', '2'], ['web:3', '3']] as const) {
    const d = get() as unknown as KubeObject;
    sim.store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), template: (deployment(image).spec as { template: unknown }).template } });
    await revisionIs(rev);
  }

  const app = createApi({
    ledger,
    bus: new LiveBus(),
    clock: realClock,
    cluster: 'sim',
    readiness: { isReady: () => true, detail: () => ({}) },
    actions: new KubeOperatorActions({ kubeConfig: loadKubeConfig({ kubeconfig: join(dir, 'kubeconfig') }) }),
    auth: authPolicy({ host: '127.0.0.1', tokens: [{ subject: 'ops', role: 'operator', token: 'operator-token-0123' }] }),
  });
  const api = await listenApi(app, '127.0.0.1', 0);
  t.after(() => api.close());
  const post = (chunks: string[]) =>
    rawHttp({ port: api.port, method: 'POST', path: '/api/v1/workloads/default/deployment/web/undo', headers: { authorization: 'Bearer operator-token-0123', 'content-type': 'application/json' }, chunks });

  const untouched = get().metadata.generation;
  for (const body of [['{"toRevision":"garbage","evil":1}'], ['{"toRevision":1,', '"evil":1}'], ['{"to_revision":1}'], ['{"toRevision":-3}']]) {
    const res = await post(body);
    assert.equal(res.status, 400, `${body.join('')} → ${res.status} ${res.text}`);
  }
  await sleep(100);
  assert.equal(get().metadata.generation, untouched, 'invalid bodies did not change the Deployment spec');
  assert.equal(get().spec.template.spec.containers[0]!.image, 'web:3');
  assert.deepEqual(await ledger.listActions({}), [], 'nothing was audited');

  const res = await post(['{"toRev', 'ision"', ':1}']);
  assert.equal(res.status, 200, res.text);
  assert.equal(get().spec.template.spec.containers[0]!.image, 'web:1', 'revision 1, not the previous (web:2)');
  const [audit] = await ledger.listActions({});
  assert.equal(audit?.action, 'undo');
  assert.equal(audit?.who, 'ops');
  assert.equal((audit?.detail as { toRevision?: number }).toRevision, 1, 'the audit record holds what was asked');
});
