import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TrackerError } from '../lib/errors.ts';
import { notificationsConfigSchema } from '../export/notify/config.ts';
import { ROLES } from '../api/auth.ts';

/** DEFAULT_LISTEN is loopback only: exposing the API is a deliberate choice (and then needs tokens). */
export const DEFAULT_LISTEN = '127.0.0.1:7420';

const tokenSchema = z.object({ subject: z.string().min(1), role: z.enum(ROLES), token: z.string().min(16).optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() })
  .refine((t) => (t.token === undefined) !== (t.sha256 === undefined), { message: 'give exactly one of token or sha256' });

/** fileConfigSchema validates the optional `--config FILE` (YAML or JSON). Every field is optional. */
export const fileConfigSchema = z.object({
  cluster: z.string().min(1).max(63).optional(),
  listen: z.string().optional(),
  db: z.string().optional(),
  namespaces: z.array(z.string()).optional(),
  metrics: z.object({ perWorkloadLabels: z.boolean().optional() }).strict().optional(),
  traces: z.object({ endpoint: z.url().optional(), headers: z.record(z.string(), z.string()).optional() }).strict().optional(),
  notifications: notificationsConfigSchema.optional(),
  tokens: z.array(tokenSchema).optional(),
}).strict();

/** FileConfig is the parsed config file. */
export type FileConfig = z.infer<typeof fileConfigSchema>;

/**
 * loadConfigFile reads and validates a config file. Errors name the file and the field and never
 * echo values (they may be secrets).
 */
export function loadConfigFile(path: string | undefined): FileConfig {
  if (path === undefined) return {};
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TrackerError('CONFIG_INVALID', `cannot read config file ${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { subject: path, hint: 'pass a readable YAML or JSON file with --config' });
  }
  const r = fileConfigSchema.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new TrackerError('CONFIG_INVALID', `config file ${path} is invalid at ${i?.path.join('.') || '(root)'}: ${i?.message ?? 'unknown'}`, { subject: path, hint: 'see "Configuration" in the README' });
  }
  return r.data;
}
