import { apiVersionOf, RESOURCES } from '../resources.ts';
import { closure, schemaForKind, schemaJson } from './openapi-schemas.ts';

// Query parameters of a PATCH, as the real spec lists them (kubectl checks for fieldValidation).
const PATCH_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' }, uniqueItems: true }));

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/**
 * openApiV3 answers `/openapi/v3` (the index of group versions) and `/openapi/v3/<gv>` with a
 * minimal document: one PATCH operation per resource carrying `x-kubernetes-group-version-kind`
 * and the `fieldValidation` parameter (what kubectl reads to send server-side field validation,
 * `fieldValidation=Strict`, instead of validating on the client), and the component schemas of the
 * group version's kinds (openapi-schemas.ts), which `kubectl explain` walks. The PATCH operations
 * declare no request body types, so `kubectl apply` still computes strategic merge patches from its
 * built-in types (apply/patcher.go only uses v3 when the operation accepts
 * application/strategic-merge-patch+json). Undefined = 404.
 */
export function openApiV3(path: string): unknown {
  const gvs = [...new Map(RESOURCES.map((r) => [gvPath(r.group, r.version), r])).values()];
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    return { paths: Object.fromEntries(gvs.map((r) => [gvPath(r.group, r.version), { serverRelativeURL: `/openapi/v3/${gvPath(r.group, r.version)}?hash=ROLLSCOPESIM` }])) };
  }
  const gv = gvs.find((r) => path === `/openapi/v3/${gvPath(r.group, r.version)}`);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCES.filter((x) => x.group === gv.group && x.version === gv.version)) {
    const scope = r.namespaced ? '/namespaces/{namespace}' : '';
    paths[`/${gvPath(r.group, r.version)}${scope}/${r.resource}/{name}`] = {
      parameters: PATCH_PARAMS,
      patch: {
        operationId: `patch${r.namespaced ? 'Namespaced' : ''}${r.kind}`,
        parameters: PATCH_PARAMS,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
      },
    };
  }
  const kinds = RESOURCES.filter((x) => x.group === gv.group && x.version === gv.version)
    .map((x) => schemaForKind(x.group, x.version, x.kind))
    .filter((t) => t !== undefined);
  const schemas = Object.fromEntries(closure(kinds.map((t) => t.id.slice(t.id.lastIndexOf('.') + 1))).map((t) => [t.id, schemaJson(t)]));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas }, 'x-rollscope-group-version': apiVersionOf(gv) };
}
