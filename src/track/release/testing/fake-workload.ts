// FakeWorkload: a record-level stand-in for the Deployment/StatefulSet/DaemonSet controllers, just
// enough to script tracker scenarios: every action returns the TrackerDeltas a real watch would
// deliver (workload, ReplicaSets/ControllerRevisions, pods), with Kubernetes' revision rules
// (new revision = max + 1; a template equal to an old revision re-promotes it, kubernetes.md §1.5).
import type { TrackerDelta } from '../../tracker.ts';
import type { ManagerRecord, PodRecord, PodTemplateRecord, ReplicaSetRecord, ControllerRevisionRecord, WorkloadRecord } from '../../../model/records.ts';
import { condition, controllerRevision, manager, nextRv, pod, replicaSet, T0, template, workload, type PodSpec, type TemplateSpec } from './builders.ts';

type Revision = ReplicaSetRecord | ControllerRevisionRecord;

/** FakeWorkload scripts one workload's life as watch deltas. */
export class FakeWorkload {
  w: WorkloadRecord;
  readonly revisions = new Map<string, Revision>(); // by template fingerprint
  time: number;
  #podSeq = 0;

  constructor(opts: { kind?: WorkloadRecord['kind']; uid?: string; name?: string; replicas?: number; time?: number } = {}) {
    this.time = opts.time ?? T0;
    this.w = workload({ kind: opts.kind ?? 'Deployment', uid: opts.uid ?? 'uid-web', name: opts.name ?? 'web', replicas: opts.kind === 'DaemonSet' ? null : (opts.replicas ?? 3), template: template({ images: { app: 'nginx:1.0' } }) });
  }

  get kind(): WorkloadRecord['kind'] {
    return this.w.kind;
  }

