import type { Instant } from '../../lib/clock.ts';
import { TrackerError } from '../../lib/errors.ts';
import { err, ok, type Result } from '../../lib/result.ts';
import { DIAGNOSIS_CODES, type Diagnosis, type DiagnosisCode } from '../../model/diagnosis.ts';
import { goDuration, parseDuration } from '../../model/duration.ts';

/**
 * FailFastRules say, per diagnosis code, how long a diagnosis may persist before the rollout is
 * declared failed (milliseconds; 0 = at once). A code without a rule never fails a rollout by
 * itself: it is reported, and the rollout waits for the progress deadline or the caller's timeout.
 */
export type FailFastRules = Readonly<Partial<Record<DiagnosisCode, number>>>;

/**
 * DEFAULT_FAIL_FAST_RULES are the rules when the user gives none. Reasons:
 * - ImagePullFailed 0 s: the kubelet only reports ErrImagePull/ImagePullBackOff after a pull failed;
 *   retries rarely fix a wrong tag or missing credentials.
 * - CrashLoop 0 s: CrashLoopBackOff already means the container exited more than once.
 * - ConfigError 30 s: a missing ConfigMap/Secret is often created moments after the workload.
 * - Unschedulable 30 s: the cluster autoscaler may add a node; kstatus waits 15 s for the same reason.
 * - ReplicaFailure 30 s: quota or admission errors may clear when old pods go away.
 * - ReadinessFailing 120 s: slow starters fail probes for a while before they become ready.
 * - ProgressDeadlineExceeded, Deleted 0 s: final by definition.
 */
export const DEFAULT_FAIL_FAST_RULES: FailFastRules = Object.freeze({
  ImagePullFailed: 0,
  CrashLoop: 0,
  ConfigError: 30_000,
  Unschedulable: 30_000,
  ReplicaFailure: 30_000,
  ReadinessFailing: 120_000,
  ProgressDeadlineExceeded: 0,
  Deleted: 0,
});

/**
 * FailFastDecision is what a diagnosis means for a rollout now: `fail` (grace over), `wait` (fails
 * at `failAt` if the diagnosis persists), or `never` (no rule for this code).
 */
export type FailFastDecision =
  | { readonly kind: 'fail' }
  | { readonly kind: 'wait'; readonly failAt: Instant }
  | { readonly kind: 'never' };

/**
 * evaluateFailFast decides whether a diagnosis first seen at `firstSeenAt` fails the rollout at
 * `now`. Pure. Example: rules {Unschedulable: 30000}, firstSeenAt 1000, now 20000 → wait until 31000;
 * now 31000 → fail.
 */
export function evaluateFailFast(diagnosis: Diagnosis, firstSeenAt: Instant, now: Instant, rules: FailFastRules): FailFastDecision {
  const grace = rules[diagnosis.code];
  if (grace === undefined) return { kind: 'never' };
  const failAt = firstSeenAt + grace;
  return now >= failAt ? { kind: 'fail' } : { kind: 'wait', failAt };
}

/**
 * parseFailFastRules reads a `--fail-fast` flag value: comma-separated `Code=Duration` pairs, where
 * Duration is Go-style (`0s`, `30s`, `2m`) or `never` to switch a code off. The pairs override
 * `base` (by default DEFAULT_FAIL_FAST_RULES); the word `none` alone starts from no rules at all.
 * Example: "Unschedulable=1m,ReadinessFailing=never" → defaults with Unschedulable 60000 and no
 * ReadinessFailing rule.
 */
export function parseFailFastRules(text: string, base: FailFastRules = DEFAULT_FAIL_FAST_RULES): Result<FailFastRules, TrackerError> {
  const trimmed = text.trim();
  if (trimmed === 'none') return ok({});
  const out: Partial<Record<DiagnosisCode, number>> = { ...base };
  for (const part of trimmed.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const code = eq < 0 ? part : part.slice(0, eq).trim();
    if (eq < 0 || !isDiagnosisCode(code)) return err(badRule(text, `"${part}" is not Code=Duration with a known code`));
    const value = part.slice(eq + 1).trim();
    if (value === 'never') {
      delete out[code];
      continue;
    }
    const ms = parseDuration(value);
    if (ms === null) return err(badRule(text, `"${value}" is not a duration for ${code}`));
    out[code] = ms;
  }
  return ok(Object.freeze(out));
}

/** formatFailFastRules writes rules back in flag syntax, in DIAGNOSIS_CODES order. */
export function formatFailFastRules(rules: FailFastRules): string {
  return DIAGNOSIS_CODES.flatMap((c) => (rules[c] === undefined ? [] : [`${c}=${goDuration(rules[c])}`])).join(',');
}

function isDiagnosisCode(s: string): s is DiagnosisCode {
  return (DIAGNOSIS_CODES as readonly string[]).includes(s);
}

function badRule(text: string, what: string): TrackerError {
  return new TrackerError('USAGE', `invalid --fail-fast rules "${text}": ${what}`, {
    subject: '--fail-fast',
    hint: `use Code=Duration pairs such as ImagePullFailed=0s,Unschedulable=30s (codes: ${DIAGNOSIS_CODES.join(', ')}; durations like 0s, 30s, 2m, or never)`,
  });
}
