import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { KubeObject } from '../../kube/types.ts';
import { record, records } from '../core/fields.ts';
import { startTestCluster } from '../testing/cluster.ts';
import type { TestCluster } from '../testing/cluster.ts';
import { JOB_TRACKING_FINALIZER, startJobController } from './job.ts';

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

const JOBS = 'jobs.batch';

function job(image: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'default' },
    spec: { template: { spec: { restartPolicy, containers: [{ name: 'migrate', image }] } }, ...spec },
  };
}

function start(j: KubeObject): TestCluster {
  cluster = startTestCluster({}, [startJobController]);
  cluster.ctx.store.create(JOBS, j);
  return cluster;
}

const status = (c: TestCluster) => record(c.ctx.store.get(JOBS, 'default', 'migrate')?.status);
const conditions = (c: TestCluster) => records(status(c).conditions).filter((x) => x.status === 'True').map((x) => `${String(x.type)}/${String(x.reason)}`);
const pods = (c: TestCluster): readonly KubeObject[] => c.ctx.store.list('pods', { namespace: 'default' });

test('the API server generates the selector and the controller runs pods to completion', () => {
  const c = start(job('tools/migrate:1', { completions: 3, parallelism: 2 }));
  const stored = c.ctx.store.get(JOBS, 'default', 'migrate')!;
  const uid = stored.metadata.uid ?? '';
  assert.deepEqual(record(stored.spec).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.equal(record(stored.spec).backoffLimit, 6);
  c.clock.advance(1_000);
  assert.equal(pods(c).length, 2, 'parallelism 2');
  assert.deepEqual(pods(c)[0]?.metadata.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal(pods(c)[0]?.metadata.labels?.['job-name'], 'migrate');
  assert.equal(status(c).active, 2);
  assert.ok(typeof status(c).startTime === 'string');
  c.clock.advance(30_000);
  assert.deepEqual(conditions(c), ['Complete/CompletionsReached']);
  assert.equal(status(c).succeeded, 3);
  assert.equal(status(c).active, undefined, 'omitempty');
  assert.equal(status(c).ready, 0);
  assert.ok(typeof status(c).completionTime === 'string');
  assert.equal(pods(c).length, 3, 'finished pods stay');
  assert.ok(pods(c).every((p) => p.metadata.finalizers === undefined && record(p.status).phase === 'Succeeded'), 'counted pods lose the finalizer');
  assert.ok(c.events('default', 'migrate').includes('Completed: Job completed'));
});

test('a crashing pod is replaced after back-off until backoffLimit, then the Job fails', () => {
  const c = start(job('tools/migrate:crash', { backoffLimit: 1 }));
  c.clock.advance(8_000);
  assert.equal(status(c).failed, 1);
  assert.equal(status(c).active, undefined, 'the replacement waits for the 10 s back-off');
  c.clock.advance(7_000);
  assert.equal(status(c).active, 1, 'replaced after back-off');
  c.clock.advance(25_000);
  assert.equal(status(c).failed, 2);
  assert.deepEqual(conditions(c), ['Failed/BackoffLimitExceeded']);
  assert.ok(c.events('default', 'migrate').includes('BackoffLimitExceeded: Job has reached the specified backoff limit'));
});

test('restartPolicy OnFailure: container restarts count against backoffLimit', () => {
  const c = start(job('tools/migrate:crash', { backoffLimit: 2 }, 'OnFailure'));
  c.clock.advance(120_000);
  assert.deepEqual(conditions(c), ['Failed/BackoffLimitExceeded']);
});

test('activeDeadlineSeconds fails a Job that runs too long', () => {
  const c = start(job('tools/migrate:crash', { activeDeadlineSeconds: 30, backoffLimit: 100 }));
  c.clock.advance(31_000);
  assert.deepEqual(conditions(c), ['Failed/DeadlineExceeded']);
});

test('suspend deletes the active pods without counting failures; resume starts again', () => {
  const c = start(job('tools/migrate:slow'));
  c.clock.advance(5_000);
  assert.equal(status(c).active, 1);
  const j = c.ctx.store.get(JOBS, 'default', 'migrate')!;
  c.ctx.store.update(JOBS, { ...j, spec: { ...record(j.spec), suspend: true } });
  c.clock.advance(40_000);
  assert.deepEqual(conditions(c), ['Suspended/JobSuspended']);
  assert.equal(status(c).active, undefined);
  assert.equal(status(c).failed, undefined, 'pods deleted for a suspension are no failures');
  assert.equal(pods(c).length, 0, 'the deleted pods are gone once released');
  const k = c.ctx.store.get(JOBS, 'default', 'migrate')!;
  c.ctx.store.update(JOBS, { ...k, spec: { ...record(k.spec), suspend: false } });
  c.clock.advance(1_000);
  assert.equal(status(c).active, 1);
  assert.equal(records(status(c).conditions).find((x) => x.type === 'Suspended')?.reason, 'JobResumed');
  assert.ok(c.events('default', 'migrate').includes('Resumed: Job resumed'));
});

test('a Job whose template restarts Always is rejected as kube-apiserver does', () => {
  cluster = startTestCluster({}, [startJobController]);
  assert.throws(() => cluster!.ctx.store.create(JOBS, job('x:1', {}, 'Always')), /spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);
});
