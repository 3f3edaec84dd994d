// More behaviours of test/e2e/apps/deployment.go as simulator tests: rollover, proportional
// scaling, iterative rollouts, pause/resume, the progress deadline, minReadySeconds.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { seededRandom } from '../../../lib/seeded-random.ts';
import { isPodActive } from '../pods.ts';
import { imageOf, startDeploymentWorld, type DeploymentWorld } from '../testing/deployments.ts';
import { Annotation, revisionNumber } from './revision.ts';

let w: DeploymentWorld;
beforeEach(() => {
  w = startDeploymentWorld();
});
afterEach(() => w.stop());

const progressing = (name: string): [string, string, string] | undefined => {
  const c = w.deployment(name).status?.conditions?.find((x) => x.type === 'Progressing');
  return c ? [c.status, c.reason ?? '', c.message ?? ''] : undefined;
};

describe('rollover', () => {
  it('a new template mid-rollout scales the unfinished ReplicaSet down and completes on the newest', () => {
    // Given a rolled-out Deployment (maxUnavailable 0, maxSurge 1, minReadySeconds 10)
    w.createDeployment('web', { replicas: 2, minReadySeconds: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web', maxMs: 120_000 });
    // And a rollout to an image that never becomes ready
    w.setImage('web', 'nginx:unready');
    w.waitFor('the stuck ReplicaSet to get a pod', () => w.pods('web').some((p) => imageOf(p.spec) === 'nginx:unready'), { name: 'web' });
    w.advance(5_000);
    // When the template changes again mid-rollout
    w.setImage('web', 'nginx:3.0');
    w.waitFor('the rollover', () => w.rolledOut('web') && w.pods('web').every(isPodActive), { name: 'web', maxMs: 600_000 });
    // Then the intermediate ReplicaSet went to 0 and only the newest runs
    const rss = w.replicaSets('web');
    assert.deepEqual(rss.map((rs) => [revisionNumber(rs), imageOf(rs.spec.template.spec), rs.spec.replicas]), [
      [1, 'nginx:1.0', 0],
      [2, 'nginx:unready', 0],
      [3, 'nginx:3.0', 2],
    ]);
    assert.ok(w.pods('web').every((p) => imageOf(p.spec) === 'nginx:3.0'));
  });
});

describe('proportional scaling', () => {
  it('scaling mid-rollout spreads the new replicas over old and new ReplicaSets by their share', () => {
    // Given 10 replicas, maxSurge 3, maxUnavailable 2, rolled out
    w.createDeployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    // And a rollout to an image that cannot be pulled: it stalls at old 8, new 5
    w.setImage('web', 'nginx:missing');
    w.waitFor('old 8 / new 5', () => w.replicaSets('web').map((rs) => rs.spec.replicas).join() === '8,5', { name: 'web' });
    w.advance(10_000);
    assert.deepEqual(w.replicaSets('web').map((rs) => rs.spec.replicas), [8, 5]);
    // When the Deployment is scaled to 30 (allowed 33: toAdd 20)
    w.scale('web', 30);
    w.advance(0);
    // Then old gets round(8·33/13) = 20, new round(5·33/13) = 13, as in the e2e test
    const [old, next] = w.replicaSets('web');
    assert.deepEqual([old?.spec.replicas, next?.spec.replicas], [20, 13]);
    assert.equal(old?.metadata.annotations?.[Annotation.desiredReplicas], '30');
    assert.equal(next?.metadata.annotations?.[Annotation.maxReplicas], '33');
    const events = w.events('web');
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${old?.metadata.name ?? ''} to 20 from 8`), events.join('\n'));
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${next?.metadata.name ?? ''} to 13 from 5`), events.join('\n'));
    // And scaling down to 5 first shrinks both proportionally (allowed 8: old round(20·8/33) = 5, new 3)
    w.scale('web', 5);
    w.advance(0);
    const after = w.events('web');
    assert.ok(after.includes(`ScalingReplicaSet: Scaled down replica set ${old?.metadata.name ?? ''} to 5 from 20`), after.join('\n'));
    assert.ok(after.includes(`ScalingReplicaSet: Scaled down replica set ${next?.metadata.name ?? ''} to 3 from 13`), after.join('\n'));
  });
});

