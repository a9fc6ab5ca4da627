/**
 * Parses a Kubernetes API request (method and URL) into verb, group, resource, namespace and name, the way
 * kube-apiserver's `RequestInfoFactory` does (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
 */

/** A Kubernetes API verb, as RBAC rules and audit logs name it. */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** The verbs that change state. */
export const writeVerbs: ReadonlySet<string> = new Set<KubeVerb>([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

/** What a request does, in kube-apiserver's terms. Absent parts are `''`, as in kube-apiserver. */
export interface RequestInfo {
  /** False for non-resource paths: discovery (`/api`, `/apis/apps/v1`), `/version`, `/healthz`, `/openapi/v3`. */
  readonly isResourceRequest: boolean;
  /**
   * The verb. For a non-resource request it is the lowercase HTTP method (`get`, `post`), as RBAC's
   * `nonResourceURLs` rules see it; `proxy` for the deprecated `/proxy/` paths.
   */
  readonly verb: KubeVerb | (string & {});
  /** API group, `''` for the core group (`/api/v1`). */
  readonly group: string;
  /** API version (`v1`). */
  readonly version: string;
  /** Resource (`configmaps`), without the subresource. */
  readonly resource: string;
  /** Subresource (`status`, `scale`), `''` when none. */
  readonly subresource: string;
  /** Namespace, `''` for cluster-scoped requests and for lists/watches across all namespaces. */
  readonly namespace: string;
  /** Object name; for a list or watch, the name pinned by `fieldSelector=metadata.name=<name>`. */
  readonly name: string;
}

const specialVerbs = new Set(['proxy', 'watch']);
// `/api/v1/namespaces/<ns>/status` is the namespace's own subresource, not a resource called "status" in <ns>.
const namespaceSubresources = new Set(['status', 'finalize']);
const methodVerbs: Readonly<Record<string, KubeVerb>> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * Parses `method` and the request target `url` (`/apis/apps/v1/namespaces/a/deployments?watch=true`).
 *
 * Guarantees: the same verb, group, resource, subresource, namespace and name kube-apiserver computes: `/watch/`
 * paths and a truthy `watch` query parameter (anything but `false`/`0`) on a collection make a `watch`, a GET on a
 * collection a `list`, a DELETE on a collection a `deletecollection`.
 */
export function parseRequestInfo(method: string, url: string): RequestInfo {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  const nonResource: RequestInfo = {
    isResourceRequest: false,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
  };
  const trimmed = pathname.replace(/^\/+|\/+$/g, '');
  let parts = trimmed === '' ? [] : trimmed.split('/').map(decodeSegment);
  const prefix = parts[0];
  if (parts.length < 3 || (prefix !== 'api' && prefix !== 'apis')) return nonResource;
  parts = parts.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (parts.length < 3) return nonResource; // `/apis/<group>/<version>` is discovery
    group = parts[0]!;
    parts = parts.slice(1);
  }
  const version = parts[0]!;
  parts = parts.slice(1);
  let verb: string = methodVerbs[method.toUpperCase()] ?? '';
  if (specialVerbs.has(parts[0]!)) {
    if (parts.length < 2) return nonResource; // kube-apiserver answers these with an error
    verb = parts[0]!;
    parts = parts.slice(1);
  }
  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !namespaceSubresources.has(parts[2]!)) parts = parts.slice(2);
  }
  const resource = parts[0] ?? '';
  let name = parts[1] ?? '';
  const subresource = parts.length >= 3 && verb !== 'proxy' ? parts[2]! : '';
  if (name === '' && verb === 'get') {
    verb = isTruthyParam(searchParams.get('watch')) ? 'watch' : 'list';
    name = nameFromFieldSelector(searchParams.get('fieldSelector'));
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  return { isResourceRequest: true, verb, group, version, resource, subresource, namespace, name };
}

/** Whether `info` is one of the {@link writeVerbs}. */
export function isWrite(info: RequestInfo): boolean {
  return info.isResourceRequest && writeVerbs.has(info.verb);
}

/** kube's bool query conversion: present and neither `false` nor `0` (case-insensitive) means true, even `''`. */
function isTruthyParam(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** The name of `metadata.name=<name>` (or `==`) in a field selector, `''` when absent or not an exact match. */
function nameFromFieldSelector(selector: string | null): string {
  if (!selector) return '';
  for (const term of selector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    // kube-apiserver ignores names that are not valid path segments.
    if (match?.[1] && !/[/%]/.test(match[1]) && match[1] !== '.' && match[1] !== '..') return match[1];
  }
  return '';
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
