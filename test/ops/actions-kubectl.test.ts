// set-image, undo, pause, resume and restart have the same effect on the cluster as kubectl's
// equivalents: the same operation is done with kubectl on deployment/web in one namespace and with
// rollscope on an identical deployment/web in another, and the resulting objects are compared
// (template, annotations, generation, ReplicaSet revision numbering). Then the error paths.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ReleaseId } from '../../src/model/release.ts';
import { openLedger } from '../../src/store/open.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { runAction } from '../../src/cli/commands/ops-action.ts';
import { runSetImage } from '../../src/cli/commands/set-image.ts';
import { runUndo } from '../../src/cli/commands/undo.ts';
import { isTrackerError } from '../../src/lib/errors.ts';
import { pause, resume } from '../../src/ops/actions.ts';
import { aRelease } from '../support/release-fixture.ts';
import { manifest, startOpsCluster, type OpsCluster } from './ops-support.ts';

const KUBECTL_NS = 'by-kubectl';
const ROLLSCOPE_NS = 'by-rollscope';

interface Json {
  readonly metadata: { readonly annotations?: Record<string, string>; readonly generation?: number; readonly managedFields?: { manager: string }[]; readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: { readonly template: unknown; readonly paused?: boolean; readonly [k: string]: unknown };
}

async function getJson(c: OpsCluster, ns: string, what: string): Promise<Json> {
  return JSON.parse(await c.kubectlOk(['get', '-n', ns, what, '-o', 'json'])) as Json;
}

/** comparable strips what legitimately differs between the two copies (identity, times, who wrote it). */
async function comparable(c: OpsCluster, ns: string): Promise<unknown> {
  const d = await getJson(c, ns, 'deployment/web');
  const annotations = { ...d.metadata.annotations };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const spec = JSON.parse(JSON.stringify(d.spec).replace(/"kubectl\.kubernetes\.io\/restartedAt":"[^"]+"/g, '"kubectl.kubernetes.io/restartedAt":"<time>"')) as unknown;
  const list = JSON.parse(await c.kubectlOk(['get', '-n', ns, 'rs', '-l', 'app=web', '-o', 'json'])) as { items: { metadata: { annotations?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } }[] };
  const replicaSets = list.items
    .map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.template.spec.containers[0]?.image, rs.metadata.annotations?.['deployment.kubernetes.io/revision-history'] ?? ''])
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  return { annotations, generation: d.metadata.generation, spec, replicaSets };
}

