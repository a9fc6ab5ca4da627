/** The keyed object map behind an informer: a cheap read side handed out freely, one write side for the informer. */
import type { KubeObject } from '@dsoi/object';
import { StoreError } from './errors.js';
import {
  builtInIndexers,
  createIndexSet,
  type IndexErrorListener,
  type IndexFunction,
  type IndexSet,
} from './indexer.js';
import { type LabelRequirement, matchesLabels, parseLabelSelector } from './internal/labelSelector.js';

/** A label selector as a string (`app=web,tier in (a,b)`) or as a map of required `key: value` pairs. */
export type LabelSelector = string | Readonly<Record<string, string>>;

/** Filters of `list()` on a cache. */
export interface CacheListOptions {
  /** Only objects of this namespace. @default every namespace */
  readonly namespace?: string;
  /** Only objects whose labels match (`app=web,tier in (a,b)` or `{ app: 'web' }`). @default everything */
  readonly labelSelector?: LabelSelector;
}

/** The read side: lookups by key, filtered lists and index queries. Never copies an object. */
export interface CacheReader<TObject extends KubeObject> {
  /** The object `namespace/name` (or `name` for a cluster-scoped kind). */
  get(name: string, namespace?: string): TObject | undefined;
  /** The objects matching the filters, in no particular order. */
  list(options?: CacheListOptions): readonly TObject[];
  /** The objects indexed under `value` in index `indexName`; throws `StoreError` (`UnknownIndex`) for an unknown index. */
  byIndex(indexName: string, value: string): readonly TObject[];
  /** The number of cached objects. */
  readonly size: number;
  /** Every cached object. */
  values(): IterableIterator<TObject>;
}

/** What changed when the whole content was replaced. */
export interface CacheDiff<TObject extends KubeObject> {
  readonly added: readonly TObject[];
  readonly updated: readonly (readonly [oldObj: TObject, newObj: TObject])[];
  readonly deleted: readonly TObject[];
}

/** The write side, held by the informer only. */
export interface CacheWriter<TObject extends KubeObject> {
  /** Stores `obj` under its key; returns the object it replaced. */
  upsert(obj: TObject): TObject | undefined;
  /** Removes the object of `key`; returns it. */
  remove(key: string): TObject | undefined;
  /**
   * Makes `next` the whole content in one synchronous step (no reader can see a half-applied state) and returns
   * the differences. An entry whose value is the very object already cached counts as unchanged.
   */
  replace(next: ReadonlyMap<string, TObject>): CacheDiff<TObject>;
  /** Adds a custom index and fills it from the current content. */
  defineIndex(name: string, fn: IndexFunction<TObject>): void;
  /** The function of an index, if defined. */
  indexFunction(name: string): IndexFunction<TObject> | undefined;
}

/** Options of {@link createCache}. */
export interface CacheOptions<TObject extends KubeObject> {
  /** Custom indexes, besides `namespace`, `owner` and `label`. @default {} */
  readonly indexers?: Readonly<Record<string, IndexFunction<TObject>>>;
  /** Called when a custom index function throws. @default ignore */
  readonly onIndexError?: IndexErrorListener;
  /** Names the cache in error messages, e.g. `v1 ConfigMap`. @default 'cache' */
  readonly description?: string;
}

/** The cache key of an object: `namespace/name`, or `name` for a cluster-scoped object. */
export function objectKey(name: string, namespace?: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The cache key of an object, from its metadata. */
export function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata?.name ?? '', obj.metadata?.namespace);
}

