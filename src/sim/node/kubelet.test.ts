import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { record, records } from '../core/fields.ts';
import { startTestCluster } from '../testing/cluster.ts';
import type { TestCluster } from '../testing/cluster.ts';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

function run(image: string, extra: Record<string, unknown> = {}, container: Record<string, unknown> = {}): TestCluster {
  cluster = startTestCluster();
  cluster.ctx.store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { containers: [{ name: 'app', image, ...container }], ...extra },
  });
  return cluster;
}

const status = (c: TestCluster) => record(c.pod('default', 'p')?.status);
const app = (c: TestCluster) => records(status(c).containerStatuses)[0] ?? {};
const waitingReason = (c: TestCluster) => record(record(app(c).state).waiting).reason;
const condition = (c: TestCluster, type: string) => records(status(c).conditions).find((x) => x.type === type);

test('a good image: scheduled, pulled, created, started, ready after the delay', () => {
  const c = run('nginx:1.25');
  c.clock.advance(0);
  assert.equal(status(c).phase, 'Pending');
  assert.equal(waitingReason(c), 'ContainerCreating');
  assert.equal(condition(c, 'PodScheduled')?.status, 'True');
  c.clock.advance(1_500);
  assert.equal(status(c).phase, 'Running');
  assert.equal(app(c).ready, false);
  assert.equal(app(c).started, true);
  assert.equal(condition(c, 'Ready')?.message, 'containers with unready status: [app]');
  c.clock.advance(2_000);
  assert.equal(app(c).ready, true);
  assert.equal(condition(c, 'Ready')?.status, 'True');
  assert.equal(condition(c, 'ContainersReady')?.status, 'True');
  assert.match(String(app(c).imageID), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(app(c).image, 'docker.io/library/nginx:1.25');
  assert.match(String(status(c).podIP), /^127\.(6[4-9]|[78]\d|9[0-5])\.\d+\.\d+$/);
  assert.deepEqual(c.events('default', 'p'), [
    `Scheduled: Successfully assigned default/p to ${String(record(c.pod('default', 'p')?.spec).nodeName)}`,
    'Pulling: Pulling image "nginx:1.25"',
    'Pulled: Successfully pulled image "nginx:1.25" in 1.5s (1.5s including waiting). Image size: ' + /Image size: (\d+)/.exec(c.events('default', 'p')[2] ?? '')![1]! + ' bytes.',
    'Created: Created container app',
    'Started: Started container app',
  ]);
  const pulled = c.rawEvents('default', 'p')[2]!;
  assert.deepEqual(pulled.source, { component: 'kubelet', host: record(c.pod('default', 'p')?.spec).nodeName });
  assert.equal((pulled.involvedObject as { fieldPath?: string }).fieldPath, 'spec.containers{app}');
});

test('a missing image: ErrImagePull, then ImagePullBackOff, retried after 10 s, 20 s, 40 s', () => {
  const c = run('shop/app:missing');
  c.clock.advance(1_500);
  assert.equal(waitingReason(c), 'ErrImagePull');
  assert.match(String(record(record(app(c).state).waiting).message), /not found$/);
  c.clock.advance(1_000);
  assert.equal(waitingReason(c), 'ImagePullBackOff');
  assert.equal(record(record(app(c).state).waiting).message, 'Back-off pulling image "shop/app:missing"');
  const ev = c.events('default', 'p');
  assert.ok(ev.includes('Failed: Failed to pull image "shop/app:missing": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/shop/app:missing": failed to resolve reference "docker.io/shop/app:missing": docker.io/shop/app:missing: not found'));
  assert.ok(ev.includes('Failed: Error: ErrImagePull'));
  assert.ok(ev.includes('BackOff: Back-off pulling image "shop/app:missing"'));
  assert.ok(ev.includes('Failed: Error: ImagePullBackOff'));
  const pullingCount = (): number => Number(c.rawEvents('default', 'p').find((e) => e.reason === 'Pulling')?.count);
  assert.equal(pullingCount(), 1);
  c.clock.advance(8_999); // first failure at 1.5 s; retry at 11.5 s
  assert.equal(pullingCount(), 1);
  c.clock.advance(1);
  assert.equal(pullingCount(), 2);
  c.clock.advance(1_500 + 19_999); // second failure at 13 s; retry at 33 s
  assert.equal(pullingCount(), 2);
  c.clock.advance(1);
  assert.equal(pullingCount(), 3);
  assert.equal(status(c).phase, 'Pending');
});

test('a crashing image: terminated with exit 1, immediate first restart, then CrashLoopBackOff 10 s, 20 s', () => {
  const c = run('app:crash');
  c.clock.advance(1_500 + 3_000); // pulled at 1.5 s, crashes 3 s later, restarts at once
  assert.equal(app(c).restartCount, 1);
  assert.deepEqual(Object.keys(record(app(c).state)), ['running']);
  const last = record(record(app(c).lastState).terminated);
  assert.equal(last.exitCode, 1);
  assert.equal(last.reason, 'Error');
  c.clock.advance(3_000); // second crash: back-off 10 s
  assert.equal(waitingReason(c), 'CrashLoopBackOff');
  assert.equal(record(record(app(c).state).waiting).message, `back-off 10s restarting failed container=app pod=p_default(${c.pod('default', 'p')!.metadata.uid!})`);
  assert.equal(app(c).restartCount, 1);
  assert.equal(status(c).phase, 'Running');
  c.clock.advance(9_999);
  assert.equal(waitingReason(c), 'CrashLoopBackOff');
  c.clock.advance(1);
  assert.equal(app(c).restartCount, 2);
  c.clock.advance(3_000); // third crash: back-off 20 s
  assert.match(String(record(record(app(c).state).waiting).message), /^back-off 20s /);
  const ev = c.events('default', 'p');
  assert.ok(ev.some((e) => e.startsWith('BackOff: Back-off restarting failed container app in pod p_default(')));
  const backOff = c.rawEvents('default', 'p').find((e) => e.reason === 'BackOff')!;
  assert.equal(backOff.type, 'Warning');
});

test('an OOM-killed image reports OOMKilled with exit code 137', () => {
  const c = run('app:oom');
  c.clock.advance(1_500 + 2_000);
  const last = record(record(app(c).lastState).terminated);
  assert.equal(last.reason, 'OOMKilled');
  assert.equal(last.exitCode, 137);
});

test('an unready image runs but never becomes ready and emits Unhealthy events, aggregated', () => {
  const c = run('app:unready', {}, { readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 } });
  c.clock.advance(60_000);
  assert.equal(status(c).phase, 'Running');
  assert.equal(app(c).ready, false);
  const unhealthy = c.rawEvents('default', 'p').filter((e) => e.reason === 'Unhealthy');
  assert.equal(unhealthy.length, 1);
  assert.equal(unhealthy[0]!.message, 'Readiness probe failed: HTTP probe failed with statuscode: 503');
  assert.equal(unhealthy[0]!.type, 'Warning');
  assert.ok(Number(unhealthy[0]!.count) >= 11);
});

