import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterDelta } from '../../kube/cluster-informers.ts';
import type { ObjectKey } from '../../kube/keys.ts';
import type { PodRecord } from '../../model/records.ts';
import { toTrackerDelta } from './ingest.ts';

const pod = { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'u1' } as unknown as PodRecord;
const key = 'shop/web-1' as ObjectKey;
const d = (delta: ClusterDelta['delta'], previous?: PodRecord): ClusterDelta => ({ kind: 'Pod', key, delta, previous } as ClusterDelta);

const rows = [
  { name: 'ADDED passes on as it is', in: d({ type: 'ADDED', object: pod }), want: { type: 'ADDED', record: pod } },
  { name: 'MODIFIED passes on as it is', in: d({ type: 'MODIFIED', object: pod }, pod), want: { type: 'MODIFIED', record: pod } },
  { name: 'DELETED passes on as it is', in: d({ type: 'DELETED', object: pod }, pod), want: { type: 'DELETED', record: pod } },
  { name: 'relist tombstone with its last state → deleted, final state unknown', in: d({ type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key, last: pod } }), want: { type: 'DELETED', record: pod, finalStateUnknown: true } },
  { name: 'tombstone without a last state falls back to the previous record', in: d({ type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key, last: undefined } }, pod), want: { type: 'DELETED', record: pod, finalStateUnknown: true } },
  { name: 'tombstone of a record never seen → nothing to say', in: d({ type: 'DELETED', object: { kind: 'DeletedFinalStateUnknown', key, last: undefined } }), want: null },
] as const;

for (const row of rows) test(`toTrackerDelta: ${row.name}`, () => assert.deepEqual(toTrackerDelta(row.in), row.want));
