// A real-shaped Release for tests of anything that consumes releases (notifications, exporters, API).
import type { Release, ReleaseId } from '../../src/model/release.ts';

/** aRelease returns a succeeded Deployment release, with any fields overridden. */
export function aRelease(over: Partial<Release> = {}): Release {
  const startedAt = Date.parse('2026-11-20T10:00:00Z');
  return {
    id: '01JDX5Q6M2Z8C4A3B2N1P0QRST' as ReleaseId,
    workload: { cluster: 'sim', namespace: 'shop', kind: 'Deployment', name: 'web', uid: 'uid-web-1' },
    releaseNumber: 7,
    revision: '7',
    templateHash: '5d8f7c9b6',
    trigger: 'image',
    images: [{ container: 'web', image: 'registry.example/web:1.4.2' }],
    actor: { manager: 'kubectl-set' },
    changeCause: 'deploy 1.4.2',
    previousReleaseId: null,
    startedAt,
    finishedAt: startedAt + 92_000,
    outcome: 'succeeded',
    failure: null,
    phases: { templateObserved: startedAt, allAvailable: startedAt + 92_000 },
    replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
    events: [],
    template: {},
    backfilled: false,
    ...over,
  };
}