test('a slow image pulls for 20 s and is ready 15 s after start', () => {
  const c = run('app:slow');
  c.clock.advance(19_999);
  assert.equal(status(c).phase, 'Pending');
  c.clock.advance(1);
  assert.equal(status(c).phase, 'Running');
  c.clock.advance(14_999);
  assert.equal(app(c).ready, false);
  c.clock.advance(1);
  assert.equal(app(c).ready, true);
});

test('with a readiness probe, readiness comes on the first probe after the delay', () => {
  const c = run('nginx:1', {}, { readinessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 1, periodSeconds: 5 } });
  c.clock.advance(1_500 + 5_999);
  assert.equal(app(c).ready, false);
  c.clock.advance(1);
  assert.equal(app(c).ready, true);
});

test('a missing ConfigMap gives CreateContainerConfigError until it appears', () => {
  const c = run('nginx:1', {}, { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } }] });
  c.clock.advance(1_500);
  assert.equal(waitingReason(c), 'CreateContainerConfigError');
  assert.equal(record(record(app(c).state).waiting).message, 'configmap "app-config" not found');
  assert.ok(c.events('default', 'p').includes('Failed: Error: configmap "app-config" not found'));
  c.ctx.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'default' }, data: { other: 'x' } });
  c.clock.advance(10_000);
  assert.equal(record(record(app(c).state).waiting).message, "couldn't find key mode in ConfigMap default/app-config");
  c.ctx.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config-2', namespace: 'default' } });
  const cm = c.ctx.store.get('configmaps', 'default', 'app-config')!;
  c.ctx.store.update('configmaps', { ...cm, data: { mode: 'prod' } });
  c.clock.advance(10_000);
  assert.equal(status(c).phase, 'Running');
  assert.ok(c.events('default', 'p').includes('Pulled: Container image "nginx:1" already present on machine'));
});

