import { stringify } from 'yaml';
import { TrackerError } from '../../lib/errors.ts';

/** OUTPUT_FORMATS are the values of `-o/--output`. */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;

/** OutputFormat is one `-o` value. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** parseOutputFormat checks an `-o` value; anything else throws USAGE listing the choices. */
export function parseOutputFormat(value: string): OutputFormat {
  const found = OUTPUT_FORMATS.find((f) => f === value);
  if (found) return found;
  throw new TrackerError('USAGE', `unknown output format ${JSON.stringify(value)}`, { subject: '-o/--output', hint: `use one of: ${OUTPUT_FORMATS.join(', ')}` });
}

/**
 * formatItems renders a list for machine output as `{"items": [...]}` (plus `extra` fields such as
 * `nextCursor`): JSON indented by 2 spaces,
 * or YAML. Items must already be plain JSON values (times as RFC3339 strings).
 */
export function formatItems(items: readonly unknown[], format: 'json' | 'yaml', extra: Readonly<Record<string, unknown>> = {}): string {
  const doc = { items, ...extra };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { lineWidth: 0 });
}
