/**
 * Component schemas of the simulator's OpenAPI v3 documents: the types of the served kinds, with
 * their fields, types, enums and the list/patch extensions kube-apiserver publishes (field names,
 * types and `x-kubernetes-*` markers follow the k8s.io/api Go types; descriptions are our own short
 * wording). `kubectl explain` walks them (staging/src/k8s.io/kubectl/pkg/explain/v2), and the
 * server's field validation (`fieldValidation=Strict|Warn`) checks bodies against them
 * (field-validation.ts). A type marked `open` lists only the fields it is known for here: unknown
 * fields inside it are accepted without a word, so validation never rejects a valid object.
 */

/** Field is one property: a scalar, a reference to another schema, an array or a map of either. */
export interface Field {
  readonly type?: 'string' | 'integer' | 'boolean' | 'number' | 'object';
  readonly format?: string;
  /** Name of another schema in SCHEMAS (short name, e.g. `DeploymentStrategy`). */
  readonly ref?: string;
  readonly array?: boolean;
  /** A map with string keys whose values are the field's type/ref. */
  readonly map?: boolean;
  readonly description: string;
  readonly enum?: readonly string[];
  /** Strategic merge patch key of a list of objects (`x-kubernetes-patch-merge-key`, strategy merge). */
  readonly mergeKey?: string;
  /** Any JSON (x-kubernetes-preserve-unknown-fields). */
  readonly anything?: boolean;
}

/** TypeSchema is one named object type. */
export interface TypeSchema {
  /** Fully qualified OpenAPI name, e.g. `io.k8s.api.apps.v1.Deployment`. */
  readonly id: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, Field>>;
  readonly required?: readonly string[];
  /** Group/version/kind of a top-level kind. */
  readonly gvk?: { readonly group: string; readonly version: string; readonly kind: string };
  /** Only some fields are listed: unknown fields are not reported. */
  readonly open?: boolean;
  /** A scalar type (Time, Quantity, IntOrString): no properties. */
  readonly scalar?: { readonly type: 'string'; readonly format?: string; readonly intOrString?: boolean };
}

const s = (description: string, extra: Partial<Field> = {}): Field => ({ type: 'string', description, ...extra });
const i = (description: string): Field => ({ type: 'integer', format: 'int32', description });
const b = (description: string): Field => ({ type: 'boolean', description });
const r = (ref: string, description: string, extra: Partial<Field> = {}): Field => ({ ref, description, ...extra });
const strMap = (description: string): Field => ({ type: 'string', map: true, description });
const strList = (description: string): Field => ({ type: 'string', array: true, description });
/** any declares a field whose inside is not described here (any JSON accepted). */
const any = (description: string, name: string): Record<string, Field> => ({ [name]: { type: 'object', anything: true, description } });

const API_VERSION = s('Versioned schema of this representation of an object; servers convert recognised schemas to the latest internal value.');
const KIND = s('The REST resource this object represents, in CamelCase; servers infer it from the endpoint the client submits to.');
const META = r('ObjectMeta', "Standard object's metadata.");

function kind(id: string, group: string, version: string, k: string, description: string, spec: string | undefined, status: string | undefined, extra: Record<string, Field> = {}): TypeSchema {
  return {
    id,
    description,
    gvk: { group, version, kind: k },
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: META,
      ...(spec ? { spec: r(spec, `Desired behaviour of the ${k}.`) } : {}),
      ...(status ? { status: r(status, `Most recently observed status of the ${k}; written by the system, read-only for clients.`) } : {}),
      ...extra,
    },
  };
}

function condition(id: string, what: string, extra: Record<string, Field> = {}): TypeSchema {
  return {
    id,
    description: `One observed condition of a ${what}.`,
    required: ['type', 'status'],
    properties: {
      type: s('Type of the condition.'),
      status: s('Status of the condition: True, False or Unknown.'),
      lastTransitionTime: r('Time', 'When the condition last changed from one status to another.'),
      reason: s("A machine-readable, CamelCase reason for the condition's last transition."),
      message: s('A human-readable message with details about the transition.'),
      ...extra,
    },
  };
}

