/** apiVersion + kind → REST resource (plural, namespaced), from discovery cached per group-version or registered. */
import type { TypeMeta } from '@dsoi/object';
import { isNotFound, splitApiVersion, UnknownKindError } from './kubeApiError.js';

/** How the API server serves a kind. */
export interface ResourceMapping {
  readonly apiVersion: string;
  /** API group; `''` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural resource name in URLs and RBAC rules, e.g. `statefulsets`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

/** A kind declared up front, so the client never asks discovery about it. */
export interface KindRegistration extends TypeMeta {
  /** The plural resource name, e.g. `pinots` (`spec.names.plural` of a CRD). */
  readonly plural: string;
  /** Whether objects live in a namespace (`spec.scope: Namespaced`). */
  readonly namespaced: boolean;
}

/** The subset of a discovery `APIResourceList` the mapper reads. */
interface DiscoveryList {
  readonly resources?: ReadonlyArray<{ readonly name?: string; readonly kind?: string; readonly namespaced?: boolean }>;
}

/** Resolves kinds to resources; lookups that miss refresh their group-version once before failing. */
export interface ResourceMapper {
  resolve(type: TypeMeta, operation: string, signal?: AbortSignal): Promise<ResourceMapping>;
  register(kind: KindRegistration): void;
}

/** Fetches `/api/v1` or `/apis/<group>/<version>`; rejects with a `NotFoundError` when the server has no such path. */
export type FetchGroupVersion = (group: string, version: string) => Promise<unknown>;

/** A mapper that asks `fetchGroupVersion` on a miss and answers `kinds` without asking. */
export function createResourceMapper(fetchGroupVersion: FetchGroupVersion, kinds: readonly KindRegistration[] = []) {
  const registered = new Map<string, ResourceMapping>();
  const discovered = new Map<string, ReadonlyMap<string, ResourceMapping>>();
  const inflight = new Map<string, Promise<ReadonlyMap<string, ResourceMapping>>>();

  const register = (kind: KindRegistration) => {
    const [group, version] = splitApiVersion(kind.apiVersion);
    if (kind.plural === '' || version === '' || kind.kind === '') {
      throw new TypeError(`registerKind: apiVersion, kind and plural must be non-empty (got ${JSON.stringify(kind)})`);
    }
    registered.set(key(kind.apiVersion, kind.kind), {
      apiVersion: kind.apiVersion,
      group,
      version,
      kind: kind.kind,
      plural: kind.plural,
      namespaced: kind.namespaced,
    });
  };
  for (const kind of kinds) register(kind);

  /** Fetches one group-version; concurrent callers share the request (so it runs without any one caller's signal). */
  const refresh = (apiVersion: string) => {
    let pending = inflight.get(apiVersion);
    if (pending === undefined) {
      const [group, version] = splitApiVersion(apiVersion);
      pending = fetchGroupVersion(group, version)
        .then((list) => {
          const byKind = indexResources(apiVersion, list as DiscoveryList);
          discovered.set(apiVersion, byKind);
          return byKind;
        })
        .finally(() => inflight.delete(apiVersion));
      inflight.set(apiVersion, pending);
    }
    return pending;
  };

  const resolve = async (type: TypeMeta, operation: string, signal?: AbortSignal): Promise<ResourceMapping> => {
    const fixed = registered.get(key(type.apiVersion, type.kind));
    if (fixed !== undefined) return fixed;
    const cached = discovered.get(type.apiVersion)?.get(type.kind);
    if (cached !== undefined) return cached;
    // A miss refreshes once: the kind may belong to a CRD installed after the cache was filled.
    let byKind: ReadonlyMap<string, ResourceMapping>;
    try {
      byKind = await abortable(refresh(type.apiVersion), signal);
    } catch (err) {
      if (isNotFound(err)) {
        discovered.delete(type.apiVersion);
        throw new UnknownKindError({ apiVersion: type.apiVersion, kind: type.kind, operation, cause: err });
      }
      throw err;
    }
    const found = byKind.get(type.kind);
    if (found === undefined) throw new UnknownKindError({ apiVersion: type.apiVersion, kind: type.kind, operation });
    return found;
  };

  return { resolve, register } satisfies ResourceMapper;
}

/** Waits for `promise` unless `signal` aborts first (then rejects with its reason; the promise runs on). */
function abortable<TValue>(promise: Promise<TValue>, signal: AbortSignal | undefined): Promise<TValue> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<TValue>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function key(apiVersion: string, kind: string) {
  return `${apiVersion}\u0000${kind}`;
}

/** Indexes the top-level resources of an `APIResourceList` by kind (subresources such as `pods/status` are skipped). */
export function indexResources(apiVersion: string, list: DiscoveryList): ReadonlyMap<string, ResourceMapping> {
  const [group, version] = splitApiVersion(apiVersion);
  const byKind = new Map<string, ResourceMapping>();
  for (const resource of list.resources ?? []) {
    if (resource.name === undefined || resource.kind === undefined || resource.name.includes('/')) continue;
    if (byKind.has(resource.kind)) continue;
    byKind.set(resource.kind, {
      apiVersion,
      group,
      version,
      kind: resource.kind,
      plural: resource.name,
      namespaced: resource.namespaced === true,
    });
  }
  return byKind;
}