describe('iterative rollouts', () => {
  it('eventually complete after a random mix of rollouts, scaling and pause/resume', () => {
    const random = seededRandom(7);
    w.createDeployment('web', { replicas: 5 });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    for (let i = 0; i < 12; i++) {
      const r = random();
      if (r < 0.4) w.setImage('web', `nginx:${i}.0`);
      else if (r < 0.6) w.scale('web', 1 + Math.floor(random() * 9));
      else if (r < 0.8) w.setPaused('web', !(w.deployment('web').spec.paused ?? false));
      else w.updateDeployment('web', (d) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, annotations: { restartedAt: String(i) } } } } }));
      w.advance(Math.floor(random() * 4000));
    }
    w.setPaused('web', false);
    w.waitFor('final rollout', () => w.rolledOut('web') && w.pods('web').every(isPodActive), { name: 'web', maxMs: 600_000 });
    const d = w.deployment('web');
    const current = w.replicaSets('web').at(-1);
    assert.equal(d.metadata.annotations?.[Annotation.revision], String(revisionNumber(current!)));
    assert.equal(w.pods('web').length, d.spec.replicas);
    assert.ok(w.replicaSets('web').slice(0, -1).every((rs) => rs.spec.replicas === 0));
    assert.deepEqual(progressing('web')?.slice(0, 2), ['True', 'NewReplicaSetAvailable']);
  });
});

describe('paused', () => {
  it('a paused Deployment does not roll out template changes until resumed', () => {
    // Given a rolled-out Deployment
    w.createDeployment('web', { replicas: 2 });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    // When it is paused and its image changes
    w.setPaused('web', true);
    w.advance(0);
    assert.deepEqual(progressing('web'), ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    w.setImage('web', 'nginx:2.0');
    w.advance(60_000);
    // Then no new ReplicaSet appears, the revision stays, but the new generation is observed
    assert.equal(w.replicaSets('web').length, 1);
    const d = w.deployment('web');
    assert.equal(d.metadata.annotations?.[Annotation.revision], '1');
    assert.equal(d.status?.observedGeneration, d.metadata.generation);
    // And scaling while paused still works
    w.scale('web', 3);
    w.advance(10_000);
    assert.equal(w.replicaSets('web')[0]?.spec.replicas, 3);
    // When resumed, the rollout happens
    w.setPaused('web', false);
    w.advance(0);
    assert.equal(progressing('web')?.[1] === 'DeploymentResumed' || w.replicaSets('web').length === 2, true);
    w.waitFor('rollout after resume', () => w.rolledOut('web') && w.replicaSets('web').length === 2, { name: 'web' });
    assert.equal(w.deployment('web').metadata.annotations?.[Annotation.revision], '2');
  });

  it('a Deployment created paused creates no ReplicaSet', () => {
    w.createDeployment('web', { replicas: 2, paused: true });
    w.advance(30_000);
    assert.equal(w.replicaSets('web').length, 0);
    w.setPaused('web', false);
    w.waitFor('rollout after resume', () => w.rolledOut('web'), { name: 'web' });
  });
});

describe('progress deadline', () => {
  it('a stuck rollout gets Progressing=False ProgressDeadlineExceeded with the exact message, on time', () => {
    // Given a rolled-out Deployment with a 30 s progress deadline
    w.createDeployment('web', { replicas: 2, progressDeadlineSeconds: 30 });
    w.waitFor('first rollout', () => w.rolledOut('web'), { name: 'web' });
    // When it rolls to an image that cannot be pulled
    w.setImage('web', 'nginx:missing');
    w.advance(0);
    const started = w.cluster.clock.now();
    const newRS = w.replicaSets('web').at(-1)?.metadata.name ?? '';
    w.waitFor('the deadline', () => progressing('web')?.[1] === 'ProgressDeadlineExceeded', { name: 'web', stepMs: 100, maxMs: 120_000 });
    // Then the condition carries the exact reason and message, soon after the 30 s deadline
    assert.deepEqual(progressing('web'), ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRS}" has timed out progressing.`]);
    const elapsed = w.cluster.clock.now() - started;
    assert.ok(elapsed > 30_000 && elapsed <= 33_000, `timed out after ${elapsed} ms`);
    // And the old pods keep serving (2 replicas at 25%: maxUnavailable rounds down to 0)
    assert.equal(w.deployment('web').status?.availableReplicas, 2);
    // When a good image is set, it recovers
    w.setImage('web', 'nginx:3.0');
    w.waitFor('recovery', () => w.rolledOut('web'), { name: 'web' });
    assert.deepEqual(progressing('web')?.slice(0, 2), ['True', 'NewReplicaSetAvailable']);
  });
});

describe('minReadySeconds', () => {
  it('counts a pod available only minReadySeconds after it became ready', () => {
    w.createDeployment('web', { replicas: 1, minReadySeconds: 20 });
    w.waitFor('ready', () => (w.deployment('web').status?.readyReplicas ?? 0) === 1, { name: 'web', stepMs: 100 });
    const readyAt = w.cluster.clock.now();
    assert.equal(w.deployment('web').status?.availableReplicas ?? 0, 0);
    w.waitFor('available', () => (w.deployment('web').status?.availableReplicas ?? 0) === 1, { name: 'web', stepMs: 100 });
    const waited = w.cluster.clock.now() - readyAt;
    assert.ok(waited >= 19_000 && waited <= 22_000, `available after ${waited} ms`);
  });
});
