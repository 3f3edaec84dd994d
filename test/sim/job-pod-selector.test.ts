// The tracker's server-side Pod label selector (controllers/tracker/watch-set.ts
// TRACKER_LABEL_SELECTORS: `!batch.kubernetes.io/controller-uid,!controller-uid`) against the
// simulated API server, witnessed by the real kubectl: every label selector form
// (k8s.io/apimachinery pkg/labels/selector.go: `key`, `!key`, `=`, `==`, `!=`, `in`, `notin`)
// selects the same pods for kubectl's LIST as for ours; a Job's pods (labelled by the API server's
// Job strategy) never reach the tracker's Pod watch, not a byte, while they are created, run,
// finish and are deleted; a pod that gains a Job label leaves the watch as DELETED carrying the last
// state the watch selected, and comes back as ADDED when the label goes (k8s.io/apiserver
// pkg/storage/cacher/cache_watcher.go convertToWatchEvent).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRACKER_LABEL_SELECTORS } from '../../src/controllers/tracker/watch-set.ts';
import { createClusterInformers } from '../../src/kube/cluster-informers.ts';
import { isTombstone } from '../../src/kube/delta.ts';
import { loadKubeConfig } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/types.ts';
import { eventually, startCluster } from './kubectl-support.ts';

const SELECTOR = TRACKER_LABEL_SELECTORS.Pod ?? '';
const NS = 'default';

function pod(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels }, spec: { containers: [{ name: 'app', image: 'registry.local/app:1' }] } };
}

// A Job's pod since Kubernetes 1.27 (both label pairs), one of an older server (legacy pair only),
// and pods of workloads, one with a look-alike prefixed key.
const PODS: readonly KubeObject[] = [
  pod('job-new', { 'batch.kubernetes.io/controller-uid': 'u1', 'batch.kubernetes.io/job-name': 'j1', 'controller-uid': 'u1', 'job-name': 'j1' }),
  pod('job-legacy', { 'controller-uid': 'u2', 'job-name': 'j2' }),
  pod('web', { app: 'web', 'pod-template-hash': 'abc', tier: 'front' }),
  pod('db', { app: 'db', tier: 'back' }),
  pod('lookalike', { app: 'web', 'example.com/controller-uid': 'x' }),
];

const ROWS: readonly { readonly selector: string; readonly names: readonly string[] }[] = [
  { selector: SELECTOR, names: ['db', 'lookalike', 'web'] },
  { selector: '!controller-uid', names: ['db', 'lookalike', 'web'] },
  { selector: '!batch.kubernetes.io/controller-uid', names: ['db', 'job-legacy', 'lookalike', 'web'] },
  { selector: 'controller-uid', names: ['job-legacy', 'job-new'] },
  { selector: 'app=web', names: ['lookalike', 'web'] },
  { selector: 'app==web,tier', names: ['web'] },
  { selector: 'app!=web', names: ['db', 'job-legacy', 'job-new'] },
  { selector: 'tier in (front, back)', names: ['db', 'web'] },
  { selector: 'tier notin (front)', names: ['db', 'job-legacy', 'job-new', 'lookalike'] },
  { selector: 'app,!tier', names: ['lookalike'] },
];

const namesOf = (out: string): string[] => out.split(/\s+/).filter((n) => n !== '').sort();

