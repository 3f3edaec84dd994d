import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import { workloadKindFromName } from '../../model/kind-names.ts';
import { splitTypeName } from '../type-name-args.ts';
import type { Outcome, WorkloadTarget } from '../../model/release.ts';

/** WorkloadName is a workload as `TYPE/NAME` names it on the command line: the namespace comes from -n. */
export type WorkloadName = Pick<WorkloadTarget, 'kind' | 'name'>;

/**
 * parseWorkloadTarget reads `TYPE/NAME` (or `TYPE NAME` as two arguments) for a workload kind,
 * accepting kubectl's names, short names, plurals and group-qualified forms.
 * Examples: ["deploy/web"] → {Deployment, web}; ["sts", "db"] → {StatefulSet, db}.
 * Throws USAGE naming the argument and the accepted types.
 */
export function parseWorkloadTarget(args: readonly string[], command: string): WorkloadName {
  const parts = splitTypeName(args);
  if (parts === undefined)
    throw new TrackerError('USAGE', `cannot read "${args.join(' ')}" as TYPE/NAME`, { subject: args.join(' '), hint: `name one workload, e.g. rollscope ${command} deployment/web -n shop` });
  const { type, name } = parts;
  const kind = workloadKindFromName(type);
  if (!kind)
    throw new TrackerError('USAGE', `rollscope ${command} does not track type "${type}" (in ${type}/${name})`, {
      subject: `${type}/${name}`,
      hint: 'use deployment, statefulset or daemonset (or deploy, sts, ds)',
    });
  return { kind, name };
}

const RELATIVE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * parseTimeArg reads a `--since`/`--until` value: an RFC 3339 timestamp (`2026-11-20T08:00:00Z`,
 * with offset or fraction) or a duration before `now` made of days, hours, minutes and seconds
 * (`2h`, `7d`, `1h30m`, `90s`). Example: parseTimeArg('2h', 10_000_000) → 2_800_000.
 * Throws USAGE naming the flag and showing both forms.
 */
export function parseTimeArg(value: string, now: Instant, flag: string): Instant {
  const v = value.trim();
  const rel = RELATIVE.exec(v);
  if (rel && v !== '') {
    const [, d = '0', h = '0', m = '0', s = '0'] = rel;
    return now - ((Number(d) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  }
  if (RFC3339.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new TrackerError('USAGE', `cannot read ${flag} ${JSON.stringify(value)} as a time`, {
    subject: flag,
    hint: `give an RFC 3339 time (e.g. ${flag} 2026-11-20T08:00:00Z) or a duration ago (e.g. ${flag} 2h, 7d, 1h30m)`,
  });
}

/** OUTCOMES are the outcomes `--outcome` accepts. */
export const OUTCOMES: readonly Outcome[] = ['progressing', 'succeeded', 'failed', 'superseded', 'rolled-back', 'paused'];

/** parseOutcomes reads `--outcome` as one or more comma-separated outcomes. Throws USAGE listing the choices. */
export function parseOutcomes(value: string): readonly Outcome[] {
  const parts = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out: Outcome[] = [];
  for (const p of parts) {
    const o = OUTCOMES.find((x) => x === p);
    if (!o) throw new TrackerError('USAGE', `unknown outcome ${JSON.stringify(p)} in --outcome ${value}`, { subject: '--outcome', hint: `use one or more of: ${OUTCOMES.join(', ')} (comma-separated)` });
    out.push(o);
  }
  if (out.length === 0) throw new TrackerError('USAGE', '--outcome is empty', { subject: '--outcome', hint: `use one or more of: ${OUTCOMES.join(', ')}` });
  return out;
}

/** parseLimit reads `--limit` as a positive integer. Throws USAGE otherwise. */
export function parseLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) throw new TrackerError('USAGE', `--limit ${JSON.stringify(value)} is not a positive whole number`, { subject: '--limit', hint: 'e.g. --limit 20' });
  return n;
}

/**
 * parseClusterFlag reads `--cluster NAME` (one cluster of a ledger several trackers share): the
 * name as given, or undefined when the flag is absent. Throws USAGE for an empty or blank name.
 */
export function parseClusterFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '' || /\s/.test(value))
    throw new TrackerError('USAGE', `--cluster ${JSON.stringify(value)} is not a cluster name`, { subject: '--cluster', hint: 'give the name the tracker was started with (serve --cluster NAME), or leave --cluster out for every cluster' });
  return value;
}