/** Creates an empty cache with the built-in indexes and `indexers`. */
export function createCache<TObject extends KubeObject>(
  options: CacheOptions<TObject> = {},
): { reader: CacheReader<TObject>; writer: CacheWriter<TObject> } {
  const { indexers = {}, onIndexError = () => {}, description = 'cache' } = options;
  const objects = new Map<string, TObject>();
  const indexes = createIndexSet<TObject>(onIndexError);

  const defineIndex = (name: string, fn: IndexFunction<TObject>) => {
    if (indexes.functionOf(name) !== undefined) {
      throw new StoreError('IndexConflict', `${description}: an index named "${name}" already exists`);
    }
    indexes.define(name, fn, objects.entries());
  };
  for (const [name, fn] of Object.entries(builtInIndexers)) defineIndex(name, fn);
  for (const [name, fn] of Object.entries(indexers)) defineIndex(name, fn);

  const requirementsOf = createSelectorMemo();

  const reader: CacheReader<TObject> = {
    get: (name, namespace) => objects.get(objectKey(name, namespace)),
    list({ namespace, labelSelector } = {}) {
      const requirements = labelSelector === undefined ? [] : requirementsOf(labelSelector);
      return listMatching(objects, indexes, namespace, requirements);
    },
    byIndex(indexName, value) {
      if (indexes.functionOf(indexName) === undefined) {
        throw new StoreError(
          'UnknownIndex',
          `${description}: no index named "${indexName}" (indexes: ${indexes.names().join(', ')})`,
        );
      }
      return resolve(objects, indexes.keys(indexName, value) ?? []);
    },
    get size() {
      return objects.size;
    },
    values: () => objects.values(),
  };

  const writer: CacheWriter<TObject> = {
    upsert(obj) {
      const key = keyOf(obj);
      const old = objects.get(key);
      objects.set(key, obj);
      indexes.change(key, old, obj);
      return old;
    },
    remove(key) {
      const old = objects.get(key);
      if (old === undefined) return undefined;
      objects.delete(key);
      indexes.change(key, old, undefined);
      return old;
    },
    replace: (next) => replaceAll(objects, indexes, next),
    defineIndex,
    indexFunction: (name) => indexes.functionOf(name),
  };

  return { reader, writer };
}

/** Parses label selectors, remembering the strings it has seen: reconcilers list with the same few over and over. */
function createSelectorMemo(): (selector: LabelSelector) => readonly LabelRequirement[] {
  const parsed = new Map<string, readonly LabelRequirement[]>();
  return (selector) => {
    if (typeof selector !== 'string') return parseLabelSelector(selector);
    let requirements = parsed.get(selector);
    if (requirements === undefined) {
      requirements = parseLabelSelector(selector);
      if (parsed.size >= 64) parsed.clear();
      parsed.set(selector, requirements);
    }
    return requirements;
  };
}

/** The objects of `namespace` (if given) matching `requirements`, from the smallest index bucket they must all be in. */
function listMatching<TObject extends KubeObject>(
  objects: ReadonlyMap<string, TObject>,
  indexes: IndexSet<TObject>,
  namespace: string | undefined,
  requirements: readonly LabelRequirement[],
): readonly TObject[] {
  let candidates: ReadonlySet<string> | undefined;
  let narrowed = false;
  const narrow = (keys: ReadonlySet<string> | undefined) => {
    if (!narrowed || (keys?.size ?? 0) < (candidates?.size ?? 0)) candidates = keys;
    narrowed = true;
  };
  if (namespace) narrow(indexes.keys('namespace', namespace));
  for (const { key, operator, values } of requirements) {
    if ((operator === 'Equals' || operator === 'In') && values.length === 1) {
      narrow(indexes.keys('label', `${key}=${values[0]}`));
    }
  }
  const pool = narrowed ? resolve(objects, candidates ?? []) : [...objects.values()];
  if (!namespace && requirements.length === 0) return pool;
  return pool.filter(
    (obj) =>
      (!namespace || obj.metadata?.namespace === namespace) &&
      matchesLabels(requirements, (obj.metadata as { labels?: Record<string, string> } | undefined)?.labels),
  );
}

/** The cached objects of `keys`, skipping keys no longer cached. */
function resolve<TObject>(objects: ReadonlyMap<string, TObject>, keys: Iterable<string>): TObject[] {
  const result: TObject[] = [];
  for (const key of keys) {
    const obj = objects.get(key);
    if (obj !== undefined) result.push(obj);
  }
  return result;
}

/** Makes `next` the whole content of `objects` in one synchronous step, keeping `indexes` in step; returns the differences. */
function replaceAll<TObject extends KubeObject>(
  objects: Map<string, TObject>,
  indexes: IndexSet<TObject>,
  next: ReadonlyMap<string, TObject>,
): CacheDiff<TObject> {
  const added: TObject[] = [];
  const updated: (readonly [TObject, TObject])[] = [];
  const deleted: TObject[] = [];
  for (const [key, old] of [...objects].filter(([key]) => !next.has(key))) {
    objects.delete(key);
    indexes.change(key, old, undefined);
    deleted.push(old);
  }
  for (const [key, obj] of next) {
    const old = objects.get(key);
    if (old === obj) continue;
    objects.set(key, obj);
    indexes.change(key, old, obj);
    if (old === undefined) added.push(obj);
    else updated.push([old, obj]);
  }
  return { added, updated, deleted };
}
