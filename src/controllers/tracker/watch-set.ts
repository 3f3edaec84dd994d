import type { TrackedKind } from '../../kube/resources.ts';
import type { WorkloadRecord } from '../../model/records.ts';
import { redactedTemplate } from '../../model/template.ts';

/**
 * IGNORED_EVENT_SUBJECTS are kinds of involved objects whose Events the tracker never reads
 * (track/release/on-pod-event.ts reads only Events about EVENT_SUBJECT_KINDS: workloads, their
 * ReplicaSets/ControllerRevisions and Pods) and which emit Events often in real clusters: node
 * conditions and registrations, HPA rescales and metric failures (every sync while metrics are
 * missing), Service/Endpoints/EndpointSlice updates, volume provisioning and attachment, Jobs and
 * CronJobs, Ingress syncs, leader-election Leases, PodDisruptionBudget checks, CSR approvals.
 *
 * It is a deny list because a field selector cannot name a set: kube-apiserver's field selectors
 * are conjunctions of `=`/`==`/`!=` clauses (k8s.io/apimachinery pkg/fields/selector.go), and
 * core/v1 Events select on `involvedObject.kind` (pkg/registry/core/event/strategy.go
 * ToSelectableFields; pkg/apis/core/v1/conversion.go field label conversion). An Event about a kind
 * on neither list still arrives and is ignored by the tracker, as before.
 */
export const IGNORED_EVENT_SUBJECTS: readonly string[] = [
  'Node',
  'HorizontalPodAutoscaler',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'VolumeAttachment',
  'Job',
  'CronJob',
  'Ingress',
  'Namespace',
  'Lease',
  'PodDisruptionBudget',
  'CertificateSigningRequest',
];

/**
 * TRACKER_FIELD_SELECTORS are the server-side field selectors the tracker's LIST and WATCH
 * requests carry: Events about the kinds above are filtered out by the API server and never cross
 * the wire. The other kinds are watched whole (their selectable fields cannot tell what the tracker reads).
 */
export const TRACKER_FIELD_SELECTORS: { readonly [K in TrackedKind]?: string } = {
  Event: IGNORED_EVENT_SUBJECTS.map((kind) => `involvedObject.kind!=${kind}`).join(','),
};

/**
 * JOB_POD_LABELS are the labels the API server puts on the pod template of every Job whose
 * selector it generates (`spec.manualSelector` unset, as for every Job a CronJob creates):
 * k8s.io/kubernetes pkg/registry/batch/job/strategy.go generateSelector sets the legacy
 * `controller-uid` and `job-name` in every version, and since 1.27 also
 * `batch.kubernetes.io/controller-uid` and `batch.kubernetes.io/job-name` (k8s.io/api batch/v1
 * types.go ControllerUidLabel, LegacyControllerUidLabel; the generated selector matches the
 * prefixed label from 1.27 on). The Job controller (pkg/controller/job) creates its pods from
 * that template, so they carry the labels too. Both uid labels are named so that Job pods of every
 * version are left out, including any later one that drops the legacy label. A Job with a manual
 * selector has neither label: its pods still arrive and are ignored, as before.
 */
export const JOB_POD_LABELS: readonly string[] = ['batch.kubernetes.io/controller-uid', 'controller-uid'];

/**
 * TRACKER_LABEL_SELECTORS are the server-side label selectors the tracker's LIST and WATCH requests
 * carry: Job pods (JOB_POD_LABELS, DoesNotExist clauses `!key`, a conjunction: a pod carrying
 * either label is left out) never cross the wire. The tracker reads only pods owned by
 * ReplicaSets, StatefulSets and DaemonSets (track/release/on-pod-event.ts), and on real clusters
 * the Pod watch is dominated by Job and CronJob pods (created, scheduled, started, completed,
 * deleted). One selector per kind keeps one sync (a streaming list, or a LIST) and one watch per kind. A workload whose pod
 * template carries one of these labels would lose its pods: see templateJobPodLabels.
 */
export const TRACKER_LABEL_SELECTORS: { readonly [K in TrackedKind]?: string } = {
  Pod: JOB_POD_LABELS.map((key) => `!${key}`).join(','),
};

/**
 * templateJobPodLabels lists the JOB_POD_LABELS a workload's pod template carries: its pods carry
 * them too, so with TRACKER_LABEL_SELECTORS the API server never sends them to the tracker (its
 * releases get no pod-based timings, image digests or pod diagnoses). Empty for every ordinary
 * workload. Cheap when empty: the template's JSON text is parsed only if it names one of the labels.
 * Example: a Deployment whose template labels are {app: web, controller-uid: x} → ['controller-uid'].
 */
export function templateJobPodLabels(w: Pick<WorkloadRecord, 'template'>): readonly string[] {
  const text = w.template.redactedJson;
  if (!JOB_POD_LABELS.some((key) => text.includes(`"${key}"`))) return [];
  const labels = (redactedTemplate(w.template) as { metadata?: { labels?: Readonly<Record<string, unknown>> } } | null)?.metadata?.labels ?? {};
  return JOB_POD_LABELS.filter((key) => Object.hasOwn(labels, key));
}
