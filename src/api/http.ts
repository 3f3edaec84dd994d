import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { Logger } from '../lib/log.ts';
import { redactText } from '../lib/redact.ts';
import type { Principal, Role } from './auth.ts';
import { PROBLEM_CONTENT_TYPE, problem, problemFromError, type Problem } from './problem.ts';

/**
 * Request/response helpers shared by `server.ts` and `routes/*`. They live here (not in
 * server.ts) so that server.ts imports the routes and the routes import only this file.
 */

/**
 * SERVER_NOW_HEADER carries the server clock (epoch ms) on every API answer, so the dashboard
 * measures "now" (running bars, elapsed times) on the cluster's clock, not the browser's: the
 * demo's simulated cluster runs hours behind the wall clock.
 */
export const SERVER_NOW_HEADER = 'x-rollscope-now';

/** REQUEST_ID_HEADER carries the request id on every answer; a safe id sent by the client is kept. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** MAX_BODY_BYTES bounds a request body, whatever its transfer encoding; larger bodies are 413. */
export const MAX_BODY_BYTES = 16 * 1024;

/** ApiEnv is the Hono environment: the request's principal, id and logger. */
export interface ApiEnv {
  Variables: { principal: Principal | null; requestId: string; log: Logger };
}

/** sendProblem writes a problem+json response carrying the request id; 5xx answers are logged with it. */
export function sendProblem(c: Context<ApiEnv>, p: Problem, cause?: unknown): Response {
  const requestId = c.get('requestId');
  if (p.status >= 500)
    c.get('log')?.error('request failed', { requestId, method: c.req.method, path: c.req.path, status: p.status, code: p.code, detail: p.detail, ...(cause === undefined ? {} : { error: describe(cause) }) });
  const body = { ...p, detail: redactText(p.detail), ...(requestId ? { requestId } : {}) };
  return c.body(JSON.stringify(body), p.status as ContentfulStatusCode, { 'content-type': PROBLEM_CONTENT_TYPE });
}

const describe = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : typeof e === 'string' ? e : JSON.stringify(e) ?? typeof e);

/** sendError answers a thrown value as problem+json (TrackerErrors keep their code; others are logged 500s). */
export function sendError(c: Context<ApiEnv>, e: unknown): Response {
  return sendProblem(c, problemFromError(e, c.req.path), e);
}

/** invalid is the 400 problem for a list of `{path, message}` input errors. */
export function invalid(c: Context<ApiEnv>, errors: readonly { readonly path: string; readonly message: string }[], hint = 'see the API reference in the README'): Response {
  return sendProblem(c, problem(400, 'INVALID', `invalid parameters: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors, instance: c.req.path, hint }));
}

/**
 * parseOrProblem validates input with a zod schema: the parsed value, or a 400 problem listing
 * each invalid parameter by name.
 */
export function parseOrProblem<S extends z.ZodType>(c: Context<ApiEnv>, schema: S, input: unknown): { ok: true; value: z.infer<S> } | { ok: false; response: Response } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, response: invalid(c, r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }))) };
}

/**
 * parseQuery validates the query string against an object schema whose keys are the allowed
 * parameters, each given at most once: an unknown or repeated parameter is a 400 naming the
 * allowed list (a misspelt filter must not silently return everything unfiltered).
 */
export function parseQuery<S extends z.ZodObject>(c: Context<ApiEnv>, schema: S): { ok: true; value: z.infer<S> } | { ok: false; response: Response } {
  const allowed = Object.keys(schema.shape);
  const shown = allowed.length ? allowed.join(', ') : '(none)';
  const params = new URL(c.req.url).searchParams;
  const values: Record<string, string> = {};
  const errors: { path: string; message: string }[] = [];
  for (const [k, v] of params) {
    if (!allowed.includes(k)) errors.push({ path: k.slice(0, 64), message: `unknown parameter; allowed: ${shown}` });
    else if (k in values) errors.push({ path: k, message: `given more than once; give it once (lists are comma-separated); allowed: ${shown}` });
    else values[k] = v;
  }
  if (errors.length) return { ok: false, response: invalid(c, dedupe(errors)) };
  return parseOrProblem(c, schema, values);
}

const dedupe = <T extends { path: string }>(xs: readonly T[]): T[] => xs.filter((x, i) => xs.findIndex((y) => y.path === x.path) === i);

/**
 * readJsonBody reads the whole request body from the stream (chunked or with Content-Length, the
 * same way) up to MAX_BODY_BYTES and parses it as JSON. An empty body is `{}`. Answers 413 when too
 * large, 415 for a non-JSON content type, 400 for bytes that are not UTF-8 JSON.
 */
export async function readJsonBody(c: Context<ApiEnv>, limit = MAX_BODY_BYTES): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const tooLarge = (): { ok: false; response: Response } => ({ ok: false, response: sendProblem(c, problem(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${limit} bytes`, { instance: c.req.path, hint: 'operator actions take a small JSON object, e.g. {"toRevision":1}' })) });
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limit) return tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = c.req.raw.body;
  if (stream) {
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return { ok: false, response: sendProblem(c, problem(400, 'INVALID', 'request body is not UTF-8', { instance: c.req.path })) };
  }
  if (text.trim() === '') return { ok: true, value: {} };
  const type = c.req.header('content-type');
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
    return { ok: false, response: sendProblem(c, problem(415, 'UNSUPPORTED_MEDIA_TYPE', `request body has content type ${type.slice(0, 100)}; send application/json`, { instance: c.req.path })) };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: sendProblem(c, problem(400, 'INVALID', 'request body is not valid JSON', { instance: c.req.path, hint: 'send a JSON object, e.g. {"toRevision":1}' })) };
  }
}

/**
 * UNAUTHORIZED_HINT says where API tokens come from: the `tokens:` list of the file given to
 * `rollscope serve --config` (or its twin ROLLSCOPE_CONFIG); the demo generates and prints its own.
 * There is no token flag: tokens never go on a command line.
 */
export const UNAUTHORIZED_HINT = 'send Authorization: Bearer <token>, a token listed under tokens: in the file given to rollscope serve --config FILE (or ROLLSCOPE_CONFIG=FILE); rollscope demo prints its operator and viewer tokens when it starts';

/** requireRole answers 401 without a valid token and 403 with an insufficient one; null when allowed. */
export function requireRole(c: Context<ApiEnv>, role: Role | 'scrape-or-viewer'): Response | null {
  const who = c.get('principal');
  const needs = role === 'scrape-or-viewer' ? 'scrape or viewer' : role;
  if (!who) return sendProblem(c, problem(401, 'UNAUTHORIZED', `${c.req.method} ${c.req.path} needs a bearer token with the ${needs} role`, { hint: UNAUTHORIZED_HINT, instance: c.req.path }));
  if (!grants(who.role, role)) return sendProblem(c, problem(403, 'FORBIDDEN', `token of ${who.subject} has the ${who.role} role; ${c.req.method} ${c.req.path} needs ${needs}`, { hint: `use a token with the ${needs} role`, instance: c.req.path }));
  return null;
}

/** grants tells whether a token's role covers a required one: operator ⊇ viewer; scrape only reads /metrics. */
export function grants(has: Role, needs: Role | 'scrape-or-viewer'): boolean {
  if (needs === 'scrape-or-viewer') return true;
  if (needs === 'operator') return has === 'operator';
  if (needs === 'viewer') return has === 'viewer' || has === 'operator';
  return has === 'scrape';
}
