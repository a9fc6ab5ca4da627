/**
 * A `ChildCache` over fixed objects for unit tests: a `Reader` that answers as the store's cache reader does, with
 * one frozen instance per object (what the desired-state memo keys on) and `NotFoundError` for a missing one.
 */
import type { KubeObject, Live, ObjectList, ObjectRefOrObject, TypeMeta } from '@dsoi/client';
import { NotFoundError } from '@dsoi/client/errors';
import type { ChildCache } from '../children/childCache.js';

/** Creates a {@link ChildCache} holding frozen copies of `objects`; `ownedKinds` is what it reports as owned. */
export function createFrozenCache(objects: readonly KubeObject[], ownedKinds: readonly TypeMeta[]): ChildCache {
  const frozen = objects.map((o) => Object.freeze(structuredClone(o)));
  const same = (type: TypeMeta, o: KubeObject) => o.apiVersion === type.apiVersion && o.kind === type.kind;
  return {
    async get<TObject extends KubeObject>(ref: ObjectRefOrObject) {
      const name = 'name' in ref ? ref.name : ref.metadata?.name;
      const namespace = 'name' in ref ? ref.namespace : ref.metadata?.namespace;
      const found = frozen.find(
        (o) =>
          o.apiVersion === ref.apiVersion &&
          o.kind === ref.kind &&
          o.metadata?.name === name &&
          o.metadata?.namespace === namespace,
      );
      if (found === undefined) {
        throw new NotFoundError({ reason: 'NotFound', code: 404, message: `get ${ref.kind} ${name}: not cached` });
      }
      return found as Live<TObject>;
    },
    async list<TObject extends KubeObject>(type: TypeMeta, options: { namespace?: string } = {}) {
      const items = frozen.filter(
        (o) => same(type, o) && (options.namespace === undefined || o.metadata?.namespace === options.namespace),
      );
      const list: ObjectList<TObject> = {
        apiVersion: type.apiVersion,
        kind: `${type.kind}List`,
        metadata: {},
        items: items as Live<TObject>[],
      };
      return list;
    },
    ownedKinds: () => ownedKinds,
  };
}
