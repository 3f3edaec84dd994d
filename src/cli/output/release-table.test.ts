import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleaseId } from '../../model/release.ts';
import { aRelease } from '../../../test/support/release-fixture.ts';
import { releaseView, toReleaseView } from '../../model/view/release-view.ts';
import { formatReleaseDetail } from './release-detail.ts';
import { formatReleaseTable, spansClusters } from './release-table.ts';

const a = aRelease({ id: 'ra' as ReleaseId, workload: { cluster: 'eu-1', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'u1' } });
const b = aRelease({ id: 'rb' as ReleaseId, workload: { cluster: 'us-2', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'u2' } });
const now = a.startedAt + 600_000;

test('spansClusters: true only when rows come from more than one cluster', () => {
  assert.equal(spansClusters([]), false);
  assert.equal(spansClusters([a, a]), false);
  assert.equal(spansClusters([a, b]), true);
});

test('a CLUSTER column comes first when asked, in the normal and the wide table', () => {
  const [head, ...rows] = formatReleaseTable([a, b], { wide: false, workloadColumn: true, namespaceColumn: true, clusterColumn: true, now }).trimEnd().split('\n');
  assert.match(head ?? '', /^CLUSTER +NAMESPACE +WORKLOAD +RELEASE /);
  assert.deepEqual(rows.map((r) => r.split(/ {2,}/).slice(0, 3)), [['eu-1', 'shop', 'deployment/web'], ['us-2', 'shop', 'deployment/web']]);
  const wide = formatReleaseTable([a, b], { wide: true, workloadColumn: false, namespaceColumn: false, clusterColumn: true, now });
  assert.match(wide, /^CLUSTER +NAMESPACE +KIND +NAME +RELEASE /);
  assert.doesNotMatch(formatReleaseTable([a], { wide: false, workloadColumn: false, namespaceColumn: false, now }), /CLUSTER|eu-1/);
});

test('a rollback names the release it returns to in history, show and -o json; another trigger is its name', () => {
  const back = aRelease({ trigger: 'rollback', rollbackTo: 3 });
  const reapplied = aRelease({ id: 'rc' as ReleaseId, releaseNumber: 8, trigger: 'image' });
  const rows = formatReleaseTable([back, reapplied], { wide: false, workloadColumn: false, namespaceColumn: false, now }).trimEnd().split('\n').slice(1);
  assert.deepEqual(rows.map((r) => r.split(/ {2,}/)[2]), ['rollback to #3', 'image']);
  assert.match(formatReleaseDetail({ release: back, previous: null, stuck: false }, now), /^Trigger: +rollback to #3$/m);
  assert.equal(releaseView.parse(toReleaseView(back)).rollbackTo, 3);
  assert.equal(releaseView.parse(toReleaseView(reapplied)).rollbackTo, null);
});