  #tick(): number {
    this.time += 1000;
    return this.time;
  }

  #write(patch: Partial<WorkloadRecord>): TrackerDelta {
    this.w = { ...this.w, ...patch, resourceVersion: nextRv() };
    return { type: 'MODIFIED', record: this.w };
  }

  #managers(name: string, opts: { template?: boolean; replicas?: boolean; subresource?: string }): readonly ManagerRecord[] {
    const entry = manager(name, this.#tick(), opts);
    return [...this.w.managers.filter((m) => !(m.manager === entry.manager && m.subresource === entry.subresource)), entry];
  }

  /** create: the workload appears (manager `kubectl-create`). */
  create(spec: TemplateSpec, by = 'kubectl-create'): TrackerDelta[] {
    this.w = { ...this.w, template: template(spec), managers: [manager(by, this.#tick(), { template: true, replicas: true })], resourceVersion: nextRv() };
    return [{ type: 'ADDED', record: this.w }];
  }

  /** setTemplate: someone edits the pod template (generation + 1). */
  setTemplate(spec: TemplateSpec, by: string, annotations: Readonly<Record<string, string>> = this.w.annotations): TrackerDelta[] {
    return [this.#write({ template: template(spec), generation: this.w.generation + 1, managers: this.#managers(by, { template: true }), annotations })];
  }

  /** scale: replicas change, through the scale subresource unless `subresource` is '' (a plain Update of spec.replicas). */
  scale(replicas: number, by = 'horizontal-pod-autoscaler', subresource = 'scale'): TrackerDelta[] {
    return [this.#write({ replicas, generation: this.w.generation + 1, managers: this.#managers(by, { replicas: true, subresource }) })];
  }

  pause(paused: boolean, by = 'kubectl-rollout'): TrackerDelta[] {
    return [this.#write({ paused, generation: this.w.generation + 1, managers: this.#managers(by, {}) })];
  }

  /** sync: the controller observes the spec; unless paused, activates the template (new or re-promoted revision). */
  sync(): TrackerDelta[] {
    const out: TrackerDelta[] = [];
    const fp = this.w.template.fingerprint;
    const max = Math.max(0, ...[...this.revisions.values()].map((r) => (r.kind === 'ReplicaSet' ? Number(r.revision) : r.revision)));
    const existing = this.revisions.get(fp);
    const current = existing && (existing.kind === 'ReplicaSet' ? Number(existing.revision) : existing.revision) === max;
    if (!this.w.paused && !current) {
      let rev: Revision;
      if (this.kind === 'Deployment') {
        const old = existing as ReplicaSetRecord | undefined;
        rev = old
          ? { ...old, resourceVersion: nextRv(), revision: String(max + 1), annotations: { ...old.annotations, 'deployment.kubernetes.io/revision': String(max + 1), 'deployment.kubernetes.io/revision-history': old.revision } }
          : replicaSet(this.w, max + 1, this.w.template, { created: this.#tick() });
      } else {
        const old = existing as ControllerRevisionRecord | undefined;
        rev = old ? { ...old, resourceVersion: nextRv(), revision: max + 1 } : controllerRevision(this.w, max + 1, this.w.template, { created: this.#tick() });
      }
      this.revisions.set(fp, rev);
      out.push({ type: existing ? 'MODIFIED' : 'ADDED', record: rev });
    }
    const annotations = this.kind === 'Deployment' && !this.w.paused ? { ...this.w.annotations, 'deployment.kubernetes.io/revision': String(this.currentRevisionNumber()) } : this.w.annotations;
    const activated = out.length > 0;
    const status = {
      ...this.w.status,
      observedGeneration: this.w.generation,
      // A new revision starts with no updated pods; a DaemonSet wants one pod on each of 2 nodes.
      updatedReplicas: activated || (this.w.paused && !current) ? 0 : this.w.status.updatedReplicas,
      replicas: this.kind === 'DaemonSet' ? 2 : this.w.status.replicas,
      updateRevision: this.currentRevision()?.name ?? '',
    };
    out.push(this.#write({ annotations, status }));
    return out;
  }

  currentRevision(): Revision | undefined {
    return this.revisions.get(this.w.template.fingerprint);
  }

  currentRevisionNumber(): number {
    const r = this.currentRevision();
    return r === undefined ? 0 : r.kind === 'ReplicaSet' ? Number(r.revision) : r.revision;
  }

  /** pods: new pods of the current revision in the given state. */
  pods(n: number, spec: Omit<PodSpec, 'name'>): TrackerDelta[] {
    const r = this.currentRevision();
    if (!r) throw new Error('no current revision');
    const hash = r.kind === 'ReplicaSet' ? r.templateHash : r.labels['controller-revision-hash']!;
    const owner = r.kind === 'ReplicaSet' ? { kind: 'ReplicaSet', name: r.name, uid: r.uid } : { kind: this.kind, name: this.w.name, uid: this.w.uid };
    const out: TrackerDelta[] = [];
    for (let i = 0; i < n; i++) out.push({ type: 'ADDED', record: this.pod(owner, hash, { ...spec, name: `${r.name}-p${++this.#podSeq}` }) });
    return out;
  }

  pod(owner: { kind: string; name: string; uid: string }, hash: string, spec: PodSpec): PodRecord {
    return pod(owner, hash, spec);
  }

  /** complete: status reports the rollout done (all replicas updated, available, old ones gone). */
  complete(): TrackerDelta[] {
    const n = this.w.kind === 'DaemonSet' ? 2 : (this.w.replicas ?? 1);
    const rev = this.currentRevision()?.name ?? '';
    return [
      this.#write({
        status: {
          ...this.w.status,
          observedGeneration: this.w.generation,
          replicas: n,
          updatedReplicas: n,
          readyReplicas: n,
          availableReplicas: n,
          unavailableReplicas: 0,
          currentRevision: rev,
          updateRevision: rev,
          conditions: [condition('Available', 'True', 'MinimumReplicasAvailable'), condition('Progressing', 'True', 'NewReplicaSetAvailable')],
        },
      }),
    ];
  }

  /** deadline: Progressing=False ProgressDeadlineExceeded. */
  deadline(): TrackerDelta[] {
    const msg = `ReplicaSet "${this.currentRevision()?.name ?? ''}" has timed out progressing.`;
    return [this.#write({ status: { ...this.w.status, conditions: [condition('Progressing', 'False', 'ProgressDeadlineExceeded', msg)] } })];
  }

  delete(): TrackerDelta[] {
    return [{ type: 'DELETED', record: this.w }];
  }

  /** relist: every current object again, unchanged (same resourceVersions). */
  relist(): TrackerDelta[] {
    return [{ type: 'MODIFIED', record: this.w }, ...[...this.revisions.values()].map((r): TrackerDelta => ({ type: 'MODIFIED', record: r })), { type: 'synced' }];
  }

  templateOf(spec: TemplateSpec): PodTemplateRecord {
    return template(spec);
  }
}
