import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Unstructured } from '../track/status/fields.ts';
import { parseChange, type ChangeFlags } from './change.ts';
import { blockers, downgrade, preflight, refuseKind, type Finding, type PreflightInput } from './preflight.ts';
import { propose } from './propose.ts';

function deployment(name: string, selector: Record<string, string>, template: Record<string, string>, meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Unstructured {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, ...meta },
    spec: { replicas: 3, selector: { matchLabels: selector }, template: { metadata: { labels: template }, spec: {} } },
  };
}

function run(flags: ChangeFlags, over: Partial<PreflightInput> = {}, d = deployment('web', { app: 'web', version: 'v1' }, { app: 'web', version: 'v1' })): Finding[] {
  const change = parseChange(flags);
  assert.ok(change.ok);
  const p = propose(d, { id: 'x', change: change.value });
  return preflight({ deployment: d, change: p.change, choice: p.choice, minReady: p.minReady, copyName: 'web-migrating', services: [{ name: 'web', selector: { app: 'web' } }], pdbs: [], hpas: [], deployments: [d], replicaSets: [], ...over });
}

const errors = (f: readonly Finding[]): string[] => f.filter((x) => x.severity === 'error').map((x) => `${x.check} ${x.object}`);

test('a plain add passes with the Service kept and no errors', () => {
  const f = run({ addLabel: ['tier=frontend'], removeLabel: [] });
  assert.deepEqual(errors(f), []);
  assert.ok(f.some((x) => x.check === 'coverage' && x.object === 'service/web' && x.severity === 'info'));
});

test('a Service that selects the changing key would lose coverage: error naming it and the fix', () => {
  const f = run({ addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }, { services: [{ name: 'web-v1', selector: { app: 'web', version: 'v1' } }] });
  const e = f.find((x) => x.check === 'coverage' && x.severity === 'error');
  assert.ok(e);
  assert.equal(e.object, 'service/web-v1');
  assert.match(e.message, /selects version=v1, which the migrated pods of deployment\/web will not carry/);
  assert.match(e.fix, /kubectl patch service web-v1 -n shop --type json .*\/spec\/selector\/version/);
});

test('a PDB stops the copy path (deletion bypasses it) but not the adopt path', () => {
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } };
  const copy = run({ addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }, { pdbs: [pdb] });
  const e = copy.find((x) => x.check === 'pdb');
  assert.equal(e?.severity, 'error');
  assert.equal(e?.object, 'poddisruptionbudget/web-pdb');
  assert.match(e?.fix ?? '', /--min-ready 2 --force/);
  const adopt = run({ addLabel: ['tier=fe'], removeLabel: [] }, { pdbs: [pdb] });
  assert.equal(adopt.find((x) => x.check === 'pdb')?.severity, 'info');
});

test('an HPA targeting the Deployment is reported with the live count carried', () => {
  const hpa = { kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } };
  const f = run({ addLabel: ['tier=fe'], removeLabel: [] }, { hpas: [hpa] });
  const h = f.find((x) => x.check === 'hpa');
  assert.equal(h?.severity, 'info');
  assert.match(h?.message ?? '', /keeps the name .* live replica count, 3/);
});

test('GitOps owners: Argo CD, Flux and Helm each named with how to update the source', () => {
  const cases: [{ labels?: Record<string, string>; annotations?: Record<string, string> }, RegExp, RegExp][] = [
    [{ annotations: { 'argocd.argoproj.io/tracking-id': 'shop-app:apps/Deployment:shop/web' } }, /Argo CD application shop-app/, /argocd app set shop-app --sync-policy none/],
    [{ labels: { 'app.kubernetes.io/instance': 'shop-app' } }, /Argo CD application shop-app \(tracking label/, /source repository/],
    [{ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, /Flux Kustomization flux-system\/apps/, /flux suspend kustomization apps -n flux-system/],
    [{ labels: { 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'shop' }, annotations: { 'meta.helm.sh/release-name': 'web' } }, /Flux HelmRelease shop\/web/, /flux suspend helmrelease web -n shop/],
    [{ labels: { 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'shop' } }, /Helm release shop\/web/, /helm upgrade/],
  ];
  for (const [meta, message, fix] of cases) {
    const d = deployment('web', { app: 'web' }, { app: 'web' }, meta);
    const g = run({ addLabel: ['tier=fe'], removeLabel: [] }, { deployments: [d] }, d).filter((x) => x.check === 'gitops');
    assert.equal(g.length, 1, JSON.stringify(meta));
    assert.match(g[0]!.message, message);
    assert.match(g[0]!.fix, fix);
  }
});

test('overlapping selectors with another Deployment stop the pre-flight, naming it', () => {
  const me = deployment('web', { app: 'web', version: 'v1' }, { app: 'web', version: 'v1' });
  const sibling = deployment('web-v2', { app: 'web', version: 'v2' }, { app: 'web', version: 'v2' });
  const f = run({ addLabel: [], removeLabel: ['version'] }, { deployments: [me, sibling] }, me);
  assert.deepEqual(errors(f), ['overlap deployment/web-v2']);
  assert.match(f.find((x) => x.check === 'overlap')!.message, /new selector app=web of deployment\/web would also match the pods of deployment\/web-v2/);
  const unrelated = deployment('api', { app: 'api' }, { app: 'api' });
  assert.deepEqual(errors(run({ addLabel: [], removeLabel: ['version'] }, { deployments: [me, unrelated] }, me)), []);
});

test('--force downgrades errors to warnings, except the hard ones', () => {
  const f = run({ addLabel: [], removeLabel: [], setSelector: 'app=web,version=v2' }, { services: [{ name: 'v1', selector: { app: 'web', version: 'v1' } }], deployments: [deployment('web-migrating', { a: 'b' }, { a: 'b' })] });
  assert.deepEqual(blockers(f, false).map((x) => x.check).sort(), ['copy-name', 'coverage']);
  assert.deepEqual(blockers(f, true).map((x) => x.check), ['copy-name']);
  assert.equal(downgrade(f, true).find((x) => x.check === 'coverage')?.severity, 'warning');
});

test('StatefulSets and DaemonSets are refused with a reason', () => {
  assert.match(refuseKind('StatefulSet', 'db')?.message ?? '', /PersistentVolumeClaims/);
  assert.match(refuseKind('DaemonSet', 'agent')?.message ?? '', /every node/);
  assert.equal(refuseKind('Deployment', 'web'), null);
});
