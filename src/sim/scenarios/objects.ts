import type { KubeObject } from '../../kube/types.ts';

/**
 * Builders for the objects scenarios create: what `kubectl create`, Helm or Argo CD would send
 * (no status, no server-set metadata). Containers request CPU/memory so the scheduler has
 * something to fit.
 */

/** WorkloadSpec describes one workload a scenario creates. */
export interface WorkloadSpec {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  /** If unset, 2 (ignored for DaemonSets). */
  readonly replicas?: number;
  /** CPU request, e.g. `100m`. If unset, `50m`. */
  readonly cpu?: string;
  /** Memory request, e.g. `64Mi`. If unset, `64Mi`. */
  readonly memory?: string;
  /** Extra labels on the workload and its pods (besides `app: <name>`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Workload annotations, e.g. `kubernetes.io/change-cause` or Helm's release annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Pod template annotations, e.g. SCRAPE_ANNOTATIONS. */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Deployment `progressDeadlineSeconds`. If unset, the API default (600). */
  readonly progressDeadlineSeconds?: number;
  /** Deployment `minReadySeconds`. If unset, the API default (0). */
  readonly minReadySeconds?: number;
  /** Deployment rolling update `maxSurge` / `maxUnavailable`. If unset, the API defaults (25% / 25%). */
  readonly rollingUpdate?: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
}

/** namespaceObject is a Namespace named `name`. */
export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

/** The container port every scenario pod declares (and, in the simulator, listens on). */
export const APP_PORT = 8080;

/** SCRAPE_ANNOTATIONS are the `prometheus.io/*` pod annotations the usual relabel rules look for. */
export const SCRAPE_ANNOTATIONS: Readonly<Record<string, string>> = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(APP_PORT), 'prometheus.io/path': '/metrics' };

function podTemplate(w: WorkloadSpec, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    metadata: { labels, ...(w.podAnnotations ? { annotations: w.podAnnotations } : {}) },
    spec: {
      containers: [
        {
          name: w.name,
          image: w.image,
          ports: [{ name: 'http', containerPort: APP_PORT, protocol: 'TCP' }],
          resources: { requests: { cpu: w.cpu ?? '50m', memory: w.memory ?? '64Mi' } },
        },
      ],
    },
  };
}

function meta(w: WorkloadSpec, labels: Readonly<Record<string, string>>): KubeObject['metadata'] {
  return { name: w.name, namespace: w.namespace, labels, ...(w.annotations ? { annotations: w.annotations } : {}) };
}

/** deploymentObject is an apps/v1 Deployment running one container of `w.image`. */
export function deploymentObject(w: WorkloadSpec): KubeObject {
  const labels = { app: w.name, ...w.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(w, labels),
    spec: {
      replicas: w.replicas ?? 2,
      selector: { matchLabels: { app: w.name } },
      template: podTemplate(w, labels),
      ...(w.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: w.progressDeadlineSeconds }),
      ...(w.minReadySeconds === undefined ? {} : { minReadySeconds: w.minReadySeconds }),
      ...(w.rollingUpdate === undefined ? {} : { strategy: { type: 'RollingUpdate', rollingUpdate: w.rollingUpdate } }),
    },
  };
}

/** statefulSetObject is an apps/v1 StatefulSet (RollingUpdate, OrderedReady) of `w.image`. */
export function statefulSetObject(w: WorkloadSpec): KubeObject {
  const labels = { app: w.name, ...w.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(w, labels),
    spec: {
      replicas: w.replicas ?? 2,
      serviceName: w.name,
      selector: { matchLabels: { app: w.name } },
      template: podTemplate(w, labels),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    },
  };
}

/** daemonSetObject is an apps/v1 DaemonSet (RollingUpdate) of `w.image`, one pod per node. */
export function daemonSetObject(w: WorkloadSpec): KubeObject {
  const labels = { app: w.name, ...w.labels };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(w, labels),
    spec: {
      selector: { matchLabels: { app: w.name } },
      template: podTemplate(w, labels),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    },
  };
}

/** serviceObject is a ClusterIP Service `name` on port 80 selecting the pods labelled `app: <name>` (what `kubectl expose` makes). */
export function serviceObject(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { app: name } },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

/** ContainerLike is the writable part of a pod template container that scenarios edit. */
interface ContainerLike {
  image?: unknown;
  resources?: unknown;
}

/**
 * templateContainers returns the writable `spec.template.spec.containers` of a workload copy
 * (from `ScenarioScript.edit`); empty when the object has no pod template.
 */
export function templateContainers(obj: Record<string, unknown>): ContainerLike[] {
  const spec = obj.spec as { template?: { spec?: { containers?: ContainerLike[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

/** withTag replaces the tag of `image` (`repo/name:1.2.3` → `repo/name:<tag>`). */
export function withTag(image: string, tag: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const repo = colon > slash ? image.slice(0, colon) : image;
  return `${repo}:${tag}`;
}

/** bumpPatch returns the next patch version of a `major.minor.patch` tag (`1.4.9` → `1.4.10`); other tags become `1.0.1`. */
export function bumpPatch(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  const tag = colon > slash ? image.slice(colon + 1) : '';
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(tag);
  return withTag(image, m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : '1.0.1');
}
