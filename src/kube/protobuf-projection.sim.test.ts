// The lazy protobuf path (masked decode, then the same projections) yields exactly the records the
// JSON path yields, for every tracked kind, over real HTTP against the simulated cluster — lists
// and then watch events — and both equal the projection of the stored objects, from a server that
// sends managedFields and from one that leaves them out where the informers ask it to (KEP-5958,
// ManagedFieldsOptOut). Malformed protobuf objects are skipped with a warning naming them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeWatchFrame } from '../lib/kube-protobuf/encode.ts';
import { ManualClock, startSim } from '../sim/index.ts';
import { createClusterInformers, type ClusterInformers } from './cluster-informers.ts';
import { kubeConfigFromYaml } from './kubeconfig.ts';
import { readsManagedFields, RESOURCES, resourceName, TRACKED_KINDS } from './resources.ts';
import type { Logger } from '../lib/log.ts';
import { MaskedReader, decodeWatchFrame, STATUS_READING } from './protobuf-wire.ts';

function logger(into: string[]): Logger {
  const l: Logger = { debug: () => {}, info: () => {}, warn: (m, f) => into.push(`${m} ${JSON.stringify(f)}`), error: (m, f) => into.push(`${m} ${JSON.stringify(f)}`), child: () => l };
  return l;
}

const template = (app: string, image: string): Record<string, unknown> => ({
  metadata: { labels: { app }, annotations: { team: 'a' } },
  spec: {
    containers: [{ name: app, image, env: [{ name: 'SECRET', value: 'x' }, { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }], resources: { limits: { cpu: '1' } } }],
    volumes: [{ name: 's', secret: { secretName: 'creds' } }, { name: 'c', configMap: { name: 'cfg', optional: true } }],
  },
});

async function synced(informers: ClusterInformers): Promise<void> {
  for (let i = 0; i < 400 && !informers.hasSynced(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(informers.hasSynced());
}

// Three servers: a 1.37 default (streaming lists, compressed), the same with ManagedFieldsOptOut, and
// one without WatchListCompression (before 1.37), where the informers sync with LIST and WATCH.
for (const [managedFieldsOptOut, watchListCompression] of [[false, true], [true, true], [false, false]] as const)
test(`records read over protobuf equal records read over JSON and the stored objects' projections, for every tracked kind (ManagedFieldsOptOut=${managedFieldsOptOut}, WatchListCompression=${watchListCompression})`, async (t) => {
  const clock = new ManualClock();
  const sim = await startSim({ clock, featureGates: { ManagedFieldsOptOut: managedFieldsOptOut, WatchListCompression: watchListCompression } });
  t.after(() => sim.stop());
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  sim.store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web', 'web:1') } });
  sim.store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'zero', namespace: 'shop' }, spec: { replicas: 0, selector: { matchLabels: { app: 'zero' } }, template: template('zero', 'z:1') } });
  sim.store.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken', namespace: 'shop' }, spec: { replicas: 1, selector: { matchLabels: { app: 'broken' } }, template: template('broken', 'nosuch/image:404') } });
  sim.store.create('statefulsets.apps', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' }, spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db', 'pg:16'), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } } });
  sim.store.create('daemonsets.apps', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', 'agent:1') } });
  const advance = async (steps: number): Promise<void> => {
    for (let i = 0; i < steps; i++) {
      clock.advance(500);
      await new Promise((r) => setImmediate(r));
    }
  };
  await advance(60);
  const kc = kubeConfigFromYaml(sim.kubeconfigYaml());
  const warnings: string[] = [];
  const make = (wire: 'json' | 'protobuf'): ClusterInformers => createClusterInformers({ kubeConfig: kc, namespaces: ['shop'], random: () => 0.5, wire, logger: logger(warnings) });
  const json = make('json');
  const pb = make('protobuf');
  const stop = new AbortController();
  t.after(() => stop.abort());
  const running = Promise.all([json.start(stop.signal), pb.start(stop.signal)]);
  await synced(json);
  await synced(pb);
  const compare = (when: string): void => {
    for (const kind of TRACKED_KINDS) {
      const a = [...json.list(kind)].sort((x, y) => x.name.localeCompare(y.name));
      const b = [...pb.list(kind)].sort((x, y) => x.name.localeCompare(y.name));
      assert.deepEqual(b, a, `${kind} records ${when}`);
      const stored = sim.store.list(resourceName(kind), { namespace: 'shop' }).map((o) => RESOURCES[kind].project(o)).map((r) => (r.ok ? r.value : r.error));
      assert.deepEqual(a, [...stored].sort((x, y) => (typeof x === 'string' || typeof y === 'string' ? 0 : x.name.localeCompare(y.name))), `${kind} records ${when} are the stored objects' projections`);
    }
  };
  compare('after the initial list');
  assert.ok(json.list('Pod').length >= 4 && json.list('Event').length > 0 && json.list('ControllerRevision').length > 0, 'the cluster has pods, events and revisions');
  // A rollout: new ReplicaSet, pods, events — all arrive as watch events on both paths.
  const web = sim.store.get('deployments.apps', 'shop', 'web');
  assert.ok(web);
  sim.store.update('deployments.apps', { ...web, spec: { ...(web['spec'] as object), template: template('web', 'web:2') } });
  await advance(60);
  const settledAt = sim.store.currentResourceVersion();
  for (let i = 0; i < 400; i++) {
    const all = [...json.cursors(), ...pb.cursors()];
    if (all.every((c) => Number(c.resourceVersion) >= Number(settledAt))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 200));
  compare('after watching a rollout');
  stop.abort();
  await running;
  assert.deepEqual(warnings.filter((w) => w.includes('malformed')), []);
  // The informers asked to drop managedFields for every kind but the workloads; only a server with the gate did.
  for (const kind of TRACKED_KINDS) {
    const resource = resourceName(kind);
    const dropped = sim.accounting.droppedManagedFields({ resource });
    const requests = sim.accounting.requests({ resource });
    if (managedFieldsOptOut && !readsManagedFields(kind)) assert.ok(dropped === requests && dropped >= 2, `${kind}: every request over JSON and protobuf came without managedFields (${dropped} of ${requests})`);
    else assert.equal(dropped, 0, `${kind} came with managedFields`);
    // How the informers synced: one compressed streaming list per informer where the server
    // compresses them, else (after one streaming list given up at its first event) LIST and WATCH.
    if (watchListCompression) {
      assert.equal(sim.accounting.requests({ resource, verb: 'list' }), 0, `${kind}: no LIST`);
      assert.equal(sim.accounting.gzip({ resource, verb: 'watch' }), 2, `${kind}: one gzipped streaming list per informer`);
    } else assert.equal(sim.accounting.requests({ resource, verb: 'list' }), 2, `${kind}: one LIST per informer`);
  }
  assert.ok(sim.store.list('pods', { namespace: 'shop' }).every((p) => (p.metadata.managedFields?.length ?? 0) > 0), 'the stored pods have managedFields to leave out');
});

