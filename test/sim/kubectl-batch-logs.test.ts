// The real kubectl against the simulator for what lies beyond workloads: Jobs (`kubectl create job`,
// `get jobs`, `describe`), container logs (`kubectl logs`, `--previous` on a crash-looping pod,
// `--tail`, `-f`, errors for a waiting container), and `kubectl auth can-i` through
// SelfSubjectAccessReview under the simulator's tokens and RBAC.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, rowsOf, startCluster } from './kubectl-support.ts';

const CRASH_APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: registry.local/api:crash
        env: [{name: DATABASE_URL, value: "postgres://app:hunter2@db:5432/app"}]
`;

test('kubectl get/describe jobs, logs (with --previous) and auth can-i against the simulator', async (t) => {
  const c = await startCluster(t, { secure: true });
  if (!c) return;
  t.after(() => c.stop());

  // Jobs: created by kubectl (protobuf body), run to completion by the Job controller.
  await c.kubectlOk(['create', 'job', 'migrate', '--image=tools/migrate:1']);
  await c.kubectlOk(['create', 'job', 'broken', '--image=tools/migrate:crash']);
  await c.kubectlOk(['patch', 'job', 'broken', '--type=merge', '-p', '{"spec":{"backoffLimit":0}}']); // backoffLimit is mutable
  const done = await eventually('job migrate Complete', async () => {
    const rows = rowsOf(await c.kubectlOk(['get', 'jobs']));
    const migrate = rows.find((r) => r[0] === 'migrate');
    return migrate?.[1] === 'Complete' ? rows : undefined;
  }, 20_000);
  assert.deepEqual(done[0], ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
  assert.equal(done.find((r) => r[0] === 'migrate')?.[2], '1/1');
  await eventually('job broken Failed', async () => (rowsOf(await c.kubectlOk(['get', 'job', 'broken'])).at(1)?.[1] === 'Failed' ? true : undefined), 20_000);
  const describe = await c.kubectlOk(['describe', 'job', 'migrate']);
  assert.match(describe, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
  assert.match(describe, /Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
  const jobJson = JSON.parse(await c.kubectlOk(['get', 'job', 'broken', '-o', 'json'])) as { status: { conditions: { type: string; reason: string }[]; failed: number } };
  assert.deepEqual(jobJson.status.conditions.map((x) => `${x.type}/${x.reason}`), ['Failed/BackoffLimitExceeded']);
  assert.ok(jobJson.status.failed >= 1);

  // A finished Job's log: kubectl logs job/NAME picks its pod.
  const jobLog = await c.kubectlOk(['logs', 'job/migrate']);
  assert.match(jobLog, /msg="all work items processed, exiting"/);

  // A crash-looping container: logs of the last run, --previous, --tail, and a waiting container's error.
  await c.kubectlOk(['apply', '-f', '-'], { input: CRASH_APP });
  const pod = await eventually('a restarted api pod', async () => {
    const p = JSON.parse(await c.kubectlOk(['get', 'pods', '-l', 'app=api', '-o', 'json'])) as { items: { metadata: { name: string }; status: { containerStatuses?: { restartCount: number }[] } }[] };
    const first = p.items[0];
    return first !== undefined && (first.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? first.metadata.name : undefined;
  }, 30_000);
  const previous = await c.kubectlOk(['logs', pod, '--previous']);
  const lines = previous.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /level=info msg=starting app=api version=crash/);
  assert.match(lines.at(-1) ?? '', /level=fatal msg="cannot start without a database, exiting" code=1/);
  const tail = await c.kubectlOk(['logs', pod, '--previous', '--tail=1', '--timestamps']);
  assert.match(tail, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ts=\S+ level=fatal /);
  assert.equal(tail.trimEnd().split('\n').length, 1);
  const missing = await c.kubectl(['logs', pod, '-c', 'sidecar']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, new RegExp(`container sidecar is not valid for pod ${pod}`));

  await c.kubectlOk(['create', 'deployment', 'ghost', '--image=registry.local/ghost:missing']);
  const ghost = await eventually('ghost pod in ImagePullBackOff', async () => {
    const out = await c.kubectlOk(['get', 'pods', '-l', 'app=ghost', '--no-headers']);
    return /ImagePullBackOff/.test(out) ? out.split(/\s+/)[0] : undefined;
  }, 20_000);
  const waiting = await c.kubectl(['logs', ghost ?? '']);
  assert.match(waiting.stderr, new RegExp(`Error from server \\(BadRequest\\): container "ghost" in pod "${ghost ?? ''}" is waiting to start: (trying and failing to pull image|image can't be pulled)`), 'ImagePullBackOff and ErrImagePull alternate; each has its message');
  const noPrevious = await c.kubectl(['logs', ghost ?? '', '--previous']);
  assert.match(noPrevious.stderr, /previous terminated container "ghost" in pod ".*" not found/);

  // -f follows until the container stops: deleting the pod ends the stream after its shutdown lines.
  await c.kubectlOk(['create', 'deployment', 'steady', '--image=registry.local/steady:1']);
  const steady = await eventually('steady pod ready', async () => {
    const out = await c.kubectlOk(['get', 'pods', '-l', 'app=steady', '--no-headers']);
    return /1\/1\s+Running/.test(out) ? out.split(/\s+/)[0] : undefined;
  }, 20_000);
  const follow = c.kubectl(['logs', '-f', steady ?? ''], { timeoutMs: 20_000 });
  await new Promise((r) => setTimeout(r, 300));
  await c.kubectlOk(['delete', 'pod', steady ?? '', '--wait=false']);
  const followed = await follow;
  assert.equal(followed.code, 0, followed.stderr);
  assert.match(followed.stdout, /msg="ready to serve requests"[\s\S]*msg="received SIGTERM, shutting down gracefully"\n.*msg="shutdown complete"\n$/);

  // kubectl auth can-i: the admin may; a service account only what its Role grants, only where bound.
  assert.equal((await c.kubectlOk(['auth', 'can-i', 'list', 'pods'])).trim(), 'yes');
  await c.kubectlOk(['create', 'serviceaccount', 'bot']);
  const asBot = ['--as=system:serviceaccount:default:bot'];
  const before = await c.kubectl(['auth', 'can-i', 'list', 'pods', ...asBot]);
  assert.equal(before.stdout.trim(), 'no');
  assert.equal(before.code, 1);
  await c.kubectlOk(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods']);
  await c.kubectlOk(['create', 'rolebinding', 'bot-reads', '--role=pod-reader', '--serviceaccount=default:bot']);
  assert.equal((await c.kubectlOk(['auth', 'can-i', 'list', 'pods', ...asBot])).trim(), 'yes');
  assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system', ...asBot])).stdout.trim(), 'no');
  assert.equal((await c.kubectl(['auth', 'can-i', 'delete', 'pods', ...asBot])).stdout.trim(), 'no');
  assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'pods', '--subresource=log', ...asBot])).stdout.trim(), 'no', 'a subresource needs its own rule');
  // The decision is the one the server enforces.
  const denied = await c.kubectl(['get', 'pods', '-n', 'kube-system', ...asBot]);
  assert.match(denied.stderr, /pods is forbidden: User "system:serviceaccount:default:bot" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
  const token = c.sim.auth?.serviceAccountToken('default', 'bot') ?? '';
  assert.equal((await c.kubectlOk(['auth', 'can-i', 'list', 'pods', '--token', token])).trim(), 'yes', 'the token of the account decides alike');
});

