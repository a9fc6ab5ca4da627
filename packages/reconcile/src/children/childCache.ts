/** The cache view a reconcile uses to read children: what the controller watches, by name or by owner. */
import type { KubeObject, TypeMeta } from '@dsoi/client';

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
