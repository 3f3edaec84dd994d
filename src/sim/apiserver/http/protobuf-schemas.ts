/** FieldSpec describes one protobuf field of a Kubernetes type (field numbers from the types' `protobuf:` tags). */
export interface FieldSpec {
  /** JSON name. */
  readonly name: string;
  /** Scalar type, or the name of another schema in SCHEMAS. */
  readonly type: string;
  readonly repeated?: boolean;
  /** map<string, type> (entries are key=1, value=2). */
  readonly map?: boolean;
  /** A Go pointer field: kept even when zero. */
  readonly pointer?: boolean;
}

/** MessageSchema maps field numbers to fields. */
export type MessageSchema = Readonly<Record<number, FieldSpec>>;

type Flag = 'r' | 'm' | 'p';
function f(name: string, type: string, ...flags: Flag[]): FieldSpec {
  return { name, type, ...(flags.includes('r') ? { repeated: true } : {}), ...(flags.includes('m') ? { map: true } : {}), ...(flags.includes('p') ? { pointer: true } : {}) };
}

// The subset of k8s.io/api and apimachinery types that kubectl's typed `create` subcommands send
// (deployment, namespace, configmap, secret, service). Fields not listed are ignored.
export const SCHEMAS: Readonly<Record<string, MessageSchema>> = {
  Time: {},
  IntOrString: {},
  Quantity: {},
  ObjectMeta: {
    1: f('name', 'string'), 2: f('generateName', 'string'), 3: f('namespace', 'string'), 5: f('uid', 'string'), 6: f('resourceVersion', 'string'),
    7: f('generation', 'int'), 8: f('creationTimestamp', 'Time'), 11: f('labels', 'string', 'm'), 12: f('annotations', 'string', 'm'),
    13: f('ownerReferences', 'OwnerReference', 'r'), 14: f('finalizers', 'string', 'r'),
  },
  OwnerReference: { 1: f('kind', 'string'), 3: f('name', 'string'), 4: f('uid', 'string'), 5: f('apiVersion', 'string'), 6: f('controller', 'bool', 'p'), 7: f('blockOwnerDeletion', 'bool', 'p') },
  LabelSelector: { 1: f('matchLabels', 'string', 'm'), 2: f('matchExpressions', 'LabelSelectorRequirement', 'r') },
  LabelSelectorRequirement: { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', 'r') },
  Deployment: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'DeploymentSpec'), 3: f('status', 'Empty') },
  Empty: {},
  DeploymentSpec: {
    1: f('replicas', 'int', 'p'), 2: f('selector', 'LabelSelector'), 3: f('template', 'PodTemplateSpec'), 4: f('strategy', 'DeploymentStrategy'),
    5: f('minReadySeconds', 'int'), 6: f('revisionHistoryLimit', 'int', 'p'), 7: f('paused', 'bool'), 9: f('progressDeadlineSeconds', 'int', 'p'),
  },
  DeploymentStrategy: { 1: f('type', 'string'), 2: f('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: f('maxUnavailable', 'IntOrString'), 2: f('maxSurge', 'IntOrString') },
  PodTemplateSpec: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'PodSpec') },
  PodSpec: {
    2: f('containers', 'Container', 'r'), 3: f('restartPolicy', 'string'), 4: f('terminationGracePeriodSeconds', 'int', 'p'), 6: f('dnsPolicy', 'string'),
    7: f('nodeSelector', 'string', 'm'), 8: f('serviceAccountName', 'string'), 10: f('nodeName', 'string'), 19: f('schedulerName', 'string'),
    20: f('initContainers', 'Container', 'r'),
  },
  Container: {
    1: f('name', 'string'), 2: f('image', 'string'), 3: f('command', 'string', 'r'), 4: f('args', 'string', 'r'), 5: f('workingDir', 'string'),
    6: f('ports', 'ContainerPort', 'r'), 7: f('env', 'EnvVar', 'r'), 8: f('resources', 'ResourceRequirements'), 13: f('terminationMessagePath', 'string'),
    14: f('imagePullPolicy', 'string'), 20: f('terminationMessagePolicy', 'string'),
  },
  ContainerPort: { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') },
  EnvVar: { 1: f('name', 'string'), 2: f('value', 'string') },
  ResourceRequirements: { 1: f('limits', 'Quantity', 'm'), 2: f('requests', 'Quantity', 'm') },
  Namespace: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'Empty'), 3: f('status', 'Empty') },
  ConfigMap: { 1: f('metadata', 'ObjectMeta'), 2: f('data', 'string', 'm'), 3: f('binaryData', 'bytes', 'm'), 4: f('immutable', 'bool', 'p') },
  Secret: { 1: f('metadata', 'ObjectMeta'), 2: f('data', 'bytes', 'm'), 3: f('type', 'string'), 4: f('stringData', 'string', 'm'), 5: f('immutable', 'bool', 'p') },
  Service: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'ServiceSpec'), 3: f('status', 'Empty') },
  ServiceSpec: {
    1: f('ports', 'ServicePort', 'r'), 2: f('selector', 'string', 'm'), 3: f('clusterIP', 'string'), 4: f('type', 'string'), 7: f('sessionAffinity', 'string'),
    10: f('externalName', 'string'),
  },
  ServicePort: { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'IntOrString'), 5: f('nodePort', 'int') },
  // batch/v1 (kubectl create job), authorization.k8s.io/v1 (kubectl auth can-i), core ServiceAccount and
  // rbac.authorization.k8s.io/v1 (kubectl create serviceaccount|role|rolebinding|clusterrole|clusterrolebinding);
  // field numbers from each package's generated.proto.
  Job: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'JobSpec'), 3: f('status', 'Empty') },
  JobSpec: {
    1: f('parallelism', 'int', 'p'), 2: f('completions', 'int', 'p'), 3: f('activeDeadlineSeconds', 'int', 'p'), 4: f('selector', 'LabelSelector'),
    5: f('manualSelector', 'bool', 'p'), 6: f('template', 'PodTemplateSpec'), 7: f('backoffLimit', 'int', 'p'), 8: f('ttlSecondsAfterFinished', 'int', 'p'),
    9: f('completionMode', 'string', 'p'), 10: f('suspend', 'bool', 'p'),
  },
  SelfSubjectAccessReview: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'SelfSubjectAccessReviewSpec'), 3: f('status', 'Empty') },
  SelfSubjectAccessReviewSpec: { 1: f('resourceAttributes', 'ResourceAttributes'), 2: f('nonResourceAttributes', 'NonResourceAttributes') },
  SubjectAccessReview: { 1: f('metadata', 'ObjectMeta'), 2: f('spec', 'SubjectAccessReviewSpec'), 3: f('status', 'Empty') },
  SubjectAccessReviewSpec: { 1: f('resourceAttributes', 'ResourceAttributes'), 2: f('nonResourceAttributes', 'NonResourceAttributes'), 3: f('user', 'string'), 4: f('groups', 'string', 'r'), 6: f('uid', 'string') },
  ResourceAttributes: { 1: f('namespace', 'string'), 2: f('verb', 'string'), 3: f('group', 'string'), 4: f('version', 'string'), 5: f('resource', 'string'), 6: f('subresource', 'string'), 7: f('name', 'string') },
  NonResourceAttributes: { 1: f('path', 'string'), 2: f('verb', 'string') },
  ServiceAccount: { 1: f('metadata', 'ObjectMeta'), 4: f('automountServiceAccountToken', 'bool', 'p') },
  PolicyRule: { 1: f('verbs', 'string', 'r'), 2: f('apiGroups', 'string', 'r'), 3: f('resources', 'string', 'r'), 4: f('resourceNames', 'string', 'r'), 5: f('nonResourceURLs', 'string', 'r') },
  Role: { 1: f('metadata', 'ObjectMeta'), 2: f('rules', 'PolicyRule', 'r') },
  ClusterRole: { 1: f('metadata', 'ObjectMeta'), 2: f('rules', 'PolicyRule', 'r') },
  RbacSubject: { 1: f('kind', 'string'), 2: f('apiGroup', 'string'), 3: f('name', 'string'), 4: f('namespace', 'string') },
  RoleRef: { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') },
  RoleBinding: { 1: f('metadata', 'ObjectMeta'), 2: f('subjects', 'RbacSubject', 'r'), 3: f('roleRef', 'RoleRef') },
  ClusterRoleBinding: { 1: f('metadata', 'ObjectMeta'), 2: f('subjects', 'RbacSubject', 'r'), 3: f('roleRef', 'RoleRef') },
};