test('a missing Secret volume keeps the pod ContainerCreating with FailedMount', () => {
  const c = run('nginx:1', { volumes: [{ name: 'creds', secret: { secretName: 'db-secrets' } }] });
  c.clock.advance(30_000);
  assert.equal(waitingReason(c), 'ContainerCreating');
  assert.ok(c.events('default', 'p').includes('FailedMount: MountVolume.SetUp failed for volume "creds" : secret "db-secrets" not found'));
});

test('graceful deletion: Killing, then the pod is removed after the grace period', () => {
  const c = run('nginx:1', { terminationGracePeriodSeconds: 20 });
  c.clock.advance(5_000);
  const deleted: KubeObject | undefined = c.ctx.store.delete('pods', 'default', 'p', { gracePeriodSeconds: 20 });
  assert.ok(deleted?.metadata.deletionTimestamp);
  c.clock.advance(0);
  assert.ok(c.events('default', 'p').includes('Killing: Stopping container app'));
  c.clock.advance(19_999);
  assert.ok(c.pod('default', 'p'));
  c.clock.advance(1);
  assert.equal(c.pod('default', 'p'), undefined);
});

test('restartPolicy Never: a crash ends the pod Failed', () => {
  const c = run('app:crash', { restartPolicy: 'Never' });
  c.clock.advance(10_000);
  assert.equal(status(c).phase, 'Failed');
  assert.equal(app(c).restartCount, 0);
});

test('init containers run to completion, in order, before the app containers', () => {
  const c = run('nginx:1', { initContainers: [{ name: 'migrate', image: 'tools:1' }, { name: 'warm', image: 'tools:1' }] });
  c.clock.advance(0);
  const initStatus = () => records(status(c).initContainerStatuses);
  assert.equal(waitingReason(c), 'PodInitializing');
  assert.equal(condition(c, 'Initialized')?.message, 'containers with incomplete status: [migrate warm]');
  c.clock.advance(1_500); // migrate pulled and started
  assert.deepEqual(Object.keys(record(initStatus()[0]?.state)), ['running']);
  c.clock.advance(1_000); // migrate done; warm: image already present, starts at once
  assert.equal(record(record(initStatus()[0]?.state).terminated).reason, 'Completed');
  assert.deepEqual(Object.keys(record(initStatus()[1]?.state)), ['running']);
  assert.equal(status(c).phase, 'Pending');
  c.clock.advance(1_000);
  assert.equal(condition(c, 'Initialized')?.status, 'True');
  c.clock.advance(1_500 + 2_000);
  assert.equal(status(c).phase, 'Running');
  assert.equal(app(c).ready, true);
  const ev = c.events('default', 'p');
  assert.ok(ev.indexOf('Started: Started container warm') < ev.indexOf('Started: Started container app'));
  assert.equal(c.rawEvents('default', 'p').find((e) => e.message === 'Started container migrate')?.involvedObject instanceof Object, true);
  assert.equal((c.rawEvents('default', 'p').find((e) => e.message === 'Started container migrate')!.involvedObject as { fieldPath: string }).fieldPath, 'spec.initContainers{migrate}');
});

test('a crashing init container crash-loops and keeps the pod Pending', () => {
  const c = run('nginx:1', { initContainers: [{ name: 'migrate', image: 'tools:crash' }] });
  c.clock.advance(1_500 + 3_000 + 3_000);
  const init = records(status(c).initContainerStatuses)[0]!;
  assert.equal(record(record(init.state).waiting).reason, 'CrashLoopBackOff');
  assert.equal(init.restartCount, 1);
  assert.equal(status(c).phase, 'Pending');
  assert.equal(waitingReason(c), 'PodInitializing');
});
