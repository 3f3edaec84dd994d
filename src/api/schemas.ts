import { z } from 'zod';
import { PHASES } from '../canary/record.ts';
import { workloadKindFromName } from '../model/kind-names.ts';
import type { WorkloadKind } from '../model/release.ts';

const OUTCOMES = ['progressing', 'succeeded', 'failed', 'superseded', 'rolled-back', 'paused'] as const;
const TRIGGERS = ['create', 'image', 'config', 'restart', 'rollback', 'canary-promote'] as const;

/** parseKind accepts kubectl's spellings of a workload kind (`deploy`, `deployments`, `Deployment`…). */
export function parseKind(s: string): WorkloadKind | undefined {
  return workloadKindFromName(s);
}

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** parseTime reads an RFC 3339 instant or a duration back from `now` (`2h`, `7d`); undefined when neither. */
export function parseTime(s: string, now: number): number | undefined {
  const m = DURATION.exec(s);
  if (m) return now - Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().max(1000).transform((s, ctx) => {
    const parts = s.split(',').map((p) => p.trim()).filter(Boolean);
    for (const p of parts) if (!(values as readonly string[]).includes(p)) ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}; got "${p}"` });
    return parts as T[];
  });
const names = z.string().max(2000).transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean));
const time = z.string().max(64);
/**
 * clusterName is a `?cluster=` value: the name a tracker was started with (`serve --cluster`, a
 * kubeconfig context name by default — which may hold `:`, `@`, `/`): printable, no spaces, at most
 * 253 characters.
 */
const clusterName = z.string().min(1, 'must not be empty; leave cluster out for every cluster').max(253).regex(/^[^\s\p{C}]*$/u, 'must be printable, without spaces');
const kind = z.string().max(32).transform((s, ctx) => {
  const k = parseKind(s);
  if (!k) ctx.addIssue({ code: 'custom', message: `unknown workload kind "${s}"; use deployment, statefulset or daemonset` });
  return k as WorkloadKind;
});

/** releasesQuery validates `GET /api/v1/releases` parameters. */
export const releasesQuery = z.object({
  namespace: names.optional(),
  kind: kind.optional(),
  name: z.string().max(253).optional(),
  image: z.string().max(512).optional(),
  since: time.optional(),
  until: time.optional(),
  outcome: csv(OUTCOMES).optional(),
  trigger: csv(TRIGGERS).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cluster: clusterName.optional(),
});

/** workloadsQuery validates `GET /api/v1/workloads` parameters. */
export const workloadsQuery = z.object({
  namespace: names.optional(),
  kind: kind.optional(),
  name: z.string().max(253).optional(),
  includeDeleted: z.enum(['true', 'false']).optional(),
  cluster: clusterName.optional(),
});

/** statsQuery validates `GET /api/v1/stats` parameters. */
export const statsQuery = z.object({
  since: time.optional(),
  until: time.optional(),
  namespace: names.optional(),
  groupBy: z.enum(['workload', 'namespace']).optional(),
  cluster: clusterName.optional(),
});

/**
 * clusterQuery validates the parameters of endpoints whose only filter is the cluster
 * (`/rollouts/active`, `/workloads/{ns}/{kind}/{name}/releases`, operator actions). Unset: every
 * cluster in the ledger (reads) or this tracker's cluster (actions).
 */
export const clusterQuery = z.object({ cluster: clusterName.optional() });

/** canariesQuery validates `GET /api/v1/canaries` parameters (`state`: comma-separated phases). */
export const canariesQuery = z.object({
  namespace: names.optional(),
  name: z.string().max(253).optional(),
  state: csv(PHASES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cluster: clusterName.optional(),
});

/** canaryQuery validates `GET /api/v1/canaries/{ns}/{name}` parameters: an older canary of the Deployment by `id`. */
export const canaryQuery = z.object({
  id: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be a canary id (letters, digits, - and _)').optional(),
  cluster: clusterName.optional(),
});

/** objectPath validates `/{ns}/{name}` path parameters (a namespaced object). */
export const objectPath = z.object({
  ns: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name').max(63),
  name: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes object name').max(253),
});

/** workloadPath validates `/workloads/{ns}/{kind}/{name}` path parameters. */
export const workloadPath = z.object({
  ns: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name').max(63),
  kind,
  name: z.string().regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes object name').max(253),
});

const reason = z.string().max(500);

/**
 * actionBodies validate the JSON body of each operator action; unknown fields are rejected.
 * `toRevision` follows `kubectl rollout undo --to-revision`: 0 or absent is the previous revision.
 */
export const actionBodies = {
  undo: z.object({ toRevision: z.number().int().min(0).max(2 ** 53 - 1).optional(), reason: reason.optional() }).strict(),
  pause: z.object({ reason: reason.optional() }).strict(),
  resume: z.object({ reason: reason.optional() }).strict(),
  restart: z.object({ reason: reason.optional() }).strict(),
} as const;

/** noParams is the query schema of endpoints that take no query parameters. */
export const noParams = z.object({});
