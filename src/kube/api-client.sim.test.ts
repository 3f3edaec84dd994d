// Contract test of the write client (kube/api-client.ts) against the simulated cluster over real HTTP:
// create, update with a stale resourceVersion → CONFLICT, merge/strategic/JSON patches, dryRun=All
// persists nothing, the scale subresource, delete with a failing uid precondition → CONFLICT, then delete.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TrackerError } from '../lib/errors.ts';
import { startSim, type Sim } from '../sim/index.ts';
import { createKubeClient, type KubeClient } from './api-client.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { collectionPath } from './resources.ts';

let sim: Sim;
let kube: KubeClient;
const signal = new AbortController().signal;
const subject = { verb: 'update', resource: 'deployments.apps', namespace: 'shop' } as const;
const coll = collectionPath('Deployment', 'shop');
const one = `${coll}/web`;

before(async () => {
  sim = await startSim({ controllers: false });
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  kube = createKubeClient(kubeConfigFromYaml(sim.kubeconfigYaml()));
});
after(() => sim.stop());

function deployment(replicas: number): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
  };
}

async function rejectsCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof TrackerError && e.code === code);
}

test('create, conflicting update, patches, dry run, scale and guarded delete', async () => {
  const created = await kube.create(coll, deployment(2), { ...subject, verb: 'create' }, signal);
  const rv1 = (created.metadata as { resourceVersion: string }).resourceVersion;
  await rejectsCode(kube.create(coll, deployment(2), { ...subject, verb: 'create' }, signal), 'CONFLICT');

  const updated = await kube.update(one, { ...created, metadata: { ...(created.metadata as object), labels: { tier: 'front' } } }, subject, signal);
  assert.notEqual((updated.metadata as { resourceVersion: string }).resourceVersion, rv1);
  // A write based on the old read must not win (optimistic concurrency).
  await rejectsCode(kube.update(one, { ...created, metadata: { ...(created.metadata as object), resourceVersion: rv1, labels: { tier: 'back' } } }, subject, signal), 'CONFLICT');

  await kube.patch(one, 'merge', { metadata: { annotations: { a: '1' } } }, { ...subject, verb: 'patch' }, signal);
  await kube.patch(one, 'strategic', { metadata: { annotations: { b: '2' } } }, { ...subject, verb: 'patch' }, signal);
  await kube.patch(one, 'json', [{ op: 'add', path: '/metadata/annotations/c', value: '3' }], { ...subject, verb: 'patch' }, signal);
  const dry = await kube.patch(one, 'merge', { metadata: { annotations: { d: '4' } } }, { ...subject, verb: 'patch' }, signal, { dryRun: true });
  assert.equal((dry.metadata as { annotations: Record<string, string> }).annotations.d, '4');
  const got = await kube.get(one, { ...subject, verb: 'get' }, signal);
  assert.deepEqual((got.metadata as { annotations: Record<string, string> }).annotations, { a: '1', b: '2', c: '3' });
  assert.deepEqual((got.metadata as { labels: Record<string, string> }).labels, { tier: 'front' });

  const scale = await kube.patch(`${one}/scale`, 'merge', { spec: { replicas: 5 } }, { ...subject, verb: 'patch' }, signal);
  assert.equal((scale.spec as { replicas: number }).replicas, 5);
  assert.equal(((await kube.get(one, { ...subject, verb: 'get' }, signal)).spec as { replicas: number }).replicas, 5);

  await rejectsCode(kube.delete(one, { ...subject, verb: 'delete' }, signal, { preconditions: { uid: 'not-the-uid' } }), 'CONFLICT');
  await kube.delete(one, { ...subject, verb: 'delete' }, signal, { propagationPolicy: 'Background', preconditions: { uid: (got.metadata as { uid: string }).uid } });
  await rejectsCode(kube.get(one, { ...subject, verb: 'get' }, signal), 'NOT_FOUND');
});
