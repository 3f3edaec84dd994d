import type { KubeObject } from '../../../kube/types.ts';
import { badRequest, expired, notFound } from '../../core/api-error.ts';
import { apiVersionOf } from '../resources.ts';
import { compileFieldSelector, parseFieldSelector, parseLabelSelector } from '../../core/selectors.ts';
import type { ApiCall } from './context.ts';
import { encodedObject, JSON_ENCODING, negotiate, protobufList, protobufObject } from './negotiate.ts';
import { sendJson, sendProtobuf } from './respond.ts';
import { scaleOf } from './scale.ts';
import { queryInt } from './query.ts';
import { listJson } from './serialize.ts';
import { tableFor, wantsTable } from './table.ts';

/** CONTINUE_EXPIRED is the message of a 410 for a continue token older than the compacted window (kubernetes.md §8.1). */
export const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

/** encodeContinue renders a continue token as the real server does: base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}`. */
export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (raw.v === 'meta.k8s.io/v1' && typeof raw.rv === 'number' && typeof raw.start === 'string') return { rv: raw.rv, start: raw.start };
  } catch {
    // fall through
  }
  throw badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`, 'pass the continue token of the previous page unchanged');
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace === undefined ? (o.metadata.name ?? '') : `${o.metadata.namespace}/${o.metadata.name ?? ''}`;
}

/**
 * selectedObjects lists the objects a list or watch request selects (namespace, labelSelector,
 * fieldSelector): the current ones, or as of resourceVersion `at` (a continued LIST); 'Expired' if
 * `at` is older than the change window.
 */
export function selectedObjects(call: ApiCall, at?: number): readonly KubeObject[] | 'Expired' {
  const { route, query, state } = call;
  const fields = compileFieldSelector(route.info.key, parseFieldSelector(query.get('fieldSelector') ?? undefined));
  parseLabelSelector(query.get('labelSelector') ?? undefined);
  const opts = {
    ...(route.namespace === undefined ? {} : { namespace: route.namespace }),
    ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector') ?? '' } : {}),
  };
  const items = at === undefined ? state.store.list(route.info.key, opts) : state.store.listAt(route.info.key, at, opts);
  if (items === 'Expired') return items;
  return query.get('fieldSelector') ? items.filter(fields) : items;
}

/** currentObjects is selectedObjects for the current state. */
export function currentObjects(call: ApiCall): readonly KubeObject[] {
  const items = selectedObjects(call);
  return items === 'Expired' ? [] : items;
}

/** serveList answers a LIST: selectors, limit/continue pagination (410 for an expired token), Table if asked for. */
export function serveList(call: ApiCall): void {
  const { route, query, state } = call;
  const rv = query.get('resourceVersion') ?? '';
  const token = query.get('continue') ? decodeContinue(query.get('continue') ?? '') : undefined;
  const selected = selectedObjects(call, token?.rv);
  if (token && selected === 'Expired') {
    const fresh = encodeContinue({ rv: Number(state.store.currentResourceVersion()), start: token.start });
    throw expired(CONTINUE_EXPIRED, { continue: fresh });
  }
  if (rv !== '' && rv !== '0' && query.get('resourceVersionMatch') === 'Exact' && state.store.changesSince(route.info.key, Number(rv)).expired)
    throw expired('The resourceVersion for the provided list is too old.');
  let items = selected === 'Expired' ? [] : selected;
  if (token) items = items.filter((o) => keyOf(o) > token.start);
  const listRv = token ? token.rv : Number(state.store.currentResourceVersion());
  const limit = queryInt(query, 'limit') ?? 0;
  const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: String(listRv) };
  if (limit > 0 && rv !== '0' && items.length > limit) {
    const page = items.slice(0, limit);
    meta.continue = encodeContinue({ rv: listRv, start: `${keyOf(page[page.length - 1] ?? items[0] ?? { metadata: {} })}\u0000` });
    if (!query.get('labelSelector') && !query.get('fieldSelector')) meta.remainingItemCount = items.length - limit;
    items = page;
  }
  if (wantsTable(call.req.headers.accept)) {
    sendJson(call, 200, tableFor(route.info, items, meta, query.get('includeObject') ?? 'Metadata', state.clock.now()));
    return;
  }
  const encoding = negotiate(call.req.headers.accept, route.info, state.featureGates.ManagedFieldsOptOut);
  if (encoding.dropManagedFields) {
    items = items.map((o) => encodedObject(encoding, o));
    state.accounting.countDroppedManagedFields('list', route.info.key);
  }
  if (encoding.format === 'protobuf') {
    sendProtobuf(call, 200, protobufList(route.info, meta, items));
    return;
  }
  sendJson(call, 200, listJson(route.info.kind, apiVersionOf(route.info), meta, items));
}

/** serveGet answers a GET of one object (or its status/scale subresource). */
export function serveGet(call: ApiCall): void {
  const { route, state } = call;
  const name = route.name ?? '';
  const obj = state.store.get(route.info.key, route.namespace, name);
  if (!obj) throw notFound(route.info, name);
  if (route.subresource === 'scale') {
    sendJson(call, 200, scaleOf(obj));
    return;
  }
  if (wantsTable(call.req.headers.accept) && route.subresource === undefined) {
    sendJson(call, 200, tableFor(route.info, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, call.query.get('includeObject') ?? 'Metadata', state.clock.now()));
    return;
  }
  const encoding = route.subresource === undefined || route.subresource === 'status' ? negotiate(call.req.headers.accept, route.info, state.featureGates.ManagedFieldsOptOut) : JSON_ENCODING;
  const sent = encodedObject(encoding, obj);
  if (encoding.dropManagedFields) state.accounting.countDroppedManagedFields('get', route.info.key);
  const body = encoding.format === 'protobuf' ? protobufObject(sent) : undefined;
  if (body !== undefined) {
    sendProtobuf(call, 200, body);
    return;
  }
  sendJson(call, 200, sent);
}
