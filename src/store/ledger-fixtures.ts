import type { Release, ReleaseId, WorkloadRef } from '../model/release.ts';

/** T0 is the fixtures' reference instant (2026-01-01T00:00:00Z). */
export const T0 = Date.UTC(2026, 0, 1);

/** MINUTE is one minute in ms, for readable fixture times. */
export const MINUTE = 60_000;

/** workloadRef builds a Deployment reference in cluster `c1`; `uid` defaults to `uid-<namespace>-<name>`. */
export function workloadRef(namespace: string, name: string, over: Partial<WorkloadRef> = {}): WorkloadRef {
  return { cluster: 'c1', namespace, kind: 'Deployment', name, uid: `uid-${namespace}-${name}`, ...over };
}

/**
 * makeRelease builds a realistic progressing release for tests (contract suite, CLI tests).
 * `n` sets the release number and, unless overridden, the id (`r-<ns>-<name>-<n>`), native revision,
 * template hash, image tag and start time (T0 + n minutes).
 */
export function makeRelease(workload: WorkloadRef, n: number, over: Partial<Release> = {}): Release {
  return {
    id: `r-${workload.namespace}-${workload.name}-${String(n).padStart(3, '0')}` as ReleaseId,
    workload,
    releaseNumber: n,
    revision: String(n),
    templateHash: `hash${n}`,
    trigger: n === 1 ? 'create' : 'image',
    images: [{ container: 'app', image: `registry.example/${workload.name}:v${n}` }],
    actor: { manager: 'kubectl-set' },
    changeCause: null,
    previousReleaseId: null,
    startedAt: T0 + n * MINUTE,
    finishedAt: null,
    outcome: 'progressing',
    failure: null,
    phases: { templateObserved: T0 + n * MINUTE },
    replicas: { desired: 3, updated: 0, ready: 0, available: 0 },
    events: [],
    template: { metadata: { labels: { app: workload.name } }, spec: { containers: [{ name: 'app', image: `registry.example/${workload.name}:v${n}` }] } },
    backfilled: false,
    ...over,
  };
}