test('the tracker Pod label selector: kubectl and the informers select the same pods; Job pods never reach the watch', async (t) => {
  const c = await startCluster(t);
  if (!c) return;
  t.after(() => c.stop());
  for (const p of PODS) c.sim.store.create('pods', p);
  const kubeConfig = loadKubeConfig({ kubeconfig: c.kubeconfig });

  await t.test('kubectl get pods -l <selector> and our LIST agree, for every operator', async () => {
    for (const row of ROWS) {
      const out = await c.kubectlOk(['get', 'pods', '-n', NS, '-l', row.selector, '-o', 'jsonpath={.items[*].metadata.name}']);
      assert.deepEqual(namesOf(out), row.names, `kubectl -l ${row.selector}`);
      const ours = createClusterInformers({ kubeConfig, kinds: ['Pod'], labelSelectors: { Pod: row.selector } });
      const stop = new AbortController();
      const running = ours.start(stop.signal);
      await eventually(`our list with ${row.selector}`, () => (ours.hasSynced() ? true : undefined));
      stop.abort();
      await running;
      assert.deepEqual(ours.list('Pod').map((p) => p.name).sort(), row.names, `our LIST with ${row.selector}`);
    }
    const bad = await c.kubectl(['get', 'pods', '-l', '!controller-uid=x']);
    assert.notEqual(bad.code, 0, 'a DoesNotExist clause takes no value');
  });

  await t.test('a Job runs and is deleted without a byte on the selected Pod watch; a label move is DELETED, then ADDED', async () => {
    const informers = createClusterInformers({ kubeConfig, kinds: ['Pod'], labelSelectors: TRACKER_LABEL_SELECTORS });
    const seen: string[] = [];
    informers.onDelta((d) => {
      if (d.kind !== 'Pod') return;
      const o = d.delta.object;
      if (isTombstone(o)) return;
      seen.push(`${d.delta.type} ${o.name}${Object.hasOwn(o.labels, 'controller-uid') ? ' (labelled)' : ''}`);
    });
    const stop = new AbortController();
    const running = informers.start(stop.signal);
    try {
      await eventually('the first list', () => (informers.hasSynced() ? true : undefined));
      assert.deepEqual(informers.list('Pod').map((p) => p.name).sort(), ['db', 'lookalike', 'web']);
      await eventually('the watch to open', () => (c.sim.accounting.requests({ verb: 'watch', resource: 'pods' }) >= 1 ? true : undefined));
      // The workload pods settle (scheduled, pulled, running): wait until a quiet spell on the watch.
      let last = -1;
      await eventually('the selected pods to settle', async () => {
        const now = c.sim.accounting.bytes({ verb: 'watch', resource: 'pods' });
        const quiet = now === last && c.sim.store.list('pods', { namespace: NS, labelSelector: SELECTOR }).every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
        last = now;
        if (quiet) return true;
        await new Promise((r) => setTimeout(r, 300));
        return undefined;
      }, 20_000);
      seen.length = 0;
      const before = c.sim.accounting.bytes({ verb: 'watch', resource: 'pods' });
      await c.kubectlOk(['create', 'job', 'migrate', '--image', 'tools/migrate:1']);
      await eventually('the Job to complete', async () => ((await c.kubectlOk(['get', 'job', 'migrate', '-o', 'jsonpath={.status.succeeded}'])) === '1' ? true : undefined), 20_000);
      const jobPods = namesOf(await c.kubectlOk(['get', 'pods', '-l', 'job-name=migrate', '-o', 'jsonpath={.items[*].metadata.name}']));
      assert.equal(jobPods.length, 1, 'the Job ran a pod');
      const jobPod = c.sim.store.get('pods', NS, jobPods[0] ?? '');
      assert.ok(jobPod?.metadata.labels?.['batch.kubernetes.io/controller-uid'] && jobPod.metadata.labels['controller-uid'], 'the API server labelled the Job pod with both uid labels');
      await c.kubectlOk(['delete', 'job', 'migrate', '--cascade=foreground', '--wait=true']);
      await eventually('the Job pod to be gone', () => (c.sim.store.get('pods', NS, jobPods[0] ?? '') === undefined ? true : undefined));
      assert.equal(c.sim.accounting.bytes({ verb: 'watch', resource: 'pods' }), before, 'no Job pod frame crossed the wire');
      assert.deepEqual(seen, []);

      await c.kubectlOk(['label', 'pod', 'web', 'controller-uid=manual']);
      await c.kubectlOk(['label', 'pod', 'web', 'controller-uid-']);
      await eventually('the label move out and back', () => (seen.length >= 2 ? true : undefined));
      assert.deepEqual(seen, ['DELETED web', 'ADDED web'], 'the DELETED carries the last selected state (no Job label)');
      assert.ok(c.sim.accounting.bytes({ verb: 'watch', resource: 'pods' }) > before, 'and it did cross the wire');
      assert.deepEqual(informers.list('Pod').map((p) => p.name).sort(), ['db', 'lookalike', 'web']);
    } finally {
      stop.abort();
      await running;
    }
  });
});
