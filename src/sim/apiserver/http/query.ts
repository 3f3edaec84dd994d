import { badRequest } from '../../core/api-error.ts';

// Query parameters as kube-apiserver decodes them into ListOptions/GetOptions/PodLogOptions
// (k8s.io/apimachinery pkg/runtime/conversion.go: Convert_Slice_string_To_bool and
// Convert_Slice_string_To_int64; the parameter codec in pkg/runtime/codec.go). A boolean is true
// for every value except an absent/empty one, "0" and "false" in any case — so the Python client's
// `watch=True` opens a watch. An integer that does not parse is a 400 BadRequest.

/** queryBool reads a boolean query parameter by the apiserver's rule (first value wins). */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  const lower = v.toLowerCase();
  return lower !== '0' && lower !== 'false';
}

/** queryInt reads an integer query parameter; undefined when absent or empty, 400 when not an integer. */
export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)} is not an integer`);
  return Number(v);
}
