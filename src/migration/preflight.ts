import { boolField, fieldAt, isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';
import type { ResolvedChange } from './change.ts';
import { annotationsOf, labelsOf, nameOfObj, replicasOf, selectorOf, templateLabelsOf, uidOf } from './manifests.ts';
import type { PathChoice } from './path.ts';
import { COPY_LABEL } from './record.ts';
import { formatLabels, formatSelector, mapSelectorMatches, selectorMatches, type Labels } from './selector.ts';

/**
 * Pre-flight checks: pure rules over the objects of the Deployment's namespace, run once before a
 * migration starts. Each finding names the object and the fix. `error` stops the migration unless
 * `--force` (then it is reported as a warning), except the `hard` ones nothing can make safe.
 */
export interface Finding {
  readonly severity: 'error' | 'warning' | 'info';
  readonly check: 'kind' | 'paused' | 'owner' | 'copy-name' | 'coverage' | 'pdb' | 'hpa' | 'gitops' | 'overlap' | 'orphans';
  /** The object the finding is about, `kind/name`. */
  readonly object: string;
  readonly message: string;
  readonly fix: string;
  /** No --force can override it. */
  readonly hard?: boolean;
}

/** ServiceSpec is a Service's name and selector. */
export interface ServiceSpec {
  readonly name: string;
  readonly selector: Labels;
}

/** PreflightInput is what the checks look at. */
export interface PreflightInput {
  readonly deployment: Unstructured;
  readonly change: ResolvedChange;
  readonly choice: PathChoice;
  readonly minReady: number;
  readonly copyName: string;
  readonly services: readonly ServiceSpec[];
  /** PodDisruptionBudgets of the namespace (policy/v1). */
  readonly pdbs: readonly Unstructured[];
  /** HorizontalPodAutoscalers of the namespace (autoscaling/v2 or v1). */
  readonly hpas: readonly Unstructured[];
  /** Every Deployment of the namespace (the target among them is skipped). */
  readonly deployments: readonly Unstructured[];
  readonly replicaSets: readonly Unstructured[];
}

/** refuseKind explains why a workload kind cannot be migrated; null for Deployments. */
export function refuseKind(kind: string, name: string): Finding | null {
  if (kind === 'Deployment') return null;
  const object = `${kind.toLowerCase()}/${name}`;
  if (kind === 'StatefulSet')
    return {
      severity: 'error',
      check: 'kind',
      hard: true,
      object,
      message: `${object}: StatefulSets are not migrated: pods are adopted back by ordinal name and keep their PersistentVolumeClaims, so a temporary copy would need a second set of volumes and an orphan-recreate cannot prove the ordinals stay served`,
      fix: `in a maintenance window: kubectl delete statefulset ${name} --cascade=orphan, then apply it with the new selector (the pods must already carry the new labels)`,
    };
  if (kind === 'DaemonSet')
    return {
      severity: 'error',
      check: 'kind',
      hard: true,
      object,
      message: `${object}: DaemonSets are not migrated: a temporary copy would run a second pod on every node (colliding on hostPorts), and the recreated DaemonSet replaces pods node by node on its own schedule`,
      fix: `kubectl delete daemonset ${name} --cascade=orphan, then apply it with the new selector and the same pod template so it adopts the running pods`,
    };
  return { severity: 'error', check: 'kind', hard: true, object, message: `${object}: only Deployments have a selector rollscope can migrate`, fix: 'name a Deployment (deploy/NAME)' };
}

/** preflight runs every check (see the file comment). */
export function preflight(input: PreflightInput): Finding[] {
  const d = input.deployment;
  const name = nameOfObj(d);
  const ns = stringField(d, 'metadata.namespace');
  const me = `deployment/${name}`;
  const c = input.change;
  const out: Finding[] = [];

  if (boolField(d, 'spec.paused'))
    out.push({ severity: 'error', check: 'paused', hard: true, object: me, message: `${me} is paused: neither the copy nor the recreated Deployment would roll out`, fix: `kubectl rollout resume deployment/${name} -n ${ns}, then rerun` });

  const owner = controllerRef(d);
  if (owner !== null)
    out.push({ severity: 'error', check: 'owner', object: me, message: `${me} is controlled by ${owner}, which would recreate or fight the change`, fix: `change the selector through ${owner} instead` });

  const namesake = input.deployments.find((o) => nameOfObj(o) === input.copyName);
  if (namesake !== undefined && labelsOf(namesake)[COPY_LABEL] !== name)
    out.push({ severity: 'error', check: 'copy-name', hard: true, object: `deployment/${input.copyName}`, message: `deployment/${input.copyName} exists and is not a migration copy of ${me}`, fix: `rename or delete deployment/${input.copyName}` });

  // Services: keep every one that selects the pods today.
  const serving = input.services.filter((s) => mapSelectorMatches(s.selector, c.fromTemplateLabels));
  if (serving.length === 0) out.push({ severity: 'info', check: 'coverage', object: me, message: `no Service selects the pods of ${me}: there is no traffic to keep`, fix: 'none needed' });
  for (const s of serving) {
    if (mapSelectorMatches(s.selector, c.toTemplateLabels)) {
      out.push({ severity: 'info', check: 'coverage', object: `service/${s.name}`, message: `service/${s.name} (${formatLabels(s.selector)}) keeps selecting the pods; at least ${input.minReady} ready endpoints are kept throughout`, fix: 'none needed' });
      continue;
    }
    const lost = Object.keys(s.selector).filter((k) => c.toTemplateLabels[k] !== s.selector[k]);
    out.push({
      severity: 'error',
      check: 'coverage',
      object: `service/${s.name}`,
      message: `service/${s.name} selects ${lost.map((k) => `${k}=${s.selector[k]}`).join(',')}, which the migrated pods of ${me} will not carry: it would lose every endpoint`,
      fix: `change service/${s.name}'s selector first so it matches both old and new pods (e.g. drop ${lost.join(', ')}: kubectl patch service ${s.name} -n ${ns} --type json -p '[{"op":"remove","path":"/spec/selector/${(lost[0] ?? '').replace(/~/g, '~0').replace(/\//g, '~1')}"}]'), or pass --force`,
    });
  }

  for (const pdb of input.pdbs) {
    if (!selectorMatches(selectorOf(pdb), c.fromTemplateLabels)) continue;
    const object = `poddisruptionbudget/${nameOfObj(pdb)}`;
    const budget = describeBudget(pdb);
    if (input.choice.path === 'adopt') {
      out.push({ severity: 'info', check: 'pdb', object, message: `${object} (${budget}) covers the pods; this path deletes no pod outside the Deployment's own rolling update`, fix: 'none needed' });
      continue;
    }
    out.push({
      severity: 'error',
      check: 'pdb',
      object,
      message: `${object} (${budget}) covers the pods of ${me}, but the temporary-copy path deletes the Deployment and its pods outright, which bypasses the budget (only the Eviction API consults it)`,
      fix: `rollscope can hold the floor itself: rerun with --min-ready ${budgetFloor(pdb, replicasOf(d))} --force (ready endpoints never drop below it), or relax the budget for the migration`,
    });
  }

  for (const hpa of input.hpas) {
    if (stringField(hpa, 'spec.scaleTargetRef.kind') !== 'Deployment' || stringField(hpa, 'spec.scaleTargetRef.name') !== name) continue;
    const object = `horizontalpodautoscaler/${nameOfObj(hpa)}`;
    out.push({
      severity: 'info',
      check: 'hpa',
      object,
      message: `${object} targets ${me}: the recreated Deployment keeps the name (the HPA keeps targeting it) and starts at the live replica count, ${replicasOf(d)}${input.choice.path === 'copy' ? '; the copy is not autoscaled' : ''}; while no Deployment exists the HPA reports FailedGetScale`,
      fix: 'none needed',
    });
  }

  out.push(...gitopsFindings(d, me, ns));

  for (const other of input.deployments) {
    if (uidOf(other) === uidOf(d) || nameOfObj(other) === input.copyName) continue;
    const otherName = `deployment/${nameOfObj(other)}`;
    const theirPods = selectorMatches(c.toSelector, templateLabelsOf(other));
    const ourPods = selectorMatches(selectorOf(other), c.toTemplateLabels);
    if (!theirPods && !ourPods) continue;
    out.push({
      severity: 'error',
      check: 'overlap',
      object: otherName,
      message: theirPods
        ? `the new selector ${formatSelector(c.toSelector)} of ${me} would also match the pods of ${otherName} (${formatLabels(templateLabelsOf(other))})`
        : `${otherName}'s selector ${formatSelector(selectorOf(other))} would also match the migrated pods of ${me} (${formatLabels(c.toTemplateLabels)})`,
      fix: `overlapping selectors make controllers fight over pods; choose labels that tell ${me} and ${otherName} apart (e.g. add app.kubernetes.io/name=${name} to the change)`,
    });
  }

  const foreignOrphans = input.replicaSets.filter((rs) => controllerRef(rs) === null && selectorMatches(c.toSelector, labelsOf(rs)) && !nameOfObj(rs).startsWith(`${name}-`));
  for (const rs of foreignOrphans)
    out.push({
      severity: 'error',
      check: 'orphans',
      object: `replicaset/${nameOfObj(rs)}`,
      message: `replicaset/${nameOfObj(rs)} has no owner and matches the new selector: the recreated ${me} would adopt it and scale it`,
      fix: `delete replicaset/${nameOfObj(rs)} or relabel it, then rerun`,
    });
  return out;
}

/** blockers are the findings that stop a migration: errors, unless forced (hard ones always). */
export function blockers(findings: readonly Finding[], force: boolean): Finding[] {
  return findings.filter((f) => f.severity === 'error' && (!force || f.hard === true));
}

/** downgrade turns forced errors into warnings, for reporting. */
export function downgrade(findings: readonly Finding[], force: boolean): Finding[] {
  return findings.map((f) => (force && f.severity === 'error' && f.hard !== true ? { ...f, severity: 'warning' } : f));
}

function controllerRef(o: Unstructured): string | null {
  const refs = fieldAt(o, 'metadata.ownerReferences');
  if (!Array.isArray(refs)) return null;
  for (const r of refs as unknown[]) if (isUnstructured(r) && r.controller === true) return `${String(r.kind).toLowerCase()}/${String(r.name)}`;
  return null;
}

function describeBudget(pdb: Unstructured): string {
  const min = fieldAt(pdb, 'spec.minAvailable');
  const max = fieldAt(pdb, 'spec.maxUnavailable');
  if (typeof min === 'number' || typeof min === 'string') return `minAvailable ${min}`;
  if (typeof max === 'number' || typeof max === 'string') return `maxUnavailable ${max}`;
  return 'no limit set';
}

/** budgetFloor is the number of pods a budget wants available (percentages round up, as the disruption controller does). */
function budgetFloor(pdb: Unstructured, replicas: number): number {
  const pct = (v: string): number => Math.ceil((Number(v.replace('%', '')) * replicas) / 100);
  const min = fieldAt(pdb, 'spec.minAvailable');
  if (typeof min === 'number') return min;
  if (typeof min === 'string') return min.endsWith('%') ? pct(min) : Number(min) || 0;
  const max = fieldAt(pdb, 'spec.maxUnavailable');
  if (typeof max === 'number') return Math.max(0, replicas - max);
  if (typeof max === 'string') return Math.max(0, replicas - (max.endsWith('%') ? pct(max) : Number(max) || 0));
  return 0;
}

/**
 * gitopsFindings names a GitOps or packaging owner that would put the old selector back: Argo CD
 * (annotation `argocd.argoproj.io/tracking-id` `app:group/Kind:ns/name`, or the legacy tracking
 * label `app.kubernetes.io/instance`), Flux (labels `kustomize.toolkit.fluxcd.io/{name,namespace}`,
 * `helm.toolkit.fluxcd.io/{name,namespace}`), Helm (annotations `meta.helm.sh/release-{name,namespace}`).
 */
export function gitopsFindings(d: Unstructured, me: string, ns: string): Finding[] {
  const a = annotationsOf(d);
  const l = labelsOf(d);
  const out: Finding[] = [];
  const argo = (app: string, how: string): Finding => ({
    severity: 'error',
    check: 'gitops',
    object: me,
    message: `${me} is managed by Argo CD application ${app} (${how}): its next sync would put the old selector back — failing on the immutable field, or with Replace=true deleting and recreating the Deployment`,
    fix: `change spec.selector and the pod template labels in ${app}'s source repository first, and turn off auto-sync for the migration (argocd app set ${app} --sync-policy none; re-enable after), then rerun`,
  });
  const tracking = a['argocd.argoproj.io/tracking-id'];
  const helmRelease = a['meta.helm.sh/release-name'];
  if (tracking !== undefined) out.push(argo(tracking.split(':')[0] ?? tracking, `annotation argocd.argoproj.io/tracking-id=${tracking}`));
  else if (l['app.kubernetes.io/instance'] !== undefined && helmRelease === undefined && l['app.kubernetes.io/managed-by'] !== 'Helm')
    out.push(argo(l['app.kubernetes.io/instance'], `tracking label app.kubernetes.io/instance=${l['app.kubernetes.io/instance']}`));
  const ks = l['kustomize.toolkit.fluxcd.io/name'];
  if (ks !== undefined) {
    const where = `${l['kustomize.toolkit.fluxcd.io/namespace'] ?? ns}/${ks}`;
    out.push({
      severity: 'error',
      check: 'gitops',
      object: me,
      message: `${me} is applied by Flux Kustomization ${where}: its next reconcile would put the old selector back (or, with force, delete and recreate it)`,
      fix: `change the selector and pod template labels in the Kustomization's source, and suspend it meanwhile: flux suspend kustomization ${ks} -n ${where.split('/')[0] ?? ns} (resume after), then rerun`,
    });
  }
  const hr = l['helm.toolkit.fluxcd.io/name'];
  if (hr !== undefined) {
    const where = `${l['helm.toolkit.fluxcd.io/namespace'] ?? ns}/${hr}`;
    out.push({
      severity: 'error',
      check: 'gitops',
      object: me,
      message: `${me} is released by Flux HelmRelease ${where}: its next upgrade would put the old selector back`,
      fix: `change the chart's selector (values or templates) in the HelmRelease's source and suspend it meanwhile: flux suspend helmrelease ${hr} -n ${where.split('/')[0] ?? ns}, then rerun`,
    });
  } else if (helmRelease !== undefined) {
    const where = `${a['meta.helm.sh/release-namespace'] ?? ns}/${helmRelease}`;
    out.push({
      severity: 'error',
      check: 'gitops',
      object: me,
      message: `${me} belongs to Helm release ${where}: the next helm upgrade would try to put the old selector back and fail on the immutable field`,
      fix: `change the selector and pod labels in the chart (values or templates) so the next helm upgrade renders the new selector, then rerun with --force`,
    });
  }
  return out;
}
