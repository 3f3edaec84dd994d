import type { TrackedKind } from '../../kube/resources.ts';

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
