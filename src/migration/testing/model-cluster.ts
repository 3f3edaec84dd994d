// A tiny in-memory model of the parts of Kubernetes a selector migration touches, for table tests
// of the pure planner: Deployments (adopt/release by selector, new ReplicaSet = template equal
// ignoring pod-template-hash, annotations copied to the new ReplicaSet, surge-then-drain rollout),
// ReplicaSets (pods created not ready, ready one tick later), deletion with Orphan/Background
// propagation and UID preconditions, merge patches, and Services' ready endpoints. It advances in
// ticks; it is NOT the simulator (the e2e tests use that) — it exists so the planner can be driven
// through every path and every crash point in milliseconds.
import type { Unstructured } from '../../track/status/fields.ts';
import { annotationsOf, controllerUidOf, labelsOf, nameOfObj, replicasOf, selectorOf, templateLabelsOf, uidOf } from '../manifests.ts';
import type { Observed, PodObs } from '../observed.ts';
import { mapSelectorMatches, selectorMatches, type Labels } from '../selector.ts';
import type { ApiCall } from '../steps.ts';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

interface Pod {
  name: string;
  labels: Labels;
  ownerUid: string;
  ready: boolean;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);
const hashOf = (labels: Labels, image: string): string => {
  let h = 5381;
  const text = JSON.stringify([Object.entries(labels).filter(([k]) => k !== 'pod-template-hash').sort(), image]);
  for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
  return h.toString(36).slice(0, 6);
};
const imageOf = (o: unknown): string => JSON.stringify((o as { spec?: { template?: { spec?: unknown } } }).spec?.template?.spec ?? null);
const without = (l: Labels, key: string): Labels => Object.fromEntries(Object.entries(l).filter(([k]) => k !== key));

/** ModelCluster is one namespace of the model. */
export class ModelCluster {
  readonly namespace = 'shop';
  readonly deployments = new Map<string, Obj>();
  readonly replicaSets = new Map<string, Obj>();
  readonly pods = new Map<string, Pod>();
  readonly services = new Map<string, Labels>();
  /** Names of every object ever created, in order (for "no leftovers" assertions). */
  readonly writes: string[] = [];
  #uid = 0;
  #pod = 0;

