import type { KubeObject, ListMeta } from '../../../kube/types.ts';
import type { WatchEventType } from '../../../model/watch-event.ts';

/**
 * listItemJson serialises an object as a list item: without `apiVersion`/`kind`, as the real
 * server sends items of built-in types. Stored objects keep apiVersion and kind first, so this is
 * one JSON.stringify and a string slice, never an object copy.
 */
export function listItemJson(obj: KubeObject): string {
  const full = JSON.stringify(obj);
  const prefix = `{"apiVersion":${JSON.stringify(obj.apiVersion)},"kind":${JSON.stringify(obj.kind)},`;
  return full.startsWith(prefix) ? `{${full.slice(prefix.length)}` : full;
}

/** listJson serialises a LIST response: `{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{…},"items":[…]}`. */
export function listJson(kind: string, apiVersion: string, meta: ListMeta, items: readonly KubeObject[]): string {
  const parts = items.map(listItemJson);
  return `{"kind":${JSON.stringify(`${kind}List`)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`;
}

/** watchLine serialises one watch event as one line (the object keeps kind/apiVersion). */
export function watchLine(type: WatchEventType, obj: unknown): Buffer {
  return Buffer.from(`{"type":"${type}","object":${JSON.stringify(obj)}}\n`);
}
