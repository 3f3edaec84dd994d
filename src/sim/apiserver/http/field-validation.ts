import { badRequest } from '../../core/api-error.ts';
import { isPlainObject } from '../../core/deep.ts';
import type { ResourceInfo } from '../resources.ts';
import type { ApiCall } from './context.ts';
import { schemaForKind, SCHEMAS, type TypeSchema } from './openapi-schemas.ts';

/**
 * Server-side field validation (`fieldValidation=Strict|Warn|Ignore`, KEP-2885; the default is Warn),
 * which kubectl asks for instead of validating on the client once the server's OpenAPI lists the
 * parameter. Fields not declared in the kind's schema (openapi-schemas.ts) are reported, as
 * kube-apiserver does (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go, patch.go and
 * the strict JSON decoder in apimachinery/pkg/runtime/serializer/json):
 * - Strict: 400 BadRequest `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding
 *   error: unknown field "spec.foo"` for JSON bodies; `.spec.foo: field not declared in schema` for
 *   server-side apply;
 * - Warn: a `Warning: 299 - "unknown field \"spec.foo\""` header per field, and the write proceeds;
 * - Ignore: nothing.
 * Inside a type the catalogue lists only in part (`open`), unknown fields are not reported.
 */

// Keys of strategic merge patches that are directives, not fields.
const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/.*|deleteFromPrimitiveList\/.*)$/;

/** unknownFields lists the paths (`spec.template.spec.containers[0].imagee`) of fields the schema does not declare. */
export function unknownFields(schema: TypeSchema, value: unknown, path = ''): string[] {
  if (!isPlainObject(value) || schema.scalar) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (DIRECTIVE.test(key)) continue;
    const here = path === '' ? key : `${path}.${key}`;
    const field = schema.properties[key];
    if (!field) {
      if (!schema.open) out.push(here);
      continue;
    }
    const inner = field.ref === undefined ? undefined : SCHEMAS.get(field.ref);
    if (!inner || field.anything) continue;
    if (field.array && Array.isArray(v)) v.forEach((item, n) => out.push(...unknownFields(inner, item, `${here}[${n}]`)));
    else if (field.map && isPlainObject(v)) for (const [k, item] of Object.entries(v)) out.push(...unknownFields(inner, item, `${here}.${k}`));
    else if (!field.array && !field.map) out.push(...unknownFields(inner, v, here));
  }
  return out;
}

/** fieldValidationOf reads the request's directive (default Warn); 400 for an unknown value. */
function fieldValidationOf(call: ApiCall): 'Strict' | 'Warn' | 'Ignore' {
  const v = call.query.get('fieldValidation') ?? '';
  if (v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`, 'use fieldValidation=Strict, Warn or Ignore');
}

/**
 * checkFields validates a create/update body or a patch against the kind's schema: throws 400 under
 * Strict, sets `Warning` headers under Warn. `apply` selects the server-side apply wording.
 */
export function checkFields(call: ApiCall, info: ResourceInfo, body: unknown, style: 'decode' | 'apply' = 'decode'): void {
  const schema = schemaForKind(info.group, info.version, info.kind);
  if (!schema) return;
  const mode = fieldValidationOf(call);
  if (mode === 'Ignore') return;
  const unknown = unknownFields(schema, body);
  if (unknown.length === 0) return;
  if (mode === 'Warn') {
    const existing = call.res.getHeader('Warning');
    const warnings = unknown.map((f) => `299 - ${JSON.stringify(`unknown field ${JSON.stringify(f)}`)}`);
    call.res.setHeader('Warning', [...(Array.isArray(existing) ? existing : existing === undefined ? [] : [String(existing)]), ...warnings]);
    return;
  }
  if (style === 'apply') throw badRequest(unknown.map((f) => `.${f}: field not declared in schema`).join(', '), `remove or correct the field (kubectl explain ${info.resource}.${unknown[0] ?? ''})`);
  throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(', ')}`, `remove or correct the field (kubectl explain ${info.resource}.${unknown[0] ?? ''})`);
}
