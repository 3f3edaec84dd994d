import { isPlainObject } from '../core/deep.ts';

type Obj = Record<string, unknown>;

function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isPlainObject(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined) o[key] = value;
}

/** imagePullPolicyFor is the default pull policy: Always for `:latest` or untagged images, else IfNotPresent. */
export function imagePullPolicyFor(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon < 0 ? '' : image.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isPlainObject(c)) continue;
    if (typeof c['image'] === 'string') setDefault(c, 'imagePullPolicy', imagePullPolicyFor(c['image']));
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    setDefault(c, 'resources', {});
    if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isPlainObject(p)) setDefault(p, 'protocol', 'TCP');
  }
}

/** defaultPodSpec applies the API server's PodSpec defaults (pkg/apis/core/v1/defaults.go) in place. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  defaultContainers(spec['containers']);
  defaultContainers(spec['initContainers']);
}

function defaultTemplate(spec: Obj): void {
  const template = spec['template'];
  if (isPlainObject(template)) defaultPodSpec(child(template, 'spec'));
}

// Defaults per kind (apps/v1 and core/v1 defaulters), applied on create and update.
const BY_KIND: Readonly<Record<string, (o: Obj, addressBlock: number) => void>> = {
  Deployment: (o) => {
    const spec = child(o, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
    const strategy = child(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', '25%');
      setDefault(ru, 'maxSurge', '25%');
    }
    defaultTemplate(spec);
  },
  ReplicaSet: (o) => {
    const spec = child(o, 'spec');
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  StatefulSet: (o) => {
    const spec = child(o, 'spec');
    setDefault(spec, 'replicas', 1);
    setDefault(spec, 'podManagementPolicy', 'OrderedReady');
    setDefault(spec, 'revisionHistoryLimit', 10);
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') setDefault(child(strategy, 'rollingUpdate'), 'partition', 0);
    const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
    defaultTemplate(spec);
  },
  DaemonSet: (o) => {
    const spec = child(o, 'spec');
    setDefault(spec, 'revisionHistoryLimit', 10);
    const strategy = child(spec, 'updateStrategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = child(strategy, 'rollingUpdate');
      setDefault(ru, 'maxUnavailable', 1);
      setDefault(ru, 'maxSurge', 0);
    }
    defaultTemplate(spec);
  },
  // batch/v1 SetDefaults_Job (pkg/apis/batch/v1/defaults.go): parallelism and completions 1 when both
  // are unset, backoffLimit 6, NonIndexed, not suspended, pods replaced once terminating or failed.
  Job: (o) => {
    const spec = child(o, 'spec');
    if (spec['completions'] === undefined && spec['parallelism'] === undefined) spec['completions'] = 1;
    setDefault(spec, 'parallelism', 1);
    setDefault(spec, 'backoffLimit', 6);
    setDefault(spec, 'completionMode', 'NonIndexed');
    setDefault(spec, 'suspend', false);
    if (spec['podFailurePolicy'] === undefined) setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
    defaultTemplate(spec);
  },
  Pod: (o) => {
    const spec = child(o, 'spec');
    defaultPodSpec(spec);
    setDefault(spec, 'serviceAccountName', 'default');
    setDefault(spec, 'enableServiceLinks', true);
    setDefault(spec, 'priority', 0);
  },
  Secret: (o) => {
    setDefault(o, 'type', 'Opaque');
  },
  Service: (o, addressBlock) => {
    const spec = child(o, 'spec');
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    if (spec['type'] !== 'ExternalName') {
      const meta = child(o, 'metadata');
      setDefault(spec, 'clusterIP', clusterIpFor(typeof meta['namespace'] === 'string' ? meta['namespace'] : '', typeof meta['name'] === 'string' ? meta['name'] : '', addressBlock));
      setDefault(spec, 'clusterIPs', [spec['clusterIP']]);
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    }
    if (Array.isArray(spec['ports']))
      for (const p of spec['ports']) {
        if (!isPlainObject(p)) continue;
        setDefault(p, 'protocol', 'TCP');
        setDefault(p, 'targetPort', p['port']);
      }
  },
  Namespace: (o) => {
    const meta = child(o, 'metadata');
    const labels = child(meta, 'labels');
    if (typeof meta['name'] === 'string') setDefault(labels, 'kubernetes.io/metadata.name', meta['name']);
    setDefault(child(o, 'spec'), 'finalizers', ['kubernetes']);
  },
};

/**
 * clusterIpFor allocates a stable ClusterIP from the service's namespace and name (no allocator
 * state) in the cluster's /16 of the loopback block 127.96.0.0/11 (`addressBlock` 0–31, see
 * core/addresses.ts): the simulator listens there, so a curl on this machine reaches the Service.
 */
export function clusterIpFor(namespace: string, name: string, addressBlock = 0): string {
  let h = 2166136261;
  for (const ch of `${namespace}/${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `127.${96 + (addressBlock & 31)}.${(h >>> 8) & 0xff}.${Math.max(2, h & 0xff)}`;
}

/** applyDefaults fills in the API server's defaults for the object's kind, in place (a mutable clone). */
export function applyDefaults(kind: string, obj: Obj, addressBlock = 0): void {
  BY_KIND[kind]?.(obj, addressBlock);
}

/** podQosClass computes `status.qosClass`: Guaranteed, Burstable or BestEffort. */
export function podQosClass(spec: unknown): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = isPlainObject(spec) && Array.isArray(spec['containers']) ? (spec['containers'] as unknown[]) : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const r = isPlainObject(c) && isPlainObject(c['resources']) ? c['resources'] : {};
    const req = isPlainObject(r['requests']) ? r['requests'] : {};
    const lim = isPlainObject(r['limits']) ? r['limits'] : {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const res of ['cpu', 'memory']) {
      if (lim[res] === undefined || (req[res] !== undefined && req[res] !== lim[res])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