test('a malformed protobuf object is skipped with a warning naming it; the watch carries on', async () => {
  const reader = new MaskedReader(RESOURCES.Pod.protobuf);
  const status = new MaskedReader(STATUS_READING);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'u', resourceVersion: '5' }, spec: { containers: [{ name: 'a', image: 'a:1' }] } };
  const frame = encodeWatchFrame('MODIFIED', 'core.Pod', pod).subarray(4);
  const good = decodeWatchFrame(frame, reader, status);
  assert.ok(good.ok);
  assert.deepEqual((good.object['metadata'] as Record<string, unknown>)['name'], 'web-1');
  // Cut the frame inside the pod's spec: the envelope and metadata still name the object.
  const cut = Buffer.from(frame);
  const image = cut.indexOf('a:1');
  cut[image - 1] = 0x7f; // the container's image length now runs past its message
  const bad = decodeWatchFrame(cut, reader, status);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error, /Pod shop\/web-1: /);
});

test('a pod in every container state projects the same from protobuf (masked) as from JSON', () => {
  const T = '2026-01-01T00:00:00Z';
  const status = (name: string, state: object, lastState: object): object => ({ name, image: `${name}:1`, imageID: `${name}@sha256:0`, containerID: `containerd://${name}`, ready: false, started: false, restartCount: 3, state, lastState, volumeMounts: [{ name: 'v', mountPath: '/v' }] });
  const pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u', resourceVersion: '5', creationTimestamp: T, labels: { 'pod-template-hash': 'h' } },
    spec: { nodeName: 'n1', restartPolicy: 'Always', initContainers: [{ name: 'init', image: 'init:1' }], containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }, { name: 'c', image: 'c:1' }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [a b]', lastTransitionTime: T }],
      initContainerStatuses: [status('init', { terminated: { exitCode: 0, reason: 'Completed', startedAt: T, finishedAt: T, containerID: 'x' } }, {})],
      containerStatuses: [
        status('a', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } }, { terminated: { exitCode: 137, reason: 'OOMKilled', message: 'oom', startedAt: T, finishedAt: T } }),
        status('b', { running: { startedAt: T } }, { terminated: { exitCode: 1, reason: 'Error', finishedAt: T } }),
        status('c', { terminated: { exitCode: 2, reason: 'Error', message: 'boom', finishedAt: T } }, {}),
      ],
    },
  };
  const frame = encodeWatchFrame('MODIFIED', 'core.Pod', pod).subarray(4);
  const decoded = decodeWatchFrame(frame, new MaskedReader(RESOURCES.Pod.protobuf), new MaskedReader(STATUS_READING));
  assert.ok(decoded.ok);
  const fromProtobuf = RESOURCES.Pod.project(decoded.object);
  assert.ok(fromProtobuf.ok);
  assert.deepEqual(fromProtobuf, RESOURCES.Pod.project(JSON.parse(JSON.stringify(pod))));
  assert.equal(fromProtobuf.value.containerStatuses.length, 4);
});
