// Test support for the Deployment and ReplicaSet controllers: an in-process cluster on a
// ManualClock with the real scheduler and kubelet, plus Given/When/Then style helpers.
import type { KubeObject } from '../../../kube/types.ts';
import type { BehaviourConfig } from '../../node/behaviour.ts';
import { startTestCluster, type TestCluster } from '../../testing/cluster.ts';
import { asDeployment, asPod, asReplicaSet, controllerOf, type Deployment, type DeploymentSpec, type Pod, type ReplicaSet } from '../apps.ts';
import { startDeploymentController } from '../deployment/controller.ts';
import { compareRevisions, revisionNumber } from '../deployment/revision.ts';
import { startReplicaSetController } from '../replicaset.ts';
import { isPodActive } from '../pods.ts';

/** NS is the namespace the fixtures use. */
export const NS = 'shop';

/** DeploymentOptions shapes a test Deployment. */
export interface DeploymentOptions {
  readonly replicas?: number;
  readonly image?: string;
  readonly strategy?: DeploymentSpec['strategy'];
  readonly minReadySeconds?: number;
  readonly revisionHistoryLimit?: number;
  readonly progressDeadlineSeconds?: number;
  readonly paused?: boolean;
}

/** DeploymentWorld is a running cluster with the Deployment and ReplicaSet controllers. */
export interface DeploymentWorld {
  readonly cluster: TestCluster;
  /** createDeployment creates `shop/<name>` selecting `app=<name>`, one container `app`. */
  createDeployment(name: string, opts?: DeploymentOptions): Deployment;
  /** deployment reads the Deployment (throws when missing). */
  deployment(name: string): Deployment;
  /** updateDeployment replaces the Deployment with `fn(current)`. */
  updateDeployment(name: string, fn: (d: Deployment) => Deployment): Deployment;
  /** setImage changes the image of container `app` (a template change: a rollout). */
  setImage(name: string, image: string): Deployment;
  /** scale sets `spec.replicas`. */
  scale(name: string, replicas: number): Deployment;
  /** setPaused sets `spec.paused`. */
  setPaused(name: string, paused: boolean): Deployment;
  /** replicaSets lists the Deployment's ReplicaSets, by revision ascending. */
  replicaSets(name: string): ReplicaSet[];
  /** pods lists the pods of the Deployment's ReplicaSets (terminating ones included). */
  pods(name: string): Pod[];
  /** advance moves simulated time forward. */
  advance(ms: number): void;
  /**
   * waitFor advances simulated time in `stepMs` steps until `done()` holds; throws with `what` and
   * a description of the Deployment when `maxMs` of simulated time pass first.
   */
  waitFor(what: string, done: () => boolean, opts?: { readonly stepMs?: number; readonly maxMs?: number; readonly name?: string }): void;
  /** rolledOut tells whether `kubectl rollout status` would say "successfully rolled out". */
  rolledOut(name: string): boolean;
  /** describe renders the Deployment, its ReplicaSets and pods for failure messages. */
  describe(name: string): string;
  /** events lists `reason: message` of the events about an object, oldest first. */
  events(name: string): string[];
  stop(): void;
}

/** imageOf reads the image of container `app` of a pod template or pod spec. */
export function imageOf(spec: Readonly<Record<string, unknown>> | undefined): string {
  const containers = (spec?.['containers'] ?? []) as readonly { name?: string; image?: string }[];
  return containers[0]?.image ?? '';
}

