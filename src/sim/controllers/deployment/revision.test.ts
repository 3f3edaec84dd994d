import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../apps.ts';
import { computeTemplateHash, fnv1a32, safeEncodeString } from './hash.ts';
import { Annotation, appendRevisionHistory, copyDeploymentAnnotations, maxRevision, setNewReplicaSetAnnotations } from './revision.ts';

const deployment = (annotations: Record<string, string> = {}, replicas = 4): Deployment => ({
  metadata: { name: 'web', namespace: 'shop', annotations },
  spec: { replicas, template: {} },
});

describe('pod-template-hash', () => {
  it('fnv1a32 matches the published FNV-1a test vectors', () => {
    assert.equal(fnv1a32(new TextEncoder().encode('')), 0x811c9dc5);
    assert.equal(fnv1a32(new TextEncoder().encode('a')), 0xe40c292c);
    assert.equal(fnv1a32(new TextEncoder().encode('foobar')), 0xbf9cf968);
  });
  it('safe-encodes digits into 4 5 6 7 8 9 b c d f', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });
  it('is stable for equal templates regardless of key order, and differs for other templates', () => {
    const a = computeTemplateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } });
    const b = computeTemplateHash({ spec: { containers: [{ image: 'nginx:1', name: 'app' }] }, metadata: { labels: { app: 'web' } } });
    const c = computeTemplateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:2' }] } });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.match(a, /^[456789bcdf]{1,10}$/);
  });
  it('changes with the collision count', () => {
    const t = { spec: { containers: [{ name: 'app', image: 'nginx:1' }] } };
    assert.notEqual(computeTemplateHash(t), computeTemplateHash(t, 1));
    assert.notEqual(computeTemplateHash(t, 1), computeTemplateHash(t, 2));
  });
});

describe('revision annotations', () => {
  it('maxRevision ignores missing and malformed revisions', () => {
    const rs = (rev?: string) => ({ metadata: rev === undefined ? {} : { annotations: { [Annotation.revision]: rev } } });
    assert.equal(maxRevision([rs('3'), rs(), rs('x'), rs('11')]), 11n);
    assert.equal(maxRevision([]), 0n);
    assert.equal(maxRevision([rs('3546343826724305832')]) + 1n, 3546343826724305833n);
  });

  const history = [
    { history: '', old: '2', limit: 2000, want: '2' },
    { history: '2', old: '4', limit: 2000, want: '2,4' },
    { history: '1,2,3', old: '4', limit: 5, want: '2,3,4' },
    { history: '1,2,3', old: '4', limit: 4, want: '3,4' },
    { history: '1', old: '123456', limit: 3, want: undefined },
  ];
  for (const r of history) {
    it(`appendRevisionHistory("${r.history}", "${r.old}", ${r.limit}) → ${String(r.want)}`, () => {
      assert.equal(appendRevisionHistory(r.history, r.old, r.limit), r.want);
    });
  }

  it('a new ReplicaSet gets the revision and the desired/max replica annotations', () => {
    const u = setNewReplicaSetAnnotations(deployment({ team: 'a' }), {}, 1n, false);
    assert.deepEqual(u.annotations, { team: 'a', [Annotation.revision]: '1', [Annotation.desiredReplicas]: '4', [Annotation.maxReplicas]: '5' });
    assert.equal(u.changed, true);
  });

  it('a reused ReplicaSet (rollback) is renumbered and remembers its old revision', () => {
    const u = setNewReplicaSetAnnotations(deployment(), { [Annotation.revision]: '2' }, 4n, true);
    assert.equal(u.annotations[Annotation.revision], '4');
    assert.equal(u.annotations[Annotation.revisionHistory], '2');
    const again = setNewReplicaSetAnnotations(deployment(), u.annotations, 6n, true);
    assert.equal(again.annotations[Annotation.revisionHistory], '2,4');
  });

  it('never lowers a revision', () => {
    const u = setNewReplicaSetAnnotations(deployment(), { [Annotation.revision]: '7' }, 3n, true);
    assert.equal(u.annotations[Annotation.revision], '7');
    assert.equal(u.changed, false);
  });

  it('copies Deployment annotations except the controller-owned and last-applied ones, never deleting', () => {
    const d = deployment({
      'kubernetes.io/change-cause': 'kubectl set image',
      [Annotation.revision]: '9',
      [Annotation.lastApplied]: '{}',
      [Annotation.desiredReplicas]: '1',
    });
    const u = copyDeploymentAnnotations(d, { keep: 'me' });
    assert.deepEqual(u.annotations, { keep: 'me', 'kubernetes.io/change-cause': 'kubectl set image' });
    assert.equal(copyDeploymentAnnotations(d, u.annotations).changed, false);
  });
});
