// The in-cluster install (deploy/kustomize): every overlay renders with the real `kubectl kustomize`
// and is accepted by the API server under `kubectl apply --server-side --dry-run=server` (here the
// simulated cluster), without creating anything. The rendered objects keep the security defaults the
// README promises.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { startCluster } from './kubectl-support.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const OVERLAYS = ['base', 'overlays/ha', 'overlays/operator', 'overlays/monitoring'] as const;

interface Obj {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
  readonly rules?: readonly { readonly verbs: readonly string[]; readonly resources: readonly string[] }[];
}

async function render(overlay: string): Promise<{ yaml: string; objects: Obj[] }> {
  const { stdout } = await run('kubectl', ['kustomize', join(root, 'deploy', 'kustomize', overlay)]);
  return { yaml: stdout, objects: parseAllDocuments(stdout).map((d) => d.toJS() as Obj) };
}

test('every overlay renders and passes a server-side dry-run apply; nothing but the namespace is created', async (t) => {
  const cluster = await startCluster(t);
  if (cluster === undefined) return;
  t.after(() => cluster.stop());
  // As on a real cluster, a dry run of namespaced objects needs their namespace to exist
  // (NamespaceLifecycle admission), so the namespace is created for real first.
  await cluster.kubectlOk(['create', 'namespace', 'rollscope']);
  for (const overlay of OVERLAYS) {
    const { yaml, objects } = await render(overlay);
    assert.ok(objects.length >= 6, `${overlay} renders the base's objects at least`);
    const out = await cluster.kubectlOk(['apply', '--server-side', '--dry-run=server', '--field-manager=rollscope-install', '-f', '-'], { input: yaml });
    for (const o of objects) assert.match(out, new RegExp(`${o.metadata.name} serverside-applied \\(server dry run\\)`), `${overlay}: ${o.kind}/${o.metadata.name} applied`);
  }
  for (const kind of ['deployments', 'services', 'serviceaccounts', 'roles', 'poddisruptionbudgets', 'servicemonitors'])
    assert.equal((await cluster.kubectlOk(['get', kind, '-n', 'rollscope', '-o', 'name'])).trim(), '', `the dry run created no ${kind}`);
  assert.equal((await cluster.kubectlOk(['get', 'clusterroles', '-o', 'name'])).trim(), '', 'the dry run created no ClusterRole');
});

test('base: read-only tracker role, non-root read-only container with probes and limits', async () => {
  const { objects } = await render('base');
  const tracker = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'rollscope-tracker');
  const verbs = new Set(tracker?.rules?.flatMap((r) => r.verbs));
  assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch'], 'the tracker role only reads');
  const deploy = objects.find((o) => o.kind === 'Deployment');
  const pod = (deploy?.spec?.template as { spec: { securityContext: Record<string, unknown>; containers: Record<string, unknown>[] } }).spec;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const c = pod.containers[0]!;
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  assert.ok(c.livenessProbe && c.readinessProbe && c.resources, 'probes and resources are set');
  assert.equal(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'rollscope-leader-election').length, 1, 'a Lease role for leader election');
});

test('ha: two replicas with leader election, a PodDisruptionBudget and the PostgreSQL secret; operator: write role separate', async () => {
  const ha = await render('overlays/ha');
  const deploy = ha.objects.find((o) => o.kind === 'Deployment');
  assert.equal(deploy?.spec?.replicas, 2);
  assert.match(ha.yaml, /--leader-elect/);
  assert.match(ha.yaml, /secretKeyRef:\s+key: url\s+name: rollscope-postgres/);
  assert.ok(ha.objects.some((o) => o.kind === 'PodDisruptionBudget'));
  const op = await render('overlays/operator');
  const role = op.objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'rollscope-operator');
  assert.ok(role?.rules?.some((r) => r.resources.includes('deployments') && r.verbs.includes('delete')), 'the operator role may replace Deployments');
  const monitoring = await render('overlays/monitoring');
  for (const kind of ['ServiceMonitor', 'PrometheusRule', 'ConfigMap']) assert.ok(monitoring.objects.some((o) => o.kind === kind), `monitoring has a ${kind}`);
});
