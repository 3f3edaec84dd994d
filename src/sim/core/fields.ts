/**
 * Readers for untyped wire objects held by the simulated store. Each returns a safe empty value
 * (`{}`, `[]`, `undefined`) when the field is missing or has another type, so callers never throw
 * on objects written by arbitrary clients.
 */

/** Fields is a JSON object read without assumptions. */
export type Fields = Readonly<Record<string, unknown>>;

/** record returns `value` if it is a plain JSON object, else `{}`. */
export function record(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

/** list returns `value` if it is an array, else `[]`. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [];
}

/** records returns the JSON objects in an array field, skipping anything else. */
export function records(value: unknown): readonly Fields[] {
  return list(value).filter((v): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v));
}

/** text returns `value` if it is a string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** int returns `value` if it is a finite number, else undefined. */
export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** stringMap returns the string-valued entries of a JSON object (labels, nodeSelector). */
export function stringMap(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v;
  return out;
}
