import type { Instant } from '../../lib/clock.ts';
import type { Release } from '../../model/release.ts';
import { rfc3339Millis } from '../../lib/timestamps.ts';

/**
 * ReleaseJson is a release as `-o json|yaml` (and any other machine output) shows it: times as
 * RFC 3339 strings, the workload flattened, failure as `{code, reason, message}` or null. Stable:
 * fields are added, never renamed.
 */
export interface ReleaseJson {
  readonly id: string;
  readonly releaseNumber: number;
  readonly cluster: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly workloadUid: string;
  readonly revision: string | null;
  readonly templateHash: string;
  readonly trigger: string;
  readonly images: readonly { readonly container: string; readonly image: string; readonly digest: string | null }[];
  readonly actor: { readonly manager: string; readonly user: string | null };
  readonly changeCause: string | null;
  readonly previousReleaseId: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationSeconds: number | null;
  readonly outcome: string;
  readonly failure: { readonly code: string; readonly reason: string; readonly message: string; readonly object: string | null; readonly exitCode: number | null } | null;
  readonly phases: Readonly<Record<string, string>>;
  readonly replicas: Release['replicas'];
  readonly backfilled: boolean;
}

/** releaseToJson converts a release for machine output. */
export function releaseToJson(r: Release): ReleaseJson {
  const phases: Record<string, string> = {};
  for (const [name, at] of Object.entries(r.phases) as [string, Instant | undefined][]) if (at !== undefined) phases[name] = rfc3339Millis(at);
  return {
    id: r.id,
    releaseNumber: r.releaseNumber,
    cluster: r.workload.cluster,
    namespace: r.workload.namespace,
    kind: r.workload.kind,
    name: r.workload.name,
    workloadUid: r.workload.uid,
    revision: r.revision,
    templateHash: r.templateHash,
    trigger: r.trigger,
    images: r.images.map((i) => ({ container: i.container, image: i.image, digest: i.digest ?? null })),
    actor: { manager: r.actor.manager, user: r.actor.user ?? null },
    changeCause: r.changeCause,
    previousReleaseId: r.previousReleaseId,
    startedAt: rfc3339Millis(r.startedAt),
    finishedAt: rfc3339Millis(r.finishedAt),
    durationSeconds: r.finishedAt === null ? null : (r.finishedAt - r.startedAt) / 1000,
    outcome: r.outcome,
    failure:
      r.failure === null
        ? null
        : { code: r.failure.code, reason: r.failure.reason, message: r.failure.message, object: r.failure.object ?? null, exitCode: r.failure.exitCode ?? null },
    phases,
    replicas: r.replicas,
    backfilled: r.backfilled,
  };
}