/** startDeploymentWorld starts a cluster with the real scheduler, kubelet, ReplicaSet and Deployment controllers. */
export function startDeploymentWorld(config: BehaviourConfig = {}): DeploymentWorld {
  const cluster = startTestCluster(config, [startReplicaSetController, startDeploymentController]);
  const store = cluster.ctx.store;
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

  const deployment = (name: string): Deployment => {
    const d = store.get('deployments.apps', NS, name);
    if (!d) throw new Error(`deployment ${NS}/${name} not found`);
    return asDeployment(d);
  };
  const updateDeployment = (name: string, fn: (d: Deployment) => Deployment): Deployment =>
    asDeployment(store.update('deployments.apps', fn(deployment(name)), { fieldManager: 'kubectl' }));
  const replicaSets = (name: string): ReplicaSet[] => {
    const uid = deployment(name).metadata.uid;
    return store
      .list('replicasets.apps', { namespace: NS })
      .filter((rs) => controllerOf(rs)?.uid === uid)
      .map(asReplicaSet)
      .sort(compareRevisions);
  };
  const pods = (name: string): Pod[] => {
    const uids = new Set(replicaSets(name).map((rs) => rs.metadata.uid));
    return store.list('pods', { namespace: NS }).filter((p) => uids.has(controllerOf(p)?.uid)).map(asPod);
  };
  const rolledOut = (name: string): boolean => {
    const d = deployment(name);
    const s = d.status ?? {};
    const want = d.spec.replicas ?? 1;
    if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return false;
    if (s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) return false;
    const updated = s.updatedReplicas ?? 0;
    return updated >= want && (s.replicas ?? 0) <= updated && (s.availableReplicas ?? 0) >= updated;
  };
  const describe = (name: string): string => {
    const d = deployment(name);
    const lines = [`deployment ${name} gen=${d.metadata.generation ?? 0} spec.replicas=${d.spec.replicas ?? 1} status=${JSON.stringify(d.status)}`];
    for (const rs of replicaSets(name)) {
      lines.push(`  rs ${rs.metadata.name ?? ''} rev=${revisionNumber(rs)} spec=${rs.spec.replicas ?? 1} status=${JSON.stringify({ ...rs.status, conditions: undefined })}`);
    }
    const ps = pods(name).map((p) => `${p.metadata.name ?? ''}:${p.status?.phase ?? '?'}${isPodActive(p) ? '' : '(T)'}`);
    lines.push(`  pods ${ps.join(' ')}`);
    return lines.join('\n');
  };
  const advance = (ms: number): void => cluster.clock.advance(ms);

  return {
    cluster,
    createDeployment(name, opts = {}) {
      const obj: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: NS },
        spec: {
          replicas: opts.replicas ?? 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.0' }] } },
          ...(opts.strategy ? { strategy: opts.strategy } : {}),
          ...(opts.minReadySeconds === undefined ? {} : { minReadySeconds: opts.minReadySeconds }),
          ...(opts.revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit: opts.revisionHistoryLimit }),
          ...(opts.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: opts.progressDeadlineSeconds }),
          ...(opts.paused === undefined ? {} : { paused: opts.paused }),
        },
      };
      return asDeployment(store.create('deployments.apps', obj, { fieldManager: 'kubectl-create' }));
    },
    deployment,
    updateDeployment,
    setImage: (name, image) =>
      updateDeployment(name, (d) => ({
        ...d,
        spec: {
          ...d.spec,
          template: {
            ...d.spec.template,
            spec: { ...d.spec.template.spec, containers: [{ ...((d.spec.template.spec?.['containers'] as object[] | undefined)?.[0] ?? {}), name: 'app', image }] },
          },
        },
      })),
    scale: (name, replicas) => updateDeployment(name, (d) => ({ ...d, spec: { ...d.spec, replicas } })),
    setPaused: (name, paused) => updateDeployment(name, (d) => ({ ...d, spec: { ...d.spec, paused } })),
    replicaSets,
    pods,
    advance,
    waitFor(what, done, opts = {}) {
      const step = opts.stepMs ?? 500;
      const max = opts.maxMs ?? 300_000;
      advance(0);
      for (let t = 0; !done(); t += step) {
        if (t >= max) throw new Error(`timed out after ${max} simulated ms waiting for ${what}\n${opts.name ? describe(opts.name) : ''}`);
        advance(step);
      }
    },
    rolledOut,
    describe,
    events: (name) => cluster.events(NS, name),
    stop: () => cluster.stop(),
  };
}