async function settled(c: OpsCluster): Promise<void> {
  await Promise.all([KUBECTL_NS, ROLLSCOPE_NS].map((ns) => c.kubectlOk(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=30s'])));
}

test('rollscope write operations match kubectl', async (t) => {
  const c = await startOpsCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  for (const ns of [KUBECTL_NS, ROLLSCOPE_NS]) {
    await c.kubectlOk(['create', 'namespace', ns]);
    await c.kubectlOk(['apply', '-n', ns, '-f', '-'], { input: manifest({ kind: 'Deployment', name: 'web', image: 'nginx:1.27' }) });
  }
  await settled(c);

  /** STEPS pair a kubectl command with the rollscope command meant to have the same effect. */
  const STEPS: readonly { readonly name: string; readonly kubectl: readonly string[]; readonly rollscope: readonly string[]; readonly message: string }[] = [
    { name: 'set image (revision 2)', kubectl: ['set', 'image', 'deployment/web', 'web=nginx:1.28'], rollscope: ['set-image', 'deployment/web', 'web=nginx:1.28'], message: 'deployment.apps/web image updated' },
    { name: 'set image again (revision 3)', kubectl: ['set', 'image', 'deployment/web', 'web=nginx:1.29'], rollscope: ['set-image', 'deploy/web', 'web=nginx:1.29'], message: 'deployment.apps/web image updated' },
    { name: 'undo to the previous revision (2 becomes 4)', kubectl: ['rollout', 'undo', 'deployment/web'], rollscope: ['undo', 'deployment/web'], message: 'deployment.apps/web rolled back' },
    { name: 'undo --to-revision 1 (1 becomes 5)', kubectl: ['rollout', 'undo', 'deployment/web', '--to-revision=1'], rollscope: ['undo', 'deployment/web', '--to-revision', '1'], message: 'deployment.apps/web rolled back' },
    { name: 'undo to the revision already current is skipped', kubectl: ['rollout', 'undo', 'deployment/web', '--to-revision=5'], rollscope: ['undo', 'deployment/web', '--to-revision', '5'], message: 'deployment.apps/web skipped rollback (current template already matches revision 5)' },
    { name: 'pause', kubectl: ['rollout', 'pause', 'deployment/web'], rollscope: ['pause', 'deployment/web'], message: 'deployment.apps/web paused' },
    { name: 'resume', kubectl: ['rollout', 'resume', 'deployment/web'], rollscope: ['resume', 'deployment/web'], message: 'deployment.apps/web resumed' },
    { name: 'restart (revision 6)', kubectl: ['rollout', 'restart', 'deployment/web'], rollscope: ['restart', 'deployment/web'], message: 'deployment.apps/web restarted' },
  ];
  for (const step of STEPS) {
    await t.test(step.name, async () => {
      const [k, r] = await Promise.all([c.kubectlOk(['-n', KUBECTL_NS, ...step.kubectl]), c.rollscope([...step.rollscope, '-n', ROLLSCOPE_NS])]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${step.message}\n`);
      assert.equal(k, `${step.message}\n`, 'kubectl prints the same line');
      await settled(c);
      assert.deepEqual(await comparable(c, ROLLSCOPE_NS), await comparable(c, KUBECTL_NS));
    });
  }

  await t.test('the writes are recorded under field manager rollscope', async () => {
    const d = JSON.parse(await c.kubectlOk(['get', '-n', ROLLSCOPE_NS, 'deployment/web', '-o', 'json', '--show-managed-fields'])) as Json;
    assert.ok(d.metadata.managedFields?.some((m) => m.manager === 'rollscope'), JSON.stringify(d.metadata.managedFields?.map((m) => m.manager)));
  });

  await t.test('set-image --change-cause shows in rollout history; --wait waits for the rollout', async () => {
    const r = await c.rollscope(['set-image', 'deployment/web', 'web=nginx:1.30', '--change-cause', 'release 1.30', '--wait', '-n', ROLLSCOPE_NS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^deployment\.apps\/web image updated\ndeployment "web" successfully rolled out/);
    assert.match(await c.kubectlOk(['rollout', 'history', '-n', ROLLSCOPE_NS, 'deployment/web']), /^7\s+release 1\.30$/m);
  });

  await t.test('undo --to-release finds the revision holding that release\'s template', async () => {
    const rs = JSON.parse(await c.kubectlOk(['get', '-n', ROLLSCOPE_NS, 'rs', '-l', 'app=web', '-o', 'json'])) as { items: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } }[] };
    const old = rs.items.find((x) => x.spec.template.spec.containers[0]?.image === 'nginx:1.29');
    assert.ok(old);
    const uid = (await getJson(c, ROLLSCOPE_NS, 'deployment/web')).metadata as unknown as { uid: string };
    const url = `sqlite:${join(c.dir, 'ledger.db')}`;
    const ledger = await openLedger(url);
    const workload = { cluster: 'sim', namespace: ROLLSCOPE_NS, kind: 'Deployment' as const, name: 'web', uid: uid.uid };
    await ledger.upsertRelease(aRelease({ id: '01JDX5Q6M2Z8C4A3B2N1P0QR29' as ReleaseId, workload, templateHash: old.metadata.labels['pod-template-hash'] ?? '' }));
    await ledger.upsertRelease(aRelease({ id: '01JDX5Q6M2Z8C4A3B2N1P0QRGN' as ReleaseId, workload, releaseNumber: 8, templateHash: 'gone1234' }));
    // The same namespace/name in another cluster of a shared ledger, with the very template web runs now.
    await ledger.upsertRelease(aRelease({ id: '01JDX5Q6M2Z8C4A3B2N1P0QROC' as ReleaseId, workload: { ...workload, cluster: 'other', uid: 'uid-of-web-elsewhere' }, templateHash: old.metadata.labels['pod-template-hash'] ?? '' }));
    await ledger.close();
    const elsewhere = await c.rollscope(['undo', 'deployment/web', '--to-release', '01JDX5Q6M2Z8C4A3B2N1P0QROC', '--db', url, '-n', ROLLSCOPE_NS]);
    assert.equal(elsewhere.code, 3);
    assert.match(elsewhere.stderr, /^error: release 01JDX5Q6M2Z8C4A3B2N1P0QROC belongs to deployment by-rollscope\/web of cluster other with uid uid-of-web-elsewhere, not to the object in this cluster/);
    const r = await c.rollscope(['undo', 'deployment/web', '--to-release', '01JDX5Q6M2Z8C4A3B2N1P0QR29', '--db', url, '--wait', '-n', ROLLSCOPE_NS]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await c.kubectlOk(['get', '-n', ROLLSCOPE_NS, 'deployment/web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.29');
    const gone = await c.rollscope(['undo', 'deployment/web', '--to-release', '01JDX5Q6M2Z8C4A3B2N1P0QRGN', '--db', url, '-n', ROLLSCOPE_NS]);
    assert.equal(gone.code, 4);
    assert.match(gone.stderr, /^error: release 01JDX5Q6M2Z8C4A3B2N1P0QRGN of deployment by-rollscope\/web \(template hash gone1234\) is no longer in the cluster: its ReplicaSet was cleaned up\nhint: /);
  });

  await t.test('StatefulSet and DaemonSet: undo from ControllerRevisions, restart, same as kubectl', async () => {
    const check = async (kind: 'StatefulSet' | 'DaemonSet'): Promise<void> => {
      const type = kind.toLowerCase();
      const name = kind === 'StatefulSet' ? 'db' : 'agent';
      for (const ns of [KUBECTL_NS, ROLLSCOPE_NS]) await c.kubectlOk(['apply', '-n', ns, '-f', '-'], { input: manifest({ kind, name, image: 'app:1', replicas: 2 }) });
      const both = async (k: readonly string[], r: readonly string[]): Promise<void> => {
        const [, ours] = await Promise.all([c.kubectlOk(['-n', KUBECTL_NS, ...k]), c.rollscope([...r, '-n', ROLLSCOPE_NS])]);
        assert.equal(ours.code, 0, ours.stderr);
        await Promise.all([KUBECTL_NS, ROLLSCOPE_NS].map((ns) => c.kubectlOk(['rollout', 'status', '-n', ns, `${type}/${name}`, '--timeout=30s'])));
      };
      await both(['set', 'image', `${type}/${name}`, `${name}=app:2`], ['set-image', `${type}/${name}`, `${name}=app:2`]);
      await both(['rollout', 'undo', `${type}/${name}`], ['undo', `${type}/${name}`]);
      await both(['rollout', 'restart', `${type}/${name}`], ['restart', `${type}/${name}`]);
      const view = async (ns: string): Promise<unknown> => {
        const o = await getJson(c, ns, `${type}/${name}`);
        const revs = JSON.parse(await c.kubectlOk(['get', '-n', ns, 'controllerrevisions', '-l', `app=${name}`, '-o', 'json'])) as { items: { revision: number }[] };
        return { template: JSON.stringify(o.spec.template).replace(/"kubectl\.kubernetes\.io\/restartedAt":"[^"]+"/g, '"<time>"'), revisions: revs.items.map((x) => x.revision).sort() };
      };
      assert.deepEqual(await view(ROLLSCOPE_NS), await view(KUBECTL_NS), kind);
      assert.match(await c.kubectlOk(['get', '-n', ROLLSCOPE_NS, `${type}/${name}`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), /^app:1$/);
    };
    await Promise.all([check('StatefulSet'), check('DaemonSet')]);
  });

  await t.test('errors: exit code, one line naming the object, and a hint', async () => {
    // In-process (no Node start-up per case): the command functions throw the TrackerError that
    // main.ts prints as `error: …` / `hint: …` and maps to the exit code.
    const flags = { kubeconfig: c.kubeconfig, namespace: ROLLSCOPE_NS, timeout: '10m' };
    const cases: readonly { readonly name: string; readonly run: () => Promise<number>; readonly exit: number; readonly error: RegExp }[] = [
      { name: 'unknown container', run: () => runSetImage('deployment/web', ['nope=x:1'], flags), exit: 3, error: /^deployment by-rollscope\/web has no container named "nope"$/ },
      { name: 'not CONTAINER=IMAGE', run: () => runSetImage('deployment/web', ['web'], flags), exit: 3, error: /^cannot read "web" as CONTAINER=IMAGE$/ },
      { name: 'unknown revision', run: () => runUndo('deployment/web', { ...flags, toRevision: '99' }), exit: 4, error: /^unable to find specified revision 99 in history$/ },
      { name: 'bad revision', run: () => runUndo('deployment/web', { ...flags, toRevision: 'x' }), exit: 3, error: /^--to-revision x is not a revision number$/ },
      { name: 'missing workload', run: () => runUndo('deployment/missing', flags), exit: 4, error: /^deployment missing not found in namespace by-rollscope$/ },
      { name: 'pause a StatefulSet', run: () => runAction('pause', 'statefulset/db', flags, pause), exit: 3, error: /^statefulsets\.apps "db" pausing is not supported$/ },
      { name: 'resume a DaemonSet', run: () => runAction('resume', 'daemonset/agent', flags, resume), exit: 3, error: /^daemonsets\.apps "agent" resuming is not supported$/ },
      { name: 'not a workload type', run: () => runAction('restart', 'configmap/x', flags, resume), exit: 3, error: /^rollscope restart does not support type "configmap" \(in configmap\/x\)$/ },
    ];
    for (const k of cases)
      await assert.rejects(k.run(), (e: unknown) => {
        assert.ok(isTrackerError(e), k.name);
        assert.match(e.message, k.error, k.name);
        assert.equal(exitCodeFor[e.code], k.exit, k.name);
        assert.ok((e.details.hint ?? '').length > 10, `${k.name}: a hint`);
        return true;
      });
    const cli = await c.rollscope(['set-image', 'deployment/web', 'nope=x:1', '-n', ROLLSCOPE_NS]);
    assert.equal(cli.code, 3);
    assert.match(cli.stderr, /^error: deployment by-rollscope\/web has no container named "nope"\nhint: containers: web;/);
    const remove = c.sim.faults.fail({ resource: 'deployments.apps', verb: 'patch' }, { code: 403 });
    try {
      const r = await c.rollscope(['restart', 'deployment/web', '-n', ROLLSCOPE_NS]);
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /^error: patch deployments\.apps in namespace by-rollscope failed: .*HTTP 403.*\nhint: grant verb "patch" on resource "deployments" in apiGroup "apps" via a Role in namespace by-rollscope/);
    } finally {
      remove();
    }
  });
});
