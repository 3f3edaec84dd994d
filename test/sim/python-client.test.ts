// The simulated cluster as the official Kubernetes Python client (Debian python3-kubernetes) sees it:
// discovery with and without trailing slashes, watch=True on newly created workloads, resume from a
// resourceVersion, lists of every kind, patch and the status/scale subresources — with no
// deserialisation error. The Python side (python/client_suite.py) reports; this file asserts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { needComponent } from '../support/services.ts';
import { startCluster } from './kubectl-support.ts';

const SUITE = fileURLToPath(new URL('./python/client_suite.py', import.meta.url));

function runPython(python: string, kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python, [SUITE, kubeconfig], { timeout: 90_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 124) : 0, stdout, stderr });
    });
  });
}

test('the official Python client reads, watches and writes the simulated cluster', async (t) => {
  // Debian's python3 (not a pyenv shim) carries the packaged client.
  const hasClient = existsSync('/usr/lib/python3/dist-packages/kubernetes/__init__.py');
  const python = needComponent(t, 'python3 with the kubernetes client', hasClient ? ['/usr/bin/python3'] : [], 'apt-get install python3-kubernetes');
  if (!python) return;
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  const run = await runPython(python, c.kubeconfig);
  assert.equal(run.code, 0, `client_suite.py exited ${run.code}:\n${run.stderr}`);
  const r = JSON.parse(run.stdout) as Record<string, unknown>;
  const errors = Object.entries(r).filter(([, v]) => JSON.stringify(v).includes('ERROR '));
  assert.deepEqual(errors, [], 'no check raised (deserialisation errors included)');

  assert.ok((r['discovery_apis'] as string[]).includes('apps'));
  assert.deepEqual(r['discovery_api'], ['v1']);
  assert.ok((r['discovery_apps_v1'] as string[]).includes('deployments/status'));
  assert.deepEqual(r['discovery_raw_no_slash'], [['apiVersion', 'groups', 'kind'], ['kind', 'serverAddressByClientCIDRs', 'versions'], ['apiVersion', 'groupVersion', 'kind', 'resources']]);

  const watched = r['watch'] as Record<string, string[]>;
  assert.deepEqual(watched['deployments'], ['ADDED py-web']);
  assert.deepEqual(watched['statefulsets'], ['ADDED py-db']);
  assert.deepEqual(watched['daemonsets'], ['ADDED py-agent']);
  assert.equal(watched['replicasets']?.length, 1);
  assert.match(watched['replicasets']?.[0] ?? '', /^ADDED py-web-[a-z0-9]+$/);
  assert.match(String(r['watch_resume']), /^ADDED nginx:1\.28 replicas=\d+$/);

  assert.deepEqual(r['replicaset_status_replicas'], [true]);
  assert.deepEqual(r['list_statefulsets'], ['py-db']);
  assert.deepEqual(r['list_daemonsets'], ['py-agent']);
  assert.equal(r['list_nodes'], 3);
  assert.deepEqual(r['list_services'], ['kubernetes']);
  assert.equal(r['patch_scale'], 2);
  assert.equal(r['read_status'], 2);
  assert.equal(r['patch_status'], true);

  assert.deepEqual(r['job_watch'], { conditions: ['Complete'], succeeded: 1, completion_time: true });
  assert.deepEqual(r['job_list'], ['py-job']);
  assert.equal(r['job_status'], 1);
  assert.deepEqual(r['batch_discovery'], ['jobs', 'jobs/status']);
  assert.match(String(r['pod_log']), /level=info msg="all work items processed, exiting"/);
  assert.equal(r['pod_log_tail'], 1);
  const [code, message] = r['pod_log_previous_missing'] as [number, string];
  assert.equal(code, 400);
  assert.match(message, /^previous terminated container "work" in pod "py-job-[a-z0-9]{5}" not found$/);
  assert.equal(r['can_i_list_pods'], true);
});
