import { TrackerError } from '../../lib/errors.ts';
import { parseWorkloadTarget, type WorkloadName } from './history-args.ts';

/**
 * ReleaseAddress is how `rollscope show` names a release: by its ledger id, or by its workload
 * (`TYPE/NAME`, namespace from -n) and per-workload release number — the workload's latest
 * release when the number is left out.
 */
export type ReleaseAddress =
  | { readonly by: 'id'; readonly id: string }
  | { readonly by: 'workload'; readonly target: WorkloadName; readonly number: number | null };

const RELEASE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const NUMBER_SUFFIX = /#(\d+)$/;

/**
 * parseReleaseAddress reads the arguments of `rollscope show`: one release id
 * (`01JDX5Q6M2Z8C4A3B2N1P0QRST`), or `TYPE/NAME[#N]` (also `TYPE NAME[#N]`) with kubectl's type
 * names. Examples: ["deploy/web#3"] → web's release 3; ["sts", "db"] → db's latest release.
 * Throws USAGE naming the argument and both forms.
 */
export function parseReleaseAddress(args: readonly string[]): ReleaseAddress {
  const hint = 'name a release by id (see rollscope history -o wide) or as TYPE/NAME#N, e.g. rollscope show deployment/web#3 -n shop';
  if (args.length === 0) throw new TrackerError('USAGE', 'rollscope show needs a release', { subject: 'RELEASE', hint });
  const [first = ''] = args;
  if (args.length === 1 && !first.includes('/')) {
    if (RELEASE_ID.test(first)) return { by: 'id', id: first };
    throw new TrackerError('USAGE', `cannot read "${first}" as a release id or TYPE/NAME#N`, { subject: first, hint });
  }
  const last = args.at(-1) ?? '';
  const m = NUMBER_SUFFIX.exec(last);
  const number = m ? Number(m[1]) : null;
  if (number !== null && (!Number.isSafeInteger(number) || number < 1))
    throw new TrackerError('USAGE', `release number #${m?.[1] ?? ''} in "${args.join(' ')}" must be 1 or more`, { subject: args.join(' '), hint });
  const stripped = m ? [...args.slice(0, -1), last.slice(0, m.index)] : [...args];
  if (stripped.at(-1)?.includes('#')) throw new TrackerError('USAGE', `cannot read "${args.join(' ')}" as TYPE/NAME#N`, { subject: args.join(' '), hint });
  return { by: 'workload', target: parseWorkloadTarget(stripped, 'show'), number };
}
