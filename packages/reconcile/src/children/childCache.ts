/**
 * The cache a reconcile reads: the store's cache reader (`createCacheReader`) over one controller's informers, plus
 * the kinds the controller owns. There is one read seam: a test fakes a `Reader`.
 */
import type { Reader } from '@dsoi/client';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { createCacheReader, type Informer } from '@dsoi/store';

/**
 * The client's `Reader` (`get`, `list`) served from the informers of the kinds a controller watches; never makes a
 * request. `get` of a missing object rejects with the client's `NotFoundError`, as the server would; reading a kind
 * the controller does not watch rejects with an Error naming it (add it to `owns`).
 */
export interface ChildCache extends Reader {
  /** The kinds the controller owns (its `owns` list): what `reconcileChildren` prunes by default. */
  ownedKinds(): readonly TypeMeta[];
}

/**
 * A {@link ChildCache}: the store's cache reader over a controller's informers (its primary kind, `owns` and
 * `watches`), keyed by kind, so a read uses the informer the controller holds whatever its label selector.
 */
export function informerChildCache(
  controller: string,
  handles: readonly { readonly type: TypeMeta; readonly informer: Informer<KubeObject> }[],
  owns: readonly TypeMeta[],
): ChildCache {
  const key = (type: TypeMeta) => `${type.apiVersion}/${type.kind}`;
  const informers = new Map(handles.map((h) => [key(h.type), h.informer]));
  const reader = createCacheReader({
    find(type) {
      const informer = informers.get(key(type));
      if (!informer) {
        throw new Error(`controller ${controller} does not watch ${key(type)}: add it to \`owns\` (or \`watches\`)`);
      }
      return informer;
    },
  });
  return { get: reader.get, list: reader.list, ownedKinds: () => owns };
}
