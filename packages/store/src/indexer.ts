/** Secondary indexes of the cache: by namespace, by controller owner UID, by label, and custom ones. */
import type { KubeObject } from '@dsoi/object';

/**
 * Returns the index values of an object (none, one or many). It must be pure: the same object always gives the
 * same values, because the values of an object's previous version are recomputed to remove it from the index.
 */
export type IndexFunction<TObject extends KubeObject = KubeObject> = (obj: TObject) => readonly string[];

interface IndexedMetadata {
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly { readonly uid?: string; readonly controller?: boolean }[];
}

const metadataOf = (obj: KubeObject): IndexedMetadata | undefined => obj.metadata as IndexedMetadata | undefined;

/** `namespace`: the object's namespace (none for cluster-scoped objects). */
const namespaceIndex: IndexFunction = (obj) => {
  const namespace = metadataOf(obj)?.namespace;
  return namespace ? [namespace] : [];
};

/** `owner`: the UID of the object's controller (the ownerReference with `controller: true`), as controller-runtime maps children to owners. */
const ownerIndex: IndexFunction = (obj) => {
  const controller = metadataOf(obj)?.ownerReferences?.find((ref) => ref.controller === true);
  return controller?.uid ? [controller.uid] : [];
};

/** `label`: one `key=value` entry per label. */
const labelIndex: IndexFunction = (obj) => {
  const labels = metadataOf(obj)?.labels;
  return labels === undefined ? [] : Object.entries(labels).map(([key, value]) => `${key}=${value}`);
};

/** The indexes every informer has, by name. */
export const builtInIndexers: Readonly<Record<'namespace' | 'owner' | 'label', IndexFunction>> = Object.freeze({
  namespace: namespaceIndex,
  owner: ownerIndex,
  label: labelIndex,
});

/** Called when a custom index function throws; the object is then missing from that index only. */
export type IndexErrorListener = (error: unknown, indexName: string, obj: KubeObject) => void;

/** The indexes of one cache: index name → value → keys. Keys only: objects live once, in the cache's map. */
export interface IndexSet<TObject extends KubeObject> {
  /** Adds an index and fills it from `entries`. */
  define(name: string, fn: IndexFunction<TObject>, entries: Iterable<[string, TObject]>): void;
  /** The function of an index, if defined. */
  functionOf(name: string): IndexFunction<TObject> | undefined;
  /** Updates every index for the change of one key from `oldObj` to `newObj` (either may be absent). */
  change(key: string, oldObj: TObject | undefined, newObj: TObject | undefined): void;
  /** The keys indexed under `value`, or `undefined` for none (or no such index). */
  keys(name: string, value: string): ReadonlySet<string> | undefined;
  /** Index names, built-in ones first. */
  names(): readonly string[];
}

export function createIndexSet<TObject extends KubeObject>(onError: IndexErrorListener): IndexSet<TObject> {
  const indexes = new Map<string, { fn: IndexFunction<TObject>; byValue: Map<string, Set<string>> }>();

  const valuesOf = (name: string, fn: IndexFunction<TObject>, obj: TObject | undefined): readonly string[] => {
    if (obj === undefined) return [];
    try {
      return fn(obj);
    } catch (error) {
      onError(error, name, obj);
      return [];
    }
  };

  const add = (byValue: Map<string, Set<string>>, values: readonly string[], key: string) => {
    for (const value of values) {
      const keys = byValue.get(value);
      if (keys === undefined) byValue.set(value, new Set([key]));
      else keys.add(key);
    }
  };

  return {
    define(name, fn, entries) {
      const byValue = new Map<string, Set<string>>();
      for (const [key, obj] of entries) add(byValue, valuesOf(name, fn, obj), key);
      indexes.set(name, { fn, byValue });
    },
    functionOf: (name) => indexes.get(name)?.fn,
    change(key, oldObj, newObj) {
      for (const [name, { fn, byValue }] of indexes) {
        const before = valuesOf(name, fn, oldObj);
        const after = valuesOf(name, fn, newObj);
        if (before.length === after.length && before.every((value, i) => value === after[i])) continue;
        for (const value of before) {
          if (after.includes(value)) continue;
          const keys = byValue.get(value);
          keys?.delete(key);
          if (keys?.size === 0) byValue.delete(value);
        }
        add(byValue, after, key);
      }
    },
    keys: (name, value) => indexes.get(name)?.byValue.get(value),
    names: () => [...indexes.keys()],
  };
}
