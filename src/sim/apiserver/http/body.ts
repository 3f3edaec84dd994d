import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../../kube/types.ts';
import { badRequest, failureStatus, SimApiError } from '../../core/api-error.ts';
import { isPlainObject } from '../../core/deep.ts';
import type { ApiCall } from './context.ts';
import { decodeKubeProtobuf } from './protobuf.ts';

// Largest request body accepted (the real server's limit is 3 MiB for most requests).
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** readBody reads a request body, refusing bodies over 3 MiB. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) throw badRequest('the request body is too large', 'send at most 3 MiB');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** parseBody decodes a JSON (or, for apply patches, YAML) body. Throws 400 on malformed input. */
export function parseBody(call: ApiCall, yaml = false): unknown {
  const type = (call.req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(call.bodyBytes);
  if (type === 'application/cbor')
    throw new SimApiError(
      failureStatus({ code: 415, reason: 'UnsupportedMediaType', message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml` }),
      'send JSON: the simulator speaks no protobuf or CBOR',
    );
  if (call.bodyBytes.length === 0) throw badRequest('the body of the request is empty', 'send a JSON object');
  try {
    return yaml ? (parseYaml(call.body) as unknown) : (JSON.parse(call.body) as unknown);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${e instanceof Error ? e.message : String(e)}`, 'send valid JSON');
  }
}

/** parseObjectBody decodes a body that must be an object with metadata. */
export function parseObjectBody(call: ApiCall, yaml = false): KubeObject {
  const body = parseBody(call, yaml);
  if (!isPlainObject(body)) throw badRequest('the body of the request must be an object', 'send a JSON object');
  const metadata = isPlainObject(body['metadata']) ? body['metadata'] : {};
  return { ...body, metadata };
}

/** fieldManagerOf is the field manager of a write: `?fieldManager=`, else the User-Agent's product (`kubectl`), as the real server defaults. */
export function fieldManagerOf(call: ApiCall): string {
  const explicit = call.query.get('fieldManager');
  if (explicit !== null && explicit !== '') return explicit;
  const ua = call.req.headers['user-agent'] ?? 'unknown';
  return (ua.split('/')[0] ?? ua).slice(0, 128);
}

/** isDryRun tells whether `?dryRun=All` was sent. */
export function isDryRun(call: ApiCall): boolean {
  return call.query.getAll('dryRun').includes('All');
}