  #nextUid(): string {
    return `uid-${++this.#uid}`;
  }

  /** addDeployment creates a Deployment and settles it (its pods ready). */
  addDeployment(name: string, selector: Labels, templateLabels: Labels, replicas: number, extra: { strategy?: unknown; annotations?: Labels; labels?: Labels } = {}): void {
    this.apply({
      method: 'POST',
      path: `/apis/apps/v1/namespaces/${this.namespace}/deployments`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: this.namespace, labels: extra.labels ?? {}, annotations: extra.annotations ?? {} },
        spec: { replicas, selector: { matchLabels: selector }, ...(extra.strategy ? { strategy: extra.strategy } : {}), template: { metadata: { labels: templateLabels }, spec: { containers: [{ name: 'app', image: 'web:1' }] } } },
      },
    });
    for (let i = 0; i < 6; i++) this.tick();
  }

  /** apply performs one API call; throws on a failed precondition or a name clash (as the API server answers 409/404). */
  apply(call: ApiCall): void {
    const parts = call.path.split('/');
    const resource = parts[6] ?? '';
    const name = parts[7];
    const store = resource === 'deployments' ? this.deployments : this.replicaSets;
    if (call.method === 'POST') {
      const body = clone(call.body) as Obj;
      const n = nameOfObj(body);
      if (store.has(n)) throw new Error(`409 AlreadyExists ${resource}/${n}`);
      body.metadata = { ...body.metadata, uid: this.#nextUid(), generation: 1, resourceVersion: '1' };
      store.set(n, body);
      this.writes.push(`create ${resource}/${n}`);
      return;
    }
    const cur = name === undefined ? undefined : store.get(name);
    if (cur === undefined) throw new Error(`404 NotFound ${resource}/${name ?? ''}`);
    if (call.method === 'PATCH') {
      const body = call.body as { metadata?: { resourceVersion?: string } };
      if (body.metadata?.resourceVersion !== undefined && body.metadata.resourceVersion !== cur.metadata.resourceVersion) throw new Error('409 Conflict');
      const next = mergePatch(cur, { ...(call.body as object), metadata: { ...(body.metadata ?? {}), resourceVersion: null } }) as Obj;
      const specChanged = JSON.stringify(next.spec) !== JSON.stringify(cur.spec) || JSON.stringify(annotationsOf(next)) !== JSON.stringify(annotationsOf(cur));
      next.metadata.resourceVersion = String(Number(cur.metadata.resourceVersion) + 1);
      if (specChanged && resource === 'deployments') next.metadata.generation = Number(cur.metadata.generation) + 1;
      store.set(nameOfObj(cur), next);
      return;
    }
    if (call.method === 'DELETE') {
      const opts = call.body as { propagationPolicy?: string; preconditions?: { uid?: string } };
      if (opts.preconditions?.uid !== undefined && opts.preconditions.uid !== uidOf(cur)) throw new Error('409 Conflict: precondition failed');
      store.delete(nameOfObj(cur));
      this.writes.push(`delete ${resource}/${nameOfObj(cur)} ${opts.propagationPolicy ?? ''}`);
      if (opts.propagationPolicy === 'Orphan') {
        for (const rs of this.replicaSets.values()) if (controllerUidOf(rs) === uidOf(cur)) rs.metadata.ownerReferences = [];
        for (const p of this.pods.values()) if (p.ownerUid === uidOf(cur)) p.ownerUid = '';
      }
    }
  }

  /** tick runs the garbage collector and every controller once; pods created in an earlier tick become ready. */
  tick(): void {
    const live = new Set([...this.deployments.values(), ...this.replicaSets.values()].map(uidOf));
    for (const [n, rs] of this.replicaSets) if (controllerUidOf(rs) !== '' && !live.has(controllerUidOf(rs))) this.replicaSets.delete(n);
    for (const [n, p] of this.pods) if (p.ownerUid !== '' && !new Set([...this.replicaSets.values()].map(uidOf)).has(p.ownerUid)) this.pods.delete(n);
    for (const p of this.pods.values()) p.ready = true;
    for (const d of this.deployments.values()) this.#syncDeployment(d);
    for (const rs of this.replicaSets.values()) this.#syncReplicaSet(rs);
    for (const d of this.deployments.values()) this.#status(d);
  }

  #owned(d: Obj): Obj[] {
    const uid = uidOf(d);
    const out: Obj[] = [];
    for (const rs of this.replicaSets.values()) {
      const owner = controllerUidOf(rs);
      if (owner === uid) {
        if (selectorMatches(selectorOf(d), labelsOf(rs))) out.push(rs);
        else rs.metadata.ownerReferences = [];
      } else if (owner === '' && selectorMatches(selectorOf(d), labelsOf(rs))) {
        rs.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: nameOfObj(d), uid, controller: true }];
        out.push(rs);
      }
    }
    return out;
  }

  #syncDeployment(d: Obj): void {
    const owned = this.#owned(d);
    const want = without(templateLabelsOf(d), 'pod-template-hash');
    const revision = (o: unknown): number => Number(annotationsOf(o)['deployment.kubernetes.io/revision'] ?? '0');
    let fresh = owned.find((rs) => JSON.stringify(Object.entries(without(templateLabelsOf(rs), 'pod-template-hash')).sort()) === JSON.stringify(Object.entries(want).sort()) && imageOf(rs) === imageOf(d));
    const maxOld = Math.max(0, ...owned.filter((rs) => rs !== fresh).map(revision));
    if (fresh === undefined) {
      const hash = hashOf(want, imageOf(d));
      const name = `${nameOfObj(d)}-${hash}`;
      const sel = selectorOf(d);
      fresh = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name, namespace: this.namespace, uid: this.#nextUid(), labels: { ...want, 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/revision': String(maxOld + 1) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: nameOfObj(d), uid: uidOf(d), controller: true }] },
        spec: { replicas: 0, selector: { matchLabels: { ...sel.matchLabels, 'pod-template-hash': hash } }, template: { metadata: { labels: { ...want, 'pod-template-hash': hash } }, spec: (d.spec as { template: { spec: unknown } }).template.spec } },
      };
      this.replicaSets.set(name, fresh);
      this.writes.push(`create replicasets/${name}`);
    } else if (revision(fresh) <= maxOld) fresh.metadata.annotations = { ...annotationsOf(fresh), 'deployment.kubernetes.io/revision': String(maxOld + 1) };
    const copied = Object.fromEntries(Object.entries(annotationsOf(d)).filter(([k]) => k !== 'deployment.kubernetes.io/revision'));
    fresh.metadata.annotations = { ...annotationsOf(fresh), ...copied };
    d.metadata.annotations = { ...annotationsOf(d), 'deployment.kubernetes.io/revision': annotationsOf(fresh)['deployment.kubernetes.io/revision'] ?? '1' };
    const replicas = replicasOf(d);
    (fresh.spec as { replicas: number }).replicas = replicas;
    const freshReady = [...this.pods.values()].filter((p) => p.ownerUid === uidOf(fresh) && p.ready).length;
    if (freshReady >= replicas) for (const rs of owned) if (rs !== fresh) (rs.spec as { replicas: number }).replicas = 0;
  }

  #syncReplicaSet(rs: Obj): void {
    const mine = [...this.pods.values()].filter((p) => p.ownerUid === uidOf(rs));
    const want = replicasOf(rs);
    for (let i = mine.length; i < want; i++) {
      const name = `${nameOfObj(rs)}-${++this.#pod}`;
      this.pods.set(name, { name, labels: templateLabelsOf(rs), ownerUid: uidOf(rs), ready: false });
    }
    for (const p of mine.slice(want)) this.pods.delete(p.name);
  }

  #status(d: Obj): void {
    const owned = [...this.replicaSets.values()].filter((rs) => controllerUidOf(rs) === uidOf(d));
    const pods = [...this.pods.values()].filter((p) => owned.some((rs) => uidOf(rs) === p.ownerUid));
    const fresh = owned.find((rs) => JSON.stringify(Object.entries(without(templateLabelsOf(rs), 'pod-template-hash')).sort()) === JSON.stringify(Object.entries(without(templateLabelsOf(d), 'pod-template-hash')).sort()) && imageOf(rs) === imageOf(d));
    const updated = pods.filter((p) => p.ownerUid === (fresh === undefined ? '' : uidOf(fresh))).length;
    const ready = pods.filter((p) => p.ready).length;
    d.status = { observedGeneration: d.metadata.generation, replicas: pods.length, updatedReplicas: updated, readyReplicas: ready, availableReplicas: ready };
  }

  /** readyEndpoints counts the ready pods a Service selects. */
  readyEndpoints(service: string): number {
    const sel = this.services.get(service) ?? {};
    return [...this.pods.values()].filter((p) => p.ready && mapSelectorMatches(sel, p.labels)).length;
  }

  /** observe reads the model as the shell would read the cluster. */
  observe(name: string, copyName: string): Observed {
    const pods: PodObs[] = [...this.pods.values()].map((p) => ({ name: p.name, labels: p.labels, ownerUid: p.ownerUid, ready: p.ready, terminating: false }));
    const wire = (o: Obj | undefined): Unstructured | null => (o === undefined ? null : clone(o));
    return {
      namespace: this.namespace,
      name,
      deployment: wire(this.deployments.get(name)),
      copy: wire(this.deployments.get(copyName)),
      replicaSets: [...this.replicaSets.values()].map((rs) => clone(rs)),
      pods,
      services: [...this.services].map(([svc, selector]) => ({ name: svc, selector, readyPods: pods.filter((p) => p.ready && mapSelectorMatches(selector, p.labels)).map((p) => p.name) })),
      now: 0,
    };
  }
}
