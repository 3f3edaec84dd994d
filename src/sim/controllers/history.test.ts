import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { createSimStorage } from '../apiserver/storage.ts';
import type { PodTemplateSpec } from './apps.ts';
import { computeTemplateHash } from './deployment/hash.ts';
import { controlledRevisions, revisionNumber, STATEFULSET_REVISION_HASH, syncRevision, templateOf, truncateHistory } from './history.ts';
import type { RevisionOwner } from './history.ts';

const template = (image: string): PodTemplateSpec => ({ metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } });

function setup() {
  const store = createSimStorage(new ManualClock());
  const owner = store.create('statefulsets.apps', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'db' } }, serviceName: 'db', template: template('pg:1') },
  });
  const as = (collisionCount = 0): RevisionOwner => ({ object: owner, kind: 'StatefulSet', hashLabel: STATEFULSET_REVISION_HASH, collisionCount, manager: 'test' });
  const numbers = (): [string, number][] => controlledRevisions(store, owner).map((r) => [String(((templateOf(r).spec?.containers as { image: string }[] | undefined) ?? [])[0]?.image), revisionNumber(r)]);
  return { store, owner, as, numbers };
}

test('a revision snapshots the template as a replace patch, named <owner>-<hash>, labelled and owned', () => {
  const { store, as } = setup();
  const { update } = syncRevision(store, as(), template('pg:1'));
  const hash = computeTemplateHash(template('pg:1'));
  assert.equal(update.metadata.name, `db-${hash}`);
  assert.equal(update.metadata.labels?.[STATEFULSET_REVISION_HASH], hash);
  assert.equal(update.metadata.labels?.app, 'db');
  assert.equal(update.metadata.ownerReferences?.[0]?.kind, 'StatefulSet');
  assert.equal(update.metadata.ownerReferences?.[0]?.controller, true);
  assert.deepEqual(update.data, { spec: { template: { ...template('pg:1'), $patch: 'replace' } } });
  assert.equal(update.revision, 1);
});

test('new templates get max + 1; an unchanged template keeps its revision; a rollback renumbers the old one', () => {
  const { store, as, numbers } = setup();
  syncRevision(store, as(), template('pg:1'));
  syncRevision(store, as(), template('pg:1'));
  assert.deepEqual(numbers(), [['pg:1', 1]]);
  syncRevision(store, as(), template('pg:2'));
  syncRevision(store, as(), template('pg:3'));
  assert.deepEqual(numbers(), [['pg:1', 1], ['pg:2', 2], ['pg:3', 3]]);
  const back = syncRevision(store, as(), template('pg:2'));
  assert.equal(revisionNumber(back.update), 4);
  assert.deepEqual(numbers(), [['pg:1', 1], ['pg:3', 3], ['pg:2', 4]]);
});

test('a name taken by different data raises the collision count and picks another name', () => {
  const { store, owner, as } = setup();
  const taken = `db-${computeTemplateHash(template('pg:9'))}`;
  store.create('controllerrevisions.apps', { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: taken, namespace: 'default' }, data: {}, revision: 1 });
  const r = syncRevision(store, as(), template('pg:9'));
  assert.equal(r.collisionCount, 1);
  assert.equal(r.update.metadata.name, `db-${computeTemplateHash(template('pg:9'), 1)}`);
  assert.equal(r.update.metadata.ownerReferences?.[0]?.uid, owner.metadata.uid);
});

test('truncateHistory deletes the oldest revisions beyond the limit, never a live one', () => {
  const { store, owner, as, numbers } = setup();
  for (const v of ['pg:1', 'pg:2', 'pg:3', 'pg:4', 'pg:5']) syncRevision(store, as(), template(v));
  const revs = controlledRevisions(store, owner);
  const live = new Set([revs[0]!.metadata.name!, revs[4]!.metadata.name!]);
  truncateHistory(store, revs, live, 1);
  assert.deepEqual(numbers(), [['pg:1', 1], ['pg:4', 4], ['pg:5', 5]]);
});
