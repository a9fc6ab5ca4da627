/** URL paths and query strings of the Kubernetes REST API (`/api/v1/namespaces/x/configmaps/y/status`). */

/** What a resource path is built from. */
export interface ResourcePathInput {
  readonly group: string;
  readonly version: string;
  /** The plural resource name, e.g. `statefulsets`. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** Ignored for cluster-scoped resources; omitted on a namespaced one, the path spans all namespaces. */
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly subresource?: string | undefined;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === ''
    ? `/api/${encodeURIComponent(version)}`
    : `/apis/${encodeURIComponent(group)}/${encodeURIComponent(version)}`;
}

/** The path of a collection, an object or an object's subresource. */
export function resourcePath(input: ResourcePathInput): string {
  let path = groupVersionPath(input.group, input.version);
  if (input.namespaced && input.namespace !== undefined && input.namespace !== '') {
    path += `/namespaces/${encodeURIComponent(input.namespace)}`;
  }
  path += `/${encodeURIComponent(input.resource)}`;
  if (input.name !== undefined) {
    path += `/${encodeURIComponent(input.name)}`;
    if (input.subresource !== undefined) path += `/${encodeURIComponent(input.subresource)}`;
  }
  return path;
}

/** A query value; `undefined` and `false`-as-absent are the caller's choice (`undefined` is skipped). */
export type QueryValue = string | number | boolean | undefined;

/** `?a=1&b=x` from the defined entries, in insertion order; `''` when none is defined. */
export function queryString(params: Readonly<Record<string, QueryValue>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