const TYPO = `apiVersion: apps/v1
kind: Deployment
metadata: {name: typo}
spec:
  replicas: 1
  selector: {matchLabels: {app: typo}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurgee: 1}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: typo, image: web:1, imagee: web:2}]
`;

test('kubectl explain walks the served OpenAPI v3 schemas; kubectl validation rejects unknown fields through them', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const explain = await c.kubectlOk(['explain', 'deployment.spec.strategy']);
  assert.match(explain, /GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1/);
  assert.match(explain, /FIELD: strategy <DeploymentStrategy>/);
  assert.match(explain, /rollingUpdate\t<RollingUpdateDeployment>/);
  assert.match(explain, /type\t<string>\n\s+enum: Recreate, RollingUpdate/);
  const job = await c.kubectlOk(['explain', 'job.spec.backoffLimit']);
  assert.match(job, /KIND:\s+Job[\s\S]*FIELD: backoffLimit <integer>/);
  const missing = await c.kubectl(['explain', 'deployment.spec.strategy.nope']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /field "nope" does not exist/);

  // kubectl's default --validate=strict asks the server (fieldValidation=Strict): unknown fields are a 400.
  const strict = await c.kubectl(['apply', '-f', '-'], { input: TYPO });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.strategy\.rollingUpdate\.maxSurgee", unknown field "spec\.template\.spec\.containers\[0\]\.imagee"/);
  const ssa = await c.kubectl(['apply', '--server-side', '-f', '-'], { input: TYPO });
  assert.match(ssa.stderr, /\.spec\.strategy\.rollingUpdate\.maxSurgee: field not declared in schema/);
  const warn = await c.kubectl(['apply', '--validate=warn', '-f', '-'], { input: TYPO });
  assert.equal(warn.code, 0, warn.stderr);
  assert.match(warn.stderr, /Warning: unknown field "spec\.strategy\.rollingUpdate\.maxSurgee"/);
  assert.match(warn.stdout, /deployment\.apps\/typo created/);
});
