import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRecord, PodRecord } from '../../model/records.ts';
import { diagnose } from './diagnose.ts';
import { at, eventRecord, podRecord, T0 } from './testing/fixtures.ts';

const waiting = (reason: string, message: string, extra: Record<string, unknown> = {}) => ({
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{ name: 'app', image: 'web:bad', ready: false, restartCount: 0, state: { waiting: { reason, message } }, ...extra }],
  },
});
const notReadyRunning = {
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: at(2) }],
    containerStatuses: [{ name: 'app', image: 'web:2', ready: false, started: true, restartCount: 0, state: { running: { startedAt: at(2) } } }],
  },
};
const unschedulable = {
  spec: { nodeName: '' },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', lastTransitionTime: at(1) }],
  },
};

interface Row {
  readonly name: string;
  readonly pods: readonly PodRecord[];
  readonly events?: readonly EventRecord[];
  readonly nowS?: number;
  readonly want: { code: string; reason: string; message?: string; exitCode?: number; since?: number | null } | null;
}

const rows: readonly Row[] = [
  { name: 'healthy ready pod → nothing', pods: [podRecord()], want: null },
  {
    name: 'ImagePullBackOff → ImagePullFailed with the kubelet event message',
    pods: [podRecord(waiting('ImagePullBackOff', 'Back-off pulling image "web:bad"'))],
    events: [eventRecord('Failed', 'Failed to pull image "web:bad": not found', 4), eventRecord('BackOff', 'Back-off pulling image "web:bad"', 6)],
    want: { code: 'ImagePullFailed', reason: 'ImagePullBackOff', message: 'Failed to pull image "web:bad": not found', since: T0 + 4000 },
  },
  {
    name: 'ErrImagePull without events → waiting message, onset unknown',
    pods: [podRecord(waiting('ErrImagePull', 'rpc error: manifest unknown'))],
    want: { code: 'ImagePullFailed', reason: 'ErrImagePull', message: 'rpc error: manifest unknown', since: null },
  },
  {
    name: 'InvalidImageName → ImagePullFailed',
    pods: [podRecord(waiting('InvalidImageName', 'Failed to apply default image tag "Web:X"'))],
    want: { code: 'ImagePullFailed', reason: 'InvalidImageName' },
  },
  {
    name: 'CrashLoopBackOff after OOM → CrashLoop with exit code 137 and OOMKilled',
    pods: [podRecord(waiting('CrashLoopBackOff', 'back-off 40s restarting failed container', { restartCount: 4, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: at(30) } } }))],
    want: { code: 'CrashLoop', reason: 'OOMKilled', exitCode: 137, message: 'container app is crash-looping: restarted 4 times, last exit code 137 (OOMKilled)', since: T0 + 30_000 },
  },
  {
    name: 'terminated non-zero between restarts → CrashLoop',
    pods: [podRecord({ status: { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 2, state: { terminated: { reason: 'Error', exitCode: 3 } } }] } })],
    want: { code: 'CrashLoop', reason: 'Error', exitCode: 3 },
  },
  {
    name: 'running again, not ready, after a non-zero exit (between back-offs), long not ready → CrashLoop, not ReadinessFailing',
    pods: [podRecord({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: at(2) }], containerStatuses: [{ name: 'app', ready: false, started: true, restartCount: 3, state: { running: { startedAt: at(100) } }, lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: at(90) } } }] } })],
    nowS: 300,
    want: { code: 'CrashLoop', reason: 'Error', exitCode: 1 },
  },
  {
    name: 'CreateContainerConfigError → ConfigError with the missing ConfigMap',
    pods: [podRecord(waiting('CreateContainerConfigError', 'configmap "web-config" not found'))],
    want: { code: 'ConfigError', reason: 'CreateContainerConfigError', message: 'configmap "web-config" not found' },
  },
  {
    name: 'PodScheduled=False/Unschedulable → the scheduler message, since the condition',
    pods: [podRecord(unschedulable)],
    want: { code: 'Unschedulable', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.', since: T0 + 1000 },
  },
  {
    name: 'FailedScheduling event on an unbound pending pod → Unschedulable with the event message',
    pods: [podRecord({ spec: { nodeName: '' }, status: { phase: 'Pending', conditions: [] } })],
    events: [eventRecord('FailedScheduling', '0/2 nodes are available: 2 node(s) had untolerated taint {gpu: true}.', 3)],
    want: { code: 'Unschedulable', reason: 'Unschedulable', message: '0/2 nodes are available: 2 node(s) had untolerated taint {gpu: true}.' },
  },
  {
    name: 'running, not ready, Unhealthy event → ReadinessFailing with the probe message',
    pods: [podRecord(notReadyRunning)],
    events: [eventRecord('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 9)],
    nowS: 10,
    want: { code: 'ReadinessFailing', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', since: T0 + 2000 },
  },
  { name: 'running, not ready for 8 s, no probe event → nothing yet (grace 30 s)', pods: [podRecord(notReadyRunning)], nowS: 10, want: null },
  {
    name: 'running, not ready for 60 s, no probe event → ReadinessFailing',
    pods: [podRecord(notReadyRunning)],
    nowS: 62,
    want: { code: 'ReadinessFailing', reason: 'ContainersNotReady', message: 'pod is running but has not been ready for 1m0s' },
  },
  {
    name: 'recent FailedCreate on the ReplicaSet → ReplicaFailure (quota)',
    pods: [],
    events: [eventRecord('FailedCreate', 'pods "web-7d9f-x" is forbidden: exceeded quota: compute', 5, { involvedObject: { kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-1', fieldPath: '' } })],
    nowS: 30,
    want: { code: 'ReplicaFailure', reason: 'FailedCreate', message: 'pods "web-7d9f-x" is forbidden: exceeded quota: compute' },
  },
  {
    name: 'FailedCreate last seen an hour ago → ignored',
    pods: [],
    events: [eventRecord('FailedCreate', 'old quota error', 0, { involvedObject: { kind: 'ReplicaSet', name: 'web-7d9f', uid: 'rs-1', fieldPath: '' } })],
    nowS: 3600,
    want: null,
  },
  {
    name: 'config error outranks another pod crash-looping',
    pods: [
      podRecord(waiting('CrashLoopBackOff', '', { restartCount: 2, lastState: { terminated: { reason: 'Error', exitCode: 1 } } })),
      podRecord({ metadata: { name: 'web-7d9f-b', uid: 'p-2' }, ...waiting('CreateContainerConfigError', 'secret "db" not found') }),
    ],
    want: { code: 'ConfigError', reason: 'CreateContainerConfigError', message: 'secret "db" not found' },
  },
  {
    name: 'events of another pod are not used',
    pods: [podRecord(waiting('ErrImagePull', 'pull failed'))],
    events: [eventRecord('Failed', 'Failed to pull image "other"', 1, { involvedObject: { name: 'other-pod', uid: 'p-9' } })],
    want: { code: 'ImagePullFailed', reason: 'ErrImagePull', message: 'pull failed', since: null },
  },
];

for (const row of rows) {
  test(`diagnose: ${row.name}`, () => {
    const got = diagnose({ pods: row.pods, events: row.events ?? [], now: T0 + (row.nowS ?? 60) * 1000 });
    if (row.want === null) {
      assert.equal(got, null);
      return;
    }
    assert.ok(got, 'expected a finding');
    assert.equal(got.diagnosis.code, row.want.code);
    assert.equal(got.diagnosis.reason, row.want.reason);
    if (row.want.message !== undefined) assert.equal(got.diagnosis.message, row.want.message);
    if (row.want.exitCode !== undefined) assert.equal(got.diagnosis.exitCode, row.want.exitCode);
    if (row.want.since !== undefined) assert.equal(got.since, row.want.since);
    assert.match(got.diagnosis.object ?? '', /^(Pod|ReplicaSet) shop\//);
  });
}
