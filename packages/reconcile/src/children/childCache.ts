/**
 * The cache a reconcile reads: the store's cache reader (`createCacheReader`) over one controller's informers, plus
 * the kinds the controller owns. There is one read seam: a test fakes a `Reader`.
 */
import type { Reader } from '@dsoi/client';
import type { KubeObject, ObjectRef, TypeMeta } from '@dsoi/object';
import { createCacheReader, type Informer } from '@dsoi/store';

/**
 * The client's `Reader` (`get`, `list`) served from the informers of the kinds a controller watches; never makes a
 * request. `get` of a missing object rejects with the client's `NotFoundError`, as the server would; reading a kind
 * the controller does not watch rejects with an Error naming it (add it to `owns`).
 */
export interface ChildCache extends Reader {
  /** The kinds the controller owns (its `owns` list): what `reconcileChildren` prunes by default. */
  ownedKinds(): readonly TypeMeta[];
  /**
   * The cached object `ref` names as the informers hold it now, or `undefined`: read at once (no sync wait, no
   * `NotFoundError`), so `reconcileChildren` can tell without a promise whether anything changed since its last
   * pass. The controller's cache has it; a `Reader` a test fakes may leave it out (every pass then reads through
   * `get`). @default none
   */
  peek?(ref: ObjectRef): KubeObject | undefined;
  /**
   * The cached objects of `kind` whose controller ownerReference has `uid`, from the informer's `owner` index
   * instead of a list of the namespace; `reconcileChildren` prunes through it when present. @default none (then
   * `list` in the owner's namespace, filtered by uid)
   */
  controlledBy?(kind: TypeMeta, uid: string): readonly KubeObject[];
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
  const informerOf = (type: TypeMeta) => {
    const informer = informers.get(key(type));
    if (!informer) {
      throw new Error(`controller ${controller} does not watch ${key(type)}: add it to \`owns\` (or \`watches\`)`);
    }
    return informer;
  };
  const reader = createCacheReader({ find: informerOf });
  return {
    get: reader.get,
    list: reader.list,
    ownedKinds: () => owns,
    peek(ref) {
      const informer = informerOf(ref);
      const found = informer.get(ref.name, ref.namespace);
      if (found !== undefined || !ref.namespace) return found;
      // A cluster-scoped object is cached under its bare name (as the cache reader's get reads it).
      const clusterScoped = informer.get(ref.name);
      return clusterScoped?.metadata?.namespace ? undefined : clusterScoped;
    },
    controlledBy: (kind, uid) => informerOf(kind).byIndex('owner', uid),
  };
}
