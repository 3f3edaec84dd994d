// Behaviours of Kubernetes' own Deployment e2e tests (test/e2e/apps/deployment.go), as simulator
// tests: real ReplicaSet controller, scheduler and kubelet, on a ManualClock.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isPodActive } from '../pods.ts';
import { NS, imageOf, startDeploymentWorld, type DeploymentWorld } from '../testing/deployments.ts';
import { computeTemplateHash } from './hash.ts';
import { Annotation, revisionNumber } from './revision.ts';

let w: DeploymentWorld;
beforeEach(() => {
  w = startDeploymentWorld();
});
afterEach(() => w.stop());

const hashOf = (labels: Readonly<Record<string, string>> | undefined): string => labels?.['pod-template-hash'] ?? '';

describe('RollingUpdate', () => {
  it('replaces old pods with new ones, within maxSurge and maxUnavailable at every step', () => {
    // Given a Deployment of 4 replicas (25%/25% → surge 1, unavailable 1) that has rolled out
    w.createDeployment('web', { replicas: 4, image: 'nginx:1.0' });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    const [first] = w.replicaSets('web');
    assert.equal(w.deployment('web').metadata.annotations?.[Annotation.revision], '1');
    assert.ok(first);

    // When the image changes
    w.setImage('web', 'nginx:2.0');
    let maxPods = 0;
    let minAvailable = Infinity;
    w.waitFor(
      'second rollout',
      () => {
        const active = w.pods('web').filter(isPodActive).length;
        maxPods = Math.max(maxPods, w.replicaSets('web').reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0));
        minAvailable = Math.min(minAvailable, w.deployment('web').status?.availableReplicas ?? 0);
        return w.rolledOut('web') && active === 4 && w.pods('web').every(isPodActive);
      },
      { name: 'web', stepMs: 250 },
    );

    // Then every pod runs the new template, the old RS is kept at 0, and the limits held
    const d = w.deployment('web');
    const [old, next] = w.replicaSets('web');
    assert.equal(old?.metadata.name, first.metadata.name);
    assert.equal(old?.spec.replicas, 0);
    assert.equal(revisionNumber(next!), 2);
    assert.equal(d.metadata.annotations?.[Annotation.revision], '2');
    for (const p of w.pods('web')) {
      assert.equal(hashOf(p.metadata.labels), hashOf(next!.metadata.labels));
      assert.equal(imageOf(p.spec), 'nginx:2.0');
    }
    assert.ok(maxPods <= 5, `ReplicaSets summed to ${maxPods} > replicas + maxSurge (5)`);
    assert.ok(minAvailable >= 3, `available dropped to ${minAvailable} < replicas − maxUnavailable (3)`);
    assert.deepEqual(
      d.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
        ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${next!.metadata.name ?? ''}" has successfully progressed.`],
      ],
    );
    const events = w.events('web');
    assert.equal(events[0], `ScalingReplicaSet: Scaled up replica set ${first.metadata.name ?? ''} to 4`);
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${next!.metadata.name ?? ''} to 1`), events.join('\n'));
    assert.ok(events.includes(`ScalingReplicaSet: Scaled down replica set ${first.metadata.name ?? ''} to 3 from 4`), events.join('\n'));
  });

  it('takes the first step of the worked example: 10 replicas at 25%/25% → new RS 3, old RS 8', () => {
    w.createDeployment('web', { replicas: 10 });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    const before = w.events('web').length;
    w.setImage('web', 'nginx:2.0');
    w.advance(0);
    // Then, in the same instant: new 3, old 10 → 8, and (sum 11 < 13) new 3 → 5; then it waits for availability
    const [old, next] = w.replicaSets('web');
    assert.deepEqual(w.events('web').slice(before), [
      `ScalingReplicaSet: Scaled up replica set ${next?.metadata.name ?? ''} to 3`,
      `ScalingReplicaSet: Scaled down replica set ${old?.metadata.name ?? ''} to 8 from 10`,
      `ScalingReplicaSet: Scaled up replica set ${next?.metadata.name ?? ''} to 5 from 3`,
    ]);
    assert.deepEqual(w.replicaSets('web').map((rs) => rs.spec.replicas), [8, 5]);
  });

  it('relies on the API server defaults (25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600)', () => {
    const d = w.createDeployment('plain');
    assert.deepEqual(
      [d.spec.replicas, d.spec.strategy, d.spec.revisionHistoryLimit, d.spec.progressDeadlineSeconds],
      [1, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, 10, 600],
    );
  });

  it('names the ReplicaSet <deployment>-<hash> and labels RS, selector and pods with pod-template-hash', () => {
    w.createDeployment('api', { replicas: 2 });
    w.waitFor('rollout', () => w.rolledOut('api'), { name: 'api' });
    const [rs] = w.replicaSets('api');
    const hash = hashOf(rs?.metadata.labels);
    assert.match(hash, /^[456789bcdf]{1,10}$/);
    assert.equal(rs?.metadata.name, `api-${hash}`);
    assert.equal(rs?.spec.selector?.matchLabels?.['pod-template-hash'], hash);
    assert.deepEqual(rs?.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['Deployment', 'api', true, true]]);
    assert.equal(rs?.metadata.annotations?.[Annotation.desiredReplicas], '2');
    assert.equal(rs?.metadata.annotations?.[Annotation.maxReplicas], '3');
    for (const p of w.pods('api')) {
      assert.ok(p.metadata.name?.startsWith(`api-${hash}-`) && p.metadata.name.length === `api-${hash}-`.length + 5, p.metadata.name);
      assert.equal(hashOf(p.metadata.labels), hash);
      assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['ReplicaSet', rs?.metadata.name, true, true]]);
    }
  });
});

describe('Recreate', () => {
  it('never runs old and new pods together', () => {
    // Given a Recreate Deployment of 3 replicas that has rolled out
    w.createDeployment('db', { replicas: 3, strategy: { type: 'Recreate' } });
    w.waitFor('first rollout', () => w.rolledOut('db'), { name: 'db' });
    const oldHash = hashOf(w.replicaSets('db')[0]?.metadata.labels);
    // Check at every pod write: once a new pod exists, no old pod may still exist (terminating counts).
    const violations: string[] = [];
    const unsubscribe = w.cluster.ctx.store.subscribe('pods', () => {
      const pods = w.cluster.ctx.store.list('pods', { namespace: NS, labelSelector: 'app=db' });
      const fresh = pods.filter((p) => hashOf(p.metadata.labels) !== oldHash);
      const old = pods.filter((p) => hashOf(p.metadata.labels) === oldHash);
      if (fresh.length > 0 && old.length > 0) violations.push(`${fresh.length} new with ${old.length} old at ${w.cluster.clock.now()}`);
    });

    // When the image changes
    w.setImage('db', 'postgres:2.0');
    w.waitFor('second rollout', () => w.rolledOut('db') && w.pods('db').length === 3, { name: 'db', stepMs: 250 });
    unsubscribe();

    // Then old and new pods never overlapped, and all pods are new
    assert.deepEqual(violations, []);
    assert.ok(w.pods('db').every((p) => imageOf(p.spec) === 'postgres:2.0'));
    const events = w.events('db');
    const [old, next] = w.replicaSets('db');
    assert.ok(events.indexOf(`ScalingReplicaSet: Scaled down replica set ${old?.metadata.name ?? ''} to 0 from 3`) < events.indexOf(`ScalingReplicaSet: Scaled up replica set ${next?.metadata.name ?? ''} to 3`), events.join('\n'));
  });
});

describe('revisionHistoryLimit', () => {
  it('cleans up old ReplicaSets down to the limit once each rollout completes', () => {
    // Given a Deployment that keeps 2 old ReplicaSets
    w.createDeployment('web', { replicas: 1, revisionHistoryLimit: 2 });
    w.waitFor('rollout 1', () => w.rolledOut('web'), { name: 'web' });
    // When it rolls out 5 more templates
    for (let v = 2; v <= 6; v++) {
      w.setImage('web', `nginx:${v}.0`);
      w.waitFor(`rollout ${v}`, () => w.rolledOut('web') && w.pods('web').every(isPodActive), { name: 'web' });
    }
    w.advance(1000);
    // Then only the newest 2 old ones remain, next to the current one
    assert.deepEqual(w.replicaSets('web').map(revisionNumber), [4, 5, 6]);
  });

  it('keeps no old ReplicaSet with a limit of 0', () => {
    w.createDeployment('web', { replicas: 1, revisionHistoryLimit: 0 });
    w.waitFor('rollout 1', () => w.rolledOut('web'), { name: 'web' });
    w.setImage('web', 'nginx:2.0');
    w.waitFor('rollout 2', () => w.rolledOut('web') && w.replicaSets('web').length === 1, { name: 'web' });
    assert.deepEqual(w.replicaSets('web').map(revisionNumber), [2]);
  });
});

describe('rollback', () => {
  it('reuses the old ReplicaSet and renumbers it: history 1, 3, 4 with revision-history "2"', () => {
    // Given revisions 1 (v1), 2 (v2), 3 (v3)
    w.createDeployment('web', { replicas: 2, image: 'nginx:1' });
    w.waitFor('rollout 1', () => w.rolledOut('web'), { name: 'web' });
    for (const image of ['nginx:2', 'nginx:3']) {
      w.setImage('web', image);
      w.waitFor(image, () => w.rolledOut('web'), { name: 'web' });
    }
    const rsB = w.replicaSets('web').find((rs) => imageOf(rs.spec.template.spec) === 'nginx:2');
    // When the template goes back to v2 (what `kubectl rollout undo` does)
    w.setImage('web', 'nginx:2');
    w.waitFor('rollback', () => w.rolledOut('web') && w.deployment('web').metadata.annotations?.[Annotation.revision] === '4', { name: 'web' });
    // Then RS-b is the new RS again with revision 4, and revision 2 is gone from the history
    const after = w.replicaSets('web');
    assert.deepEqual(after.map(revisionNumber), [1, 3, 4]);
    const reused = after.find((rs) => revisionNumber(rs) === 4);
    assert.equal(reused?.metadata.uid, rsB?.metadata.uid);
    assert.equal(reused?.metadata.annotations?.[Annotation.revisionHistory], '2');
    assert.equal(reused?.spec.replicas, 2);
    // And a second undo (back to v3) appends again
    w.setImage('web', 'nginx:3');
    w.waitFor('undo again', () => w.rolledOut('web') && w.deployment('web').metadata.annotations?.[Annotation.revision] === '5', { name: 'web' });
    assert.deepEqual(w.replicaSets('web').map(revisionNumber), [1, 4, 5]);
    assert.equal(w.replicaSets('web').find((rs) => revisionNumber(rs) === 5)?.metadata.annotations?.[Annotation.revisionHistory], '3');
  });
});

describe('legacy rollback annotation (deprecated.deployment.rollback.to)', () => {
  const annotate = (value: string) =>
    w.updateDeployment('web', (d) => ({ ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, [Annotation.rollbackTo]: value } } }));

  it('rolls back to the requested revision, records DeploymentRollback and clears the request', () => {
    w.createDeployment('web', { replicas: 1, image: 'nginx:1' });
    w.waitFor('rollout 1', () => w.rolledOut('web'), { name: 'web' });
    w.setImage('web', 'nginx:2');
    w.waitFor('rollout 2', () => w.rolledOut('web'), { name: 'web' });
    // When the Deployment asks for revision 1
    annotate('1');
    w.waitFor('rollback', () => w.rolledOut('web') && w.deployment('web').metadata.annotations?.[Annotation.revision] === '3', { name: 'web' });
    // Then the template is v1's again, revision 1 became 3, and the request is gone
    const d = w.deployment('web');
    assert.equal(imageOf(d.spec.template.spec), 'nginx:1');
    assert.equal(d.spec.template.metadata?.labels?.['pod-template-hash'], undefined);
    assert.equal(d.metadata.annotations?.[Annotation.rollbackTo], undefined);
    assert.deepEqual(w.replicaSets('web').map(revisionNumber), [2, 3]);
    assert.ok(w.events('web').includes('DeploymentRollback: Rolled back deployment "web" to revision 1'), w.events('web').join('\n'));
  });

  it('warns when the revision does not exist, or the template would not change', () => {
    w.createDeployment('web', { replicas: 1 });
    w.waitFor('rollout 1', () => w.rolledOut('web'), { name: 'web' });
    annotate('9');
    w.advance(1000);
    assert.equal(w.deployment('web').metadata.annotations?.[Annotation.rollbackTo], undefined);
    annotate('1');
    w.advance(1000);
    annotate('0');
    w.advance(1000);
    const events = w.events('web');
    assert.ok(events.includes('DeploymentRollbackRevisionNotFound: Unable to find the revision to rollback to.'), events.join('\n'));
    assert.ok(events.includes('DeploymentRollbackTemplateUnchanged: The rollback revision contains the same template as current deployment "web"'), events.join('\n'));
    assert.ok(events.includes('DeploymentRollbackRevisionNotFound: Unable to find last revision.'), events.join('\n'));
  });
});

describe('adoption and collisions', () => {
  it('adopts an existing ReplicaSet its selector matches and rolls it over, numbering on from its revision', () => {
    // Given a bare ReplicaSet with a large revision (as the Kubernetes e2e test sets up)
    const store = w.cluster.ctx.store;
    store.create('replicasets.apps', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-controller', namespace: NS, labels: { app: 'web' }, annotations: { [Annotation.revision]: '3546343826724305832' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'httpd:2.4' }] } },
      },
    });
    w.advance(30_000);
    // When a Deployment selecting the same pods is created with another template
    w.createDeployment('web', { replicas: 2, image: 'agnhost:2.0' });
    w.waitFor('rollout', () => w.rolledOut('web') && w.pods('web').every(isPodActive), { name: 'web' });
    // Then the bare ReplicaSet is owned, scaled to 0, and the new one has the next revision
    const [adopted, next] = w.replicaSets('web');
    assert.equal(adopted?.metadata.name, 'web-controller');
    assert.equal(adopted?.metadata.ownerReferences?.[0]?.name, 'web');
    assert.equal(adopted?.spec.replicas, 0);
    assert.equal(next?.metadata.annotations?.[Annotation.revision], '3546343826724305833');
    assert.equal(w.deployment('web').metadata.annotations?.[Annotation.revision], '3546343826724305833');
  });

  it('resolves a ReplicaSet name collision by bumping status.collisionCount', () => {
    // Given a paused Deployment and a foreign ReplicaSet already holding the name web-<hash>
    w.createDeployment('web', { replicas: 1, paused: true });
    const template = w.deployment('web').spec.template;
    const taken = `web-${computeTemplateHash(template)}`;
    w.cluster.ctx.store.create('replicasets.apps', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: taken, namespace: NS, labels: { app: 'other' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'x', image: 'x:1' }] } } },
    });
    // When it is resumed
    w.setPaused('web', false);
    w.waitFor('rollout', () => w.rolledOut('web'), { name: 'web' });
    // Then it used the next hash
    assert.equal(w.deployment('web').status?.collisionCount, 1);
    assert.deepEqual(w.replicaSets('web').map((rs) => rs.metadata.name), [`web-${computeTemplateHash(template, 1)}`]);
  });
});