const LIST: readonly TypeSchema[] = [
  // ---- meta ----
  { id: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', description: 'A timestamp in RFC 3339 form, to the second.', properties: {}, scalar: { type: 'string', format: 'date-time' } },
  { id: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', description: 'Either an integer or a string (such as a percentage, "25%").', properties: {}, scalar: { type: 'string', format: 'int-or-string', intOrString: true } },
  { id: 'io.k8s.apimachinery.pkg.api.resource.Quantity', description: 'A fixed-point number with an optional unit suffix, such as 500m, 2 or 128Mi.', properties: {}, scalar: { type: 'string' } },
  {
    id: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    description: 'Metadata every persisted resource has: name, namespace, labels, annotations, owners and server-set fields.',
    open: true,
    properties: {
      name: s('Name, unique within the namespace; cannot be changed.'),
      generateName: s('Prefix the server uses to generate a unique name when none is given.'),
      namespace: s('Namespace the object lives in; empty for cluster-scoped objects.'),
      uid: s('Unique identifier in time and space, set by the server.'),
      resourceVersion: s('Opaque version of the object, for optimistic concurrency and watches.'),
      generation: { type: 'integer', format: 'int64', description: 'Sequence number of a specific generation of the desired state, set by the server.' },
      creationTimestamp: r('Time', 'When the server created the object.'),
      deletionTimestamp: r('Time', 'When the object will be deleted; set by the server when deletion is requested.'),
      deletionGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Seconds allowed for graceful termination.' },
      labels: strMap('Key/value pairs used to select and organise objects.'),
      annotations: strMap('Key/value pairs for arbitrary non-identifying metadata.'),
      ownerReferences: r('OwnerReference', 'Objects this one depends on; deleting all owners garbage-collects it.', { array: true, mergeKey: 'uid' }),
      finalizers: strList('Conditions that must be cleared before the object is deleted.'),
      managedFields: { type: 'object', array: true, anything: true, description: 'Which field manager owns which fields (server-side apply).' },
    },
  },
  {
    id: 'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
    description: 'Identifies an owning object (in the same namespace).',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    properties: {
      apiVersion: s('API version of the owner.'),
      kind: s('Kind of the owner.'),
      name: s('Name of the owner.'),
      uid: s('UID of the owner.'),
      controller: b('The owner is the managing controller.'),
      blockOwnerDeletion: b('Foreground deletion of the owner waits for this object.'),
    },
  },
  {
    id: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    description: 'A label query: matchLabels and matchExpressions are ANDed; an empty selector matches everything.',
    properties: {
      matchLabels: strMap('Labels that must all be present with these values.'),
      matchExpressions: r('LabelSelectorRequirement', 'Requirements that must all hold.', { array: true }),
    },
  },
  {
    id: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement',
    description: 'One selector requirement: a key, an operator and values.',
    required: ['key', 'operator'],
    properties: {
      key: s('The label key.'),
      operator: s('How the key relates to the values.', { enum: ['DoesNotExist', 'Exists', 'In', 'NotIn'] }),
      values: strList('Values for In and NotIn; empty for Exists and DoesNotExist.'),
    },
  },
  // ---- apps/v1 ----
  kind('io.k8s.api.apps.v1.Deployment', 'apps', 'v1', 'Deployment', 'Declarative updates for Pods and ReplicaSets.', 'DeploymentSpec', 'DeploymentStatus'),
  {
    id: 'io.k8s.api.apps.v1.DeploymentSpec',
    description: 'The desired state of a Deployment.',
    required: ['selector', 'template'],
    properties: {
      replicas: i('Number of desired pods. Defaults to 1.'),
      selector: r('LabelSelector', "Label selector of the pods the Deployment manages; must match the pod template's labels and cannot change."),
      template: r('PodTemplateSpec', 'The pods to create. Its restartPolicy must be Always.'),
      strategy: r('DeploymentStrategy', 'How existing pods are replaced with new ones.'),
      minReadySeconds: i('Seconds a new pod must be ready, with no container crashing, to count as available. Defaults to 0.'),
      revisionHistoryLimit: i('Old ReplicaSets kept to allow rollback. Defaults to 10.'),
      paused: b('The Deployment is paused: template changes start no rollout.'),
      progressDeadlineSeconds: i('Seconds a rollout may make no progress before it is reported failed (condition Progressing, reason ProgressDeadlineExceeded). Defaults to 600.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.DeploymentStrategy',
    description: 'How a Deployment replaces existing pods with new ones.',
    properties: {
      type: s('Type of deployment: "Recreate" or "RollingUpdate". Defaults to RollingUpdate.', { enum: ['Recreate', 'RollingUpdate'] }),
      rollingUpdate: r('RollingUpdateDeployment', 'Rolling update parameters; only when type is RollingUpdate.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.RollingUpdateDeployment',
    description: 'Controls the pace of a rolling update.',
    properties: {
      maxUnavailable: r('IntOrString', 'Pods that may be unavailable during the update: a number or a percentage of desired pods (rounded down). Defaults to 25%.'),
      maxSurge: r('IntOrString', 'Pods that may be created above the desired count: a number or a percentage (rounded up). Defaults to 25%.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.DeploymentStatus',
    description: 'The most recently observed status of a Deployment.',
    properties: {
      observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the controller last acted on.' },
      replicas: i('Pods targeted by the Deployment (their labels match the selector), not terminating.'),
      updatedReplicas: i('Pods with the desired template.'),
      readyReplicas: i('Pods with a Ready condition.'),
      availableReplicas: i('Pods ready for at least minReadySeconds.'),
      unavailableReplicas: i('Pods still needed for 100% availability.'),
      terminatingReplicas: i('Pods being deleted.'),
      conditions: r('DeploymentCondition', 'Latest observations of the Deployment (Available, Progressing, ReplicaFailure).', { array: true, mergeKey: 'type' }),
      collisionCount: i('Hash collisions seen; used to name the newest ReplicaSet.'),
    },
  },
  condition('io.k8s.api.apps.v1.DeploymentCondition', 'Deployment', { lastUpdateTime: r('Time', 'When the condition was last updated.') }),
  kind('io.k8s.api.apps.v1.ReplicaSet', 'apps', 'v1', 'ReplicaSet', 'Keeps a number of pod replicas running.', 'ReplicaSetSpec', 'ReplicaSetStatus'),
  {
    id: 'io.k8s.api.apps.v1.ReplicaSetSpec',
    description: 'The desired state of a ReplicaSet.',
    required: ['selector'],
    properties: {
      replicas: i('Number of desired pods. Defaults to 1.'),
      minReadySeconds: i('Seconds a new pod must be ready to count as available.'),
      selector: r('LabelSelector', 'Label query over the pods this ReplicaSet counts.'),
      template: r('PodTemplateSpec', 'The pods to create when too few exist.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.ReplicaSetStatus',
    description: 'The most recently observed status of a ReplicaSet.',
    required: ['replicas'],
    properties: {
      replicas: i('Most recently observed number of pods.'),
      fullyLabeledReplicas: i('Pods whose labels match the template labels.'),
      readyReplicas: i('Pods with a Ready condition.'),
      availableReplicas: i('Pods ready for at least minReadySeconds.'),
      terminatingReplicas: i('Pods being deleted.'),
      observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the controller last acted on.' },
      conditions: r('ReplicaSetCondition', 'Latest observations of the ReplicaSet.', { array: true, mergeKey: 'type' }),
    },
  },
  condition('io.k8s.api.apps.v1.ReplicaSetCondition', 'ReplicaSet'),
  kind('io.k8s.api.apps.v1.StatefulSet', 'apps', 'v1', 'StatefulSet', 'Pods with stable identities and ordered rollout.', 'StatefulSetSpec', 'StatefulSetStatus'),
  {
    id: 'io.k8s.api.apps.v1.StatefulSetSpec',
    description: 'The desired state of a StatefulSet.',
    required: ['selector', 'template'],
    open: true,
    properties: {
      replicas: i('Number of desired pods. Defaults to 1.'),
      selector: r('LabelSelector', "Label query over the pods; must match the template's labels."),
      template: r('PodTemplateSpec', 'The pods to create, each with a stable name NAME-ORDINAL.'),
      serviceName: s('Headless Service that gives the pods their network identity.'),
      podManagementPolicy: s('OrderedReady (one at a time, in order) or Parallel.', { enum: ['OrderedReady', 'Parallel'] }),
      updateStrategy: r('StatefulSetUpdateStrategy', 'How pods are updated when the template changes.'),
      revisionHistoryLimit: i('ControllerRevisions kept. Defaults to 10.'),
      minReadySeconds: i('Seconds a new pod must be ready to count as available.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.StatefulSetUpdateStrategy',
    description: 'How a StatefulSet updates its pods.',
    properties: {
      type: s('RollingUpdate (default) or OnDelete.', { enum: ['OnDelete', 'RollingUpdate'] }),
      rollingUpdate: r('RollingUpdateStatefulSetStrategy', 'Parameters of a RollingUpdate.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy',
    description: 'Parameters of a StatefulSet rolling update.',
    properties: {
      partition: i('Only pods with an ordinal at or above the partition are updated. Defaults to 0.'),
      maxUnavailable: r('IntOrString', 'Pods that may be unavailable during the update (feature-gated). Defaults to 1.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.StatefulSetStatus',
    description: 'The most recently observed status of a StatefulSet.',
    required: ['replicas'],
    open: true,
    properties: {
      observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the controller last acted on.' },
      replicas: i('Pods created by the controller.'),
      readyReplicas: i('Pods with a Ready condition.'),
      currentReplicas: i('Pods at currentRevision.'),
      updatedReplicas: i('Pods at updateRevision.'),
      availableReplicas: i('Pods ready for at least minReadySeconds.'),
      currentRevision: s('Revision of the pods before the current update.'),
      updateRevision: s('Revision the pods are being updated to.'),
      collisionCount: i('Hash collisions seen.'),
    },
  },
  kind('io.k8s.api.apps.v1.DaemonSet', 'apps', 'v1', 'DaemonSet', 'Runs a copy of a pod on each eligible node.', 'DaemonSetSpec', 'DaemonSetStatus'),
  {
    id: 'io.k8s.api.apps.v1.DaemonSetSpec',
    description: 'The desired state of a DaemonSet.',
    required: ['selector', 'template'],
    properties: {
      selector: r('LabelSelector', "Label query over the pods; must match the template's labels."),
      template: r('PodTemplateSpec', 'The pod to run on each eligible node.'),
      updateStrategy: r('DaemonSetUpdateStrategy', 'How pods are replaced when the template changes.'),
      minReadySeconds: i('Seconds a new pod must be ready to count as available.'),
      revisionHistoryLimit: i('ControllerRevisions kept. Defaults to 10.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.DaemonSetUpdateStrategy',
    description: 'How a DaemonSet updates its pods.',
    properties: {
      type: s('RollingUpdate (default) or OnDelete.', { enum: ['OnDelete', 'RollingUpdate'] }),
      rollingUpdate: r('RollingUpdateDaemonSet', 'Parameters of a RollingUpdate.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.RollingUpdateDaemonSet',
    description: 'Parameters of a DaemonSet rolling update.',
    properties: {
      maxUnavailable: r('IntOrString', 'Nodes whose pod may be unavailable during the update. Defaults to 1.'),
      maxSurge: r('IntOrString', 'Nodes that may run an old and a new pod at once. Defaults to 0.'),
    },
  },
  {
    id: 'io.k8s.api.apps.v1.DaemonSetStatus',
    description: 'The most recently observed status of a DaemonSet.',
    required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
    open: true,
    properties: {
      currentNumberScheduled: i('Nodes running at least one daemon pod that should.'),
      numberMisscheduled: i('Nodes running a daemon pod that should not.'),
      desiredNumberScheduled: i('Nodes that should run the daemon pod.'),
      numberReady: i('Nodes whose daemon pod is ready.'),
      updatedNumberScheduled: i('Nodes running the updated daemon pod.'),
      numberAvailable: i('Nodes whose daemon pod is available.'),
      numberUnavailable: i('Nodes whose daemon pod is not available.'),
      observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the controller last acted on.' },
    },
  },
  // ---- batch/v1 ----
  kind('io.k8s.api.batch.v1.Job', 'batch', 'v1', 'Job', 'A single job: pods that run to completion.', 'JobSpec', 'JobStatus'),
  {
    id: 'io.k8s.api.batch.v1.JobSpec',
    description: 'The desired state of a Job.',
    required: ['template'],
    open: true,
    properties: {
      parallelism: i('Most pods running at once. Defaults to 1.'),
      completions: i('Successful pods needed; unset means any one success completes the Job (a work queue).'),
      activeDeadlineSeconds: { type: 'integer', format: 'int64', description: 'Seconds the Job may be active before it is failed (reason DeadlineExceeded).' },
      backoffLimit: i('Retries before the Job is failed (reason BackoffLimitExceeded). Defaults to 6.'),
      selector: r('LabelSelector', 'Label query over the pods; generated by the server unless manualSelector is true.'),
      manualSelector: b('Use the given selector instead of a generated one.'),
      template: r('PodTemplateSpec', 'The pods to run; restartPolicy must be Never or OnFailure.'),
      ttlSecondsAfterFinished: i('Seconds after finishing before the Job is deleted.'),
      completionMode: s('NonIndexed (default) or Indexed.', { enum: ['Indexed', 'NonIndexed'] }),
      suspend: b('No pods run while true; active pods are deleted when it becomes true.'),
      podReplacementPolicy: s('When to create replacement pods: TerminatingOrFailed or Failed.', { enum: ['Failed', 'TerminatingOrFailed'] }),
    },
  },
  {
    id: 'io.k8s.api.batch.v1.JobStatus',
    description: 'The most recently observed status of a Job.',
    open: true,
    properties: {
      conditions: r('JobCondition', 'Latest observations: Complete, Failed, Suspended.', { array: true }),
      startTime: r('Time', 'When the Job controller started it (restarted on resume).'),
      completionTime: r('Time', 'When it completed; unset unless it succeeded.'),
      active: i('Pods pending or running.'),
      succeeded: i('Pods that succeeded.'),
      failed: i('Pods that failed.'),
      terminating: i('Pods being deleted.'),
      ready: i('Active pods that are ready.'),
      uncountedTerminatedPods: { type: 'object', anything: true, description: 'Finished pods not yet counted.' },
    },
  },
  condition('io.k8s.api.batch.v1.JobCondition', 'Job', { lastProbeTime: r('Time', 'When the condition was last checked.') }),
  // ---- core/v1 ----
  kind('io.k8s.api.core.v1.Pod', '', 'v1', 'Pod', 'A group of containers run together on a node.', 'PodSpec', 'PodStatus'),
  {
    id: 'io.k8s.api.core.v1.PodTemplateSpec',
    description: 'The pods a workload creates.',
    properties: { metadata: r('ObjectMeta', "The pods' metadata (labels the selector matches)."), spec: r('PodSpec', "The pods' specification.") },
  },
  {
    id: 'io.k8s.api.core.v1.PodSpec',
    description: 'The desired state of a pod.',
    required: ['containers'],
    properties: {
      containers: r('Container', 'The containers of the pod; at least one.', { array: true, mergeKey: 'name' }),
      initContainers: r('Container', 'Containers that run to completion, in order, before the app containers start.', { array: true, mergeKey: 'name' }),
      restartPolicy: s('Restart policy of the containers: Always (default), OnFailure or Never.', { enum: ['Always', 'Never', 'OnFailure'] }),
      terminationGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Seconds between SIGTERM and SIGKILL on deletion. Defaults to 30.' },
      nodeSelector: strMap('Labels a node must have for the pod to run there.'),
      nodeName: s('The node the pod is bound to; set by the scheduler.'),
      serviceAccountName: s('ServiceAccount the pod runs as.'),
      schedulerName: s('Scheduler that places the pod. Defaults to default-scheduler.'),
      dnsPolicy: s('DNS policy. Defaults to ClusterFirst.'),
      tolerations: { type: 'object', array: true, anything: true, description: 'Taints the pod tolerates.' },
      affinity: { type: 'object', anything: true, description: 'Scheduling constraints.' },
      volumes: { type: 'object', array: true, anything: true, mergeKey: 'name', description: 'Volumes the containers may mount.' },
      securityContext: { type: 'object', anything: true, description: 'Pod-level security attributes.' },
      ...any('Optional duration in seconds the pod may be active on a node.', 'activeDeadlineSeconds'),
      ...any('Deprecated alias of serviceAccountName.', 'serviceAccount'),
      ...any('Whether a service account token is mounted automatically.', 'automountServiceAccountToken'),
      ...any("Use the host's network namespace.", 'hostNetwork'),
      ...any("Use the host's PID namespace.", 'hostPID'),
      ...any("Use the host's IPC namespace.", 'hostIPC'),
      ...any('Containers share one process namespace.', 'shareProcessNamespace'),
      ...any('Secrets for pulling images.', 'imagePullSecrets'),
      ...any('Hostname of the pod.', 'hostname'),
      ...any('Subdomain of the pod.', 'subdomain'),
      ...any('Entries added to /etc/hosts.', 'hostAliases'),
      ...any('Priority class of the pod.', 'priorityClassName'),
      ...any('Priority value, set from the priority class.', 'priority'),
      ...any('DNS parameters.', 'dnsConfig'),
      ...any('Extra conditions for pod readiness.', 'readinessGates'),
      ...any('RuntimeClass to run the pod with.', 'runtimeClassName'),
      ...any('Service environment variables are injected.', 'enableServiceLinks'),
      ...any('Preemption policy of the pod.', 'preemptionPolicy'),
      ...any('Resource overhead of the pod sandbox.', 'overhead'),
      ...any('How pods spread across topology domains.', 'topologySpreadConstraints'),
      ...any("The pod's hostname is its FQDN.", 'setHostnameAsFQDN'),
      ...any('Operating system of the pod.', 'os'),
      ...any("Use the host's user namespace.", 'hostUsers'),
      ...any('Gates that block scheduling.', 'schedulingGates'),
      ...any('Dynamic resource claims.', 'resourceClaims'),
      ...any('Pod-level resource requirements.', 'resources'),
      ...any('Ephemeral debugging containers.', 'ephemeralContainers'),
    },
  },
  {
    id: 'io.k8s.api.core.v1.Container',
    description: 'One container of a pod.',
    required: ['name'],
    properties: {
      name: s('Name, unique within the pod (DNS label).'),
      image: s('Container image reference.'),
      imagePullPolicy: s('Always, IfNotPresent or Never. Defaults to Always for :latest, else IfNotPresent.', { enum: ['Always', 'IfNotPresent', 'Never'] }),
      command: strList("Entrypoint; replaces the image's ENTRYPOINT."),
      args: strList("Arguments; replace the image's CMD."),
      workingDir: s('Working directory.'),
      ports: r('ContainerPort', 'Ports the container exposes.', { array: true, mergeKey: 'containerPort' }),
      env: r('EnvVar', 'Environment variables.', { array: true, mergeKey: 'name' }),
      resources: r('ResourceRequirements', 'Compute resources the container requests and is limited to.'),
      readinessProbe: { type: 'object', anything: true, description: 'When the container is ready to serve.' },
      livenessProbe: { type: 'object', anything: true, description: 'When the container must be restarted.' },
      startupProbe: { type: 'object', anything: true, description: 'When the container has started.' },
      volumeMounts: { type: 'object', array: true, anything: true, mergeKey: 'mountPath', description: 'Volumes mounted into the container.' },
      envFrom: { type: 'object', array: true, anything: true, description: 'Sources of environment variables.' },
      terminationMessagePath: s('File the termination message is read from.'),
      terminationMessagePolicy: s('File or FallbackToLogsOnError.', { enum: ['FallbackToLogsOnError', 'File'] }),
      restartPolicy: s('For init containers: Always makes a sidecar.'),
      securityContext: { type: 'object', anything: true, description: 'Container-level security attributes.' },
      ...any('How the container reacts to resource resizing.', 'resizePolicy'),
      ...any('Block devices used by the container.', 'volumeDevices'),
      ...any('Actions on container start and stop.', 'lifecycle'),
      ...any('Keep stdin open.', 'stdin'),
      ...any('Close stdin after the first attach.', 'stdinOnce'),
      ...any('Allocate a TTY.', 'tty'),
    },
  },
  {
    id: 'io.k8s.api.core.v1.ContainerPort',
    description: 'A network port of a container.',
    required: ['containerPort'],
    properties: {
      name: s('Name of the port (IANA service name).'),
      containerPort: i('Port number on the pod IP.'),
      hostPort: i('Port number on the host.'),
      hostIP: s('Host IP to bind to.'),
      protocol: s('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
    },
  },
  {
    id: 'io.k8s.api.core.v1.EnvVar',
    description: 'An environment variable.',
    required: ['name'],
    properties: {
      name: s('Name of the variable.'),
      value: s('Value; $(VAR) references are expanded.'),
      valueFrom: { type: 'object', anything: true, description: 'Source of the value (ConfigMap, Secret, field, resource).' },
    },
  },
  {
    id: 'io.k8s.api.core.v1.ResourceRequirements',
    description: 'Compute resource requests and limits.',
    open: true,
    properties: {
      limits: r('Quantity', 'Most of each resource the container may use.', { map: true }),
      requests: r('Quantity', 'Resources the scheduler reserves for the container.', { map: true }),
    },
  },
  {
    id: 'io.k8s.api.core.v1.PodStatus',
    description: 'The most recently observed status of a pod.',
    open: true,
    properties: {
      phase: s('Pending, Running, Succeeded, Failed or Unknown.', { enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'] }),
      conditions: { type: 'object', array: true, anything: true, mergeKey: 'type', description: 'Current service state of the pod.' },
      hostIP: s('IP of the node.'),
      podIP: s('IP of the pod.'),
      startTime: r('Time', 'When the kubelet acknowledged the pod.'),
      containerStatuses: { type: 'object', array: true, anything: true, description: 'One entry per container.' },
      initContainerStatuses: { type: 'object', array: true, anything: true, description: 'One entry per init container.' },
      qosClass: s('Quality of service class.'),
    },
  },
  kind('io.k8s.api.core.v1.Service', '', 'v1', 'Service', 'A named abstraction of a set of pods, reached through a virtual IP.', 'ServiceSpec', undefined, { status: { type: 'object', anything: true, description: 'Most recently observed status of the Service.' } }),
  {
    id: 'io.k8s.api.core.v1.ServiceSpec',
    description: 'The desired state of a Service.',
    open: true,
    properties: {
      selector: strMap('Pods with these labels receive the traffic.'),
      ports: r('ServicePort', 'Ports the Service exposes.', { array: true, mergeKey: 'port' }),
      type: s('ClusterIP (default), NodePort, LoadBalancer or ExternalName.', { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] }),
      clusterIP: s('Virtual IP; allocated unless given or None (headless).'),
      clusterIPs: strList('Virtual IPs, one per family.'),
      sessionAffinity: s('ClientIP or None (default).', { enum: ['ClientIP', 'None'] }),
    },
  },
  {
    id: 'io.k8s.api.core.v1.ServicePort',
    description: 'One port of a Service.',
    required: ['port'],
    properties: {
      name: s('Name, required when there is more than one port.'),
      protocol: s('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      port: i('Port the Service listens on.'),
      targetPort: r('IntOrString', "Port number or name on the pods. Defaults to port."),
      nodePort: i('Port on every node (NodePort, LoadBalancer).'),
      appProtocol: s('Application protocol of the port.'),
    },
  },
  kind('io.k8s.api.core.v1.ConfigMap', '', 'v1', 'ConfigMap', 'Non-confidential configuration data as key/value pairs.', undefined, undefined, {
    data: strMap('UTF-8 configuration data.'),
    binaryData: strMap('Binary configuration data (base64).'),
    immutable: b('The data cannot change once set.'),
  }),
  kind('io.k8s.api.core.v1.Secret', '', 'v1', 'Secret', 'Confidential data, such as a password or a token.', undefined, undefined, {
    data: strMap('Secret values, base64-encoded.'),
    stringData: strMap('Write-only plain-text values merged into data.'),
    type: s('Type of the secret, such as Opaque or kubernetes.io/tls.'),
    immutable: b('The data cannot change once set.'),
  }),
  kind('io.k8s.api.core.v1.Namespace', '', 'v1', 'Namespace', 'A scope for names.', undefined, undefined, {
    spec: { type: 'object', anything: true, description: 'Finalizers of the namespace.' },
    status: { type: 'object', anything: true, description: 'Phase of the namespace.' },
  }),
];

/** SCHEMAS indexes the catalogue by short name (`Deployment`, `ObjectMeta`). */
export const SCHEMAS: ReadonlyMap<string, TypeSchema> = new Map(LIST.map((t) => [t.id.slice(t.id.lastIndexOf('.') + 1), t]));

/** schemaForKind finds the schema of a served kind. */
export function schemaForKind(group: string, version: string, kindName: string): TypeSchema | undefined {
  return LIST.find((t) => t.gvk?.group === group && t.gvk.version === version && t.gvk.kind === kindName);
}

/** refOf renders a JSON reference to a schema (by short name) in a v3 document. */
export function refOf(name: string): string {
  return `#/components/schemas/${SCHEMAS.get(name)?.id ?? name}`;
}

/** closure lists every schema reachable from `names` (the schemas one group-version document needs). */
export function closure(names: readonly string[]): TypeSchema[] {
  const seen = new Map<string, TypeSchema>();
  const visit = (name: string): void => {
    const t = SCHEMAS.get(name);
    if (!t || seen.has(t.id)) return;
    seen.set(t.id, t);
    for (const f of Object.values(t.properties)) if (f.ref) visit(f.ref);
  };
  for (const n of names) visit(n);
  return [...seen.values()];
}

function fieldJson(f: Field): Record<string, unknown> {
  const objectRef = f.ref !== undefined && SCHEMAS.get(f.ref)?.scalar === undefined;
  // A reference is wrapped in allOf (so a description can sit beside it), as kube-apiserver's v3 documents do.
  const one: Record<string, unknown> = f.ref
    ? { allOf: [{ $ref: refOf(f.ref) }], ...(objectRef ? { default: {} } : {}) }
    : f.anything
      ? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }
      : { type: f.type, ...(f.format ? { format: f.format } : {}), ...(f.enum ? { enum: f.enum } : {}), ...(f.type === 'string' && (f.array || f.map) ? { default: '' } : {}) };
  if (f.array)
    return {
      description: f.description,
      type: 'array',
      items: one,
      ...(f.mergeKey
        ? { 'x-kubernetes-list-map-keys': [f.mergeKey], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': f.mergeKey, 'x-kubernetes-patch-strategy': 'merge' }
        : { 'x-kubernetes-list-type': 'atomic' }),
    };
  if (f.map) return { description: f.description, type: 'object', additionalProperties: one };
  return { description: f.description, ...one };
}

/** schemaJson renders a type as an OpenAPI v3 component schema (what kube-apiserver publishes). */
export function schemaJson(t: TypeSchema): Record<string, unknown> {
  if (t.scalar) {
    return t.scalar.intOrString
      ? { description: t.description, type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true }
      : { description: t.description, type: t.scalar.type, ...(t.scalar.format ? { format: t.scalar.format } : {}) };
  }
  return {
    description: t.description,
    type: 'object',
    ...(t.required ? { required: t.required } : {}),
    properties: Object.fromEntries(Object.entries(t.properties).map(([k, f]) => [k, fieldJson(f)])),
    ...(t.gvk ? { 'x-kubernetes-group-version-kind': [t.gvk] } : {}),
  };
}
