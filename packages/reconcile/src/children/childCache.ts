/** The cache view a reconcile uses to read children: what the controller watches, by name or by owner. */
import type { KubeObject, TypeMeta } from '@dsoi/object';
import type { Informer } from '@dsoi/store';

/** Reads objects of the kinds a controller watches from its informers; never makes a request. */
export interface ChildCache {
  /**
   * The live object of `type` with this name, or `undefined`.
   * @throws Error when the controller does not watch `type` (add it to `owns`).
   */
  get(type: TypeMeta, name: string, namespace?: string): KubeObject | undefined;
  /** Objects of `type` whose controller ownerReference has this uid (the owner index). */
  ownedBy(type: TypeMeta, ownerUid: string): readonly KubeObject[];
  /** The kinds the controller owns (its `owns` list). */
  ownedKinds(): readonly TypeMeta[];
}

/**
 * A {@link ChildCache} over a controller's informers (its primary kind, `owns` and `watches`), keyed by kind; the
 * owner lookup uses each informer's `owner` index.
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
  return {
    get: (type, name, namespace) => informerOf(type).get(name, namespace),
    ownedBy: (type, ownerUid) => informerOf(type).byIndex('owner', ownerUid),
    ownedKinds: () => owns,
  };
}
