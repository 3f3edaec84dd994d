import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Outcome } from '../../model/release.ts';
import { projectWorkload } from '../../model/project-workload.ts';
import { buildRelease } from '../release/build.ts';
import { computeVerdict } from '../status/compute.ts';
import type { Unstructured } from '../status/fields.ts';
import { daemonSet, deployment, merge, statefulSet, T0 } from '../status/testing/fixtures.ts';
import type { VerdictState } from '../status/verdict.ts';
import { advance } from './machine.ts';
import { newRolloutState } from './state.ts';

// One status engine: the same wire fixtures go through `rollscope status` (computeVerdict on the
// object) and through the tracker (projected to a WorkloadRecord, observed by a progressing
// release of the same template); the release's outcome must be the verdict's.

const OUTCOME_OF: Readonly<Record<VerdictState, Outcome | null>> = {
  Current: 'succeeded',
  InProgress: 'progressing',
  Paused: 'paused',
  Failed: 'failed',
  Terminating: null,
  NotFound: null,
};

const wire = (o: Unstructured): Unstructured =>
  merge(o, {
    metadata: { resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'app', image: 'app:2' }] } } },
  });

const sts = (over: Unstructured): Unstructured => statefulSet(over);
const rows: readonly { name: string; object: Unstructured; want: VerdictState }[] = [
  { name: 'Deployment rolled out', object: deployment(), want: 'Current' },
  { name: 'Deployment one of three updated', object: deployment({ status: { updatedReplicas: 1 } }), want: 'InProgress' },
  { name: 'Deployment old replicas left', object: deployment({ status: { replicas: 4 } }), want: 'InProgress' },
  { name: 'Deployment updated, not available', object: deployment({ status: { availableReplicas: 1 } }), want: 'InProgress' },
  { name: 'Deployment generation not observed', object: deployment({ metadata: { generation: 3 } }), want: 'InProgress' },
  { name: 'Deployment paused mid-rollout', object: deployment({ spec: { paused: true }, status: { updatedReplicas: 1 } }), want: 'Paused' },
  {
    name: 'Deployment progress deadline exceeded',
    object: deployment({ status: { updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] } }),
    want: 'Failed',
  },
  { name: 'StatefulSet rolled out', object: sts({}), want: 'Current' },
  { name: 'StatefulSet two of three ready', object: sts({ status: { readyReplicas: 2 } }), want: 'InProgress' },
  { name: 'StatefulSet extra pods', object: sts({ status: { replicas: 4 } }), want: 'InProgress' },
  { name: 'StatefulSet one of three updated', object: sts({ status: { updatedReplicas: 1, updateRevision: 'db-3' } }), want: 'InProgress' },
  { name: 'StatefulSet all updated, revision not current', object: sts({ status: { updateRevision: 'db-3' } }), want: 'InProgress' },
  { name: 'StatefulSet partition 2: the pod above it updated', object: sts({ spec: { updateStrategy: { rollingUpdate: { partition: 2 } } }, status: { updatedReplicas: 1, updateRevision: 'db-3' } }), want: 'Current' },
  { name: 'StatefulSet partition 1: one of two updated', object: sts({ spec: { updateStrategy: { rollingUpdate: { partition: 1 } } }, status: { updatedReplicas: 1, updateRevision: 'db-3' } }), want: 'InProgress' },
  { name: 'StatefulSet partition 3 of 3: nothing to update', object: sts({ spec: { updateStrategy: { rollingUpdate: { partition: 3 } } }, status: { updatedReplicas: 0, updateRevision: 'db-3' } }), want: 'Current' },
  { name: 'StatefulSet OnDelete with old pods', object: sts({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } }, status: { updatedReplicas: 0, updateRevision: 'db-3' } }), want: 'Current' },
  { name: 'StatefulSet OnDelete, one pod not ready', object: sts({ spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } }, status: { readyReplicas: 2, updatedReplicas: 0, updateRevision: 'db-3' } }), want: 'InProgress' },
  { name: 'DaemonSet rolled out', object: daemonSet(), want: 'Current' },
  { name: 'DaemonSet two of four updated', object: daemonSet({ status: { updatedNumberScheduled: 2 } }), want: 'InProgress' },
  { name: 'DaemonSet three of four available', object: daemonSet({ status: { numberAvailable: 3 } }), want: 'InProgress' },
  { name: 'DaemonSet generation not observed', object: daemonSet({ metadata: { generation: 4 } }), want: 'InProgress' },
  { name: 'DaemonSet OnDelete, none updated, all available', object: daemonSet({ spec: { updateStrategy: { type: 'OnDelete' } }, status: { updatedNumberScheduled: 0 } }), want: 'Current' },
  { name: 'DaemonSet OnDelete, one unavailable', object: daemonSet({ spec: { updateStrategy: { type: 'OnDelete' } }, status: { updatedNumberScheduled: 0, numberAvailable: 3 } }), want: 'InProgress' },
];

for (const row of rows) {
  test(`one engine: ${row.name} → status ${row.want}, ledger ${OUTCOME_OF[row.want]}`, () => {
    const object = wire(row.object);
    const verdict = computeVerdict({ object, now: T0 });
    assert.ok(verdict.ok);
    assert.equal(verdict.value.state, row.want);

    const kind = object.kind as 'Deployment' | 'StatefulSet' | 'DaemonSet';
    const w = projectWorkload(object, kind);
    assert.ok(w.ok, w.ok ? '' : w.error);
    const release = buildRelease({
      workload: { cluster: 'c', namespace: w.value.namespace, kind, name: w.value.name, uid: w.value.uid },
      releaseNumber: 2,
      revision: 2,
      template: w.value.template,
      trigger: 'image',
      actor: { manager: 'kubectl' },
      changeCause: null,
      previousReleaseId: null,
      startedAt: T0,
      phases: { templateObserved: T0 },
      outcome: 'progressing',
      backfilled: false,
    });
    const t = advance(newRolloutState(release), { kind: 'workloadObserved', workload: w.value }, T0 + 1000);
    assert.equal(t.state.release.outcome, OUTCOME_OF[verdict.value.state]);
  });
}
