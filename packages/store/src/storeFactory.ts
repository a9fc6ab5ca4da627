/** Shared informers: one per (kind, namespace, label selector, field selector), reference-counted, started together. */
import type { KubeObject, TypeMeta } from '@dsoi/client';
import type { CacheListOptions, LabelSelector } from './cache.js';
import { StoreError } from './errors.js';
import type { IndexFunction } from './indexer.js';
import {
  buildInformer,
  type Informer,
  type InformerClient,
  type InformerInternals,
  type InformerOptions,
} from './informer.js';
import { labelSelectorString } from './internal/labelSelector.js';

/** What identifies a shared informer, plus the indexes its user needs. */
export interface SharedInformerOptions<TObject extends KubeObject = KubeObject> {
  /** Watch one namespace. @default every namespace */
  readonly namespace?: string;
  /** Server-side label filter. @default everything */
  readonly labelSelector?: LabelSelector;
  /** Server-side field filter. @default everything */
  readonly fieldSelector?: string;
  /**
   * Custom indexes this user needs; added to the shared informer if missing. Throws `StoreError` (`IndexConflict`)
   * when another user defined the same name with a different function (define index functions once, at module level).
   * @default {}
   */
  readonly indexers?: Readonly<Record<string, IndexFunction<TObject>>>;
}

/** One user's hold on a shared informer. */
export interface SharedInformerHandle<TObject extends KubeObject = KubeObject> {
  /**
   * The shared informer. Its `start()` rejects (`StoreError` `SharedInformer`): the factory runs it. Subscriptions
   * made through this handle end with `release()`.
   */
  readonly informer: Informer<TObject>;
  /** Gives the informer back; the last release stops it and drops its cache. Idempotent. */
  release(): void;
}

/** Options of {@link createStoreFactory}. */
export interface StoreFactoryOptions {
  /**
   * Settings of every informer the factory creates (everything but what identifies it: namespace, selectors,
   * indexers, transform). @default informerDefaults
   */
  readonly informerOptions?: Omit<
    InformerOptions,
    'namespace' | 'labelSelector' | 'fieldSelector' | 'indexers' | 'transform'
  >;
  /** Trims objects of every kind before they are cached (see `InformerOptions.transform`). @default none */
  readonly transform?: (obj: KubeObject, type: TypeMeta) => KubeObject;
}

/** Which informer a cache read should use. */
export interface InformerLookup {
  /** The namespace read; `undefined` for all namespaces (or a cluster-scoped kind). */
  readonly namespace?: string;
  /** The label selector of a list, if any. */
  readonly labelSelector?: LabelSelector;
  /** The field selector of a list, if any. */
  readonly fieldSelector?: string;
  /** `get` by name may use an informer with selectors when no unfiltered one exists (objects outside them read as absent). */
  readonly byName?: boolean;
}

/** Hands out shared informers and runs them. */
export interface StoreFactory {
  /**
   * Returns a handle on the informer of (`type`, namespace, selectors), creating it on first use. While the
   * factory runs, a new informer starts at once; otherwise it starts with the factory.
   */
  informer<TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options?: SharedInformerOptions<TObject>,
  ): SharedInformerHandle<TObject>;
  /** Runs every informer, including those acquired later, until `signal` aborts; resolves when all have stopped. */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Resolves when every informer acquired so far has synced; rejects at once with the first informer's blocking
   * error (`ForbiddenError`, ...), see `Informer.waitForSync`.
   */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** True when every informer acquired so far has synced (also when there is none). */
  hasSynced(): boolean;
  /**
   * The informer a cache read of `type` should use, or `undefined`: an unfiltered one covering the namespace first,
   * else one with exactly the lookup's selectors. Used by `createCacheReader`.
   */
  find<TObject extends KubeObject = KubeObject>(type: TypeMeta, lookup?: InformerLookup): Informer<TObject> | undefined;
}

/** One shared informer: what identifies it, its internals, how many users hold it, and how to stop its run. */
interface Entry {
  readonly key: string;
  readonly type: TypeMeta;
  readonly namespace: string | undefined;
  readonly labelSelector: string | undefined;
  readonly fieldSelector: string | undefined;
  readonly internals: InformerInternals<KubeObject>;
  references: number;
  stop?: AbortController;
}

/**
 * Everything a factory holds, in one value a test can read: the shared informers by key, the informer runs in
 * flight, the signal of the running `start()` (`undefined` while stopped) and the errors informers rejected with.
 */
export interface StoreFactoryState {
  readonly entries: Map<string, Entry>;
  readonly running: Set<Promise<void>>;
  runSignal: AbortSignal | undefined;
  /** Informers reject only on misuse; the first such error is rethrown by `start()` after everything stopped. */
  readonly failures: unknown[];
}

/**
 * Creates a factory of shared informers over `client`. Each informer lists and watches once, however many
 * controllers acquire it; nothing is shared between factories.
 */
export function createStoreFactory(client: InformerClient, options: StoreFactoryOptions = {}): StoreFactory {
  return storeFactoryOver(
    { entries: new Map(), running: new Set(), runSignal: undefined, failures: [] },
    client,
    options,
  );
}

/** The factory whose state is `state` (a test passes its own to watch entries come, run and go). */
export function storeFactoryOver(
  state: StoreFactoryState,
  client: InformerClient,
  options: StoreFactoryOptions,
): StoreFactory {
  return {
    informer: (type, shared = {}) =>
      acquire(state, type, shared, (key) => createEntry(client, options, key, type, shared)),
    start: (signal) => runAll(state, signal),
    async waitForSync(signal) {
      await Promise.all([...state.entries.values()].map((entry) => entry.internals.informer.waitForSync(signal)));
    },
    hasSynced: () => [...state.entries.values()].every((entry) => entry.internals.informer.hasSynced()),
    find: <TObject extends KubeObject>(type: TypeMeta, lookup: InformerLookup = {}) =>
      findInformer(state, type, lookup) as Informer<TObject> | undefined,
  };
}

/** The key of the shared informer of (`type`, namespace, label selector, field selector). */
function sharedInformerKey(type: TypeMeta, shared: SharedInformerOptions<never>): string {
  const labelSelector = labelSelectorString(shared.labelSelector) ?? '';
  return [type.apiVersion, type.kind, shared.namespace ?? '', labelSelector, shared.fieldSelector ?? ''].join('\u0000');
}

/**
 * Hands out a hold on the shared informer of `shared`'s key, creating its entry with `create` on first use (and
 * starting it at once while the factory runs); the last release stops it and removes the entry.
 */
function acquire<TObject extends KubeObject>(
  state: StoreFactoryState,
  type: TypeMeta,
  shared: SharedInformerOptions<TObject>,
  create: (key: string) => Entry,
): SharedInformerHandle<TObject> {
  const key = sharedInformerKey(type, shared);
  const existing = state.entries.get(key);
  const entry = existing ?? create(key);
  addIndexers(entry, shared.indexers ?? {});
  if (existing === undefined) {
    state.entries.set(key, entry);
    if (state.runSignal !== undefined && !state.runSignal.aborted) launch(state, entry, state.runSignal);
  }
  entry.references++;
  return handleOf<TObject>(entry, () => {
    if (--entry.references > 0) return;
    state.entries.delete(entry.key);
    entry.stop?.abort();
  });
}

function createEntry(
  client: InformerClient,
  { informerOptions = {}, transform }: StoreFactoryOptions,
  key: string,
  type: TypeMeta,
  shared: SharedInformerOptions<never>,
): Entry {
  const labelSelector = labelSelectorString(shared.labelSelector);
  const internals = buildInformer<KubeObject>(client, type, {
    ...informerOptions,
    namespace: shared.namespace,
    labelSelector,
    fieldSelector: shared.fieldSelector,
    transform: transform === undefined ? undefined : (obj) => transform(obj, type),
  });
  const namespace = shared.namespace || undefined;
  const fieldSelector = shared.fieldSelector || undefined;
  return { key, type, namespace, labelSelector, fieldSelector, internals, references: 0 };
}

/** Adds the indexes a user needs to a shared informer; the same name with another function is a conflict. */
function addIndexers<TObject extends KubeObject>(
  entry: Entry,
  indexers: Readonly<Record<string, IndexFunction<TObject>>>,
): void {
  for (const [name, fn] of Object.entries(indexers)) {
    const existing = entry.internals.indexFunction(name);
    if (existing === fn) continue;
    if (existing !== undefined) {
      throw new StoreError(
        'IndexConflict',
        `shared informer ${entry.type.apiVersion} ${entry.type.kind}: index "${name}" is already defined with another function`,
      );
    }
    // The user's objects are of this kind: an index over them reads the cached objects of the kind.
    entry.internals.defineIndex(name, fn as IndexFunction<KubeObject>);
  }
}

/** Starts one entry's informer under `signal` (or its own release), remembering a misuse rejection. */
function launch(state: StoreFactoryState, entry: Entry, signal: AbortSignal): void {
  const stop = new AbortController();
  entry.stop = stop;
  const done = entry.internals.informer
    .start(AbortSignal.any([signal, stop.signal]))
    .catch((error: unknown) => {
      state.failures.push(error);
    })
    .finally(() => state.running.delete(done));
  state.running.add(done);
}

/** Runs every entry, and those added later, until `signal` aborts; resolves when all stopped. */
async function runAll(state: StoreFactoryState, signal: AbortSignal): Promise<void> {
  if (state.runSignal !== undefined) {
    throw new StoreError('AlreadyStarted', 'store factory: start() called while it is running');
  }
  state.runSignal = signal;
  state.failures.length = 0;
  try {
    for (const entry of state.entries.values()) launch(state, entry, signal);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (state.running.size > 0) await Promise.all(state.running);
  } finally {
    state.runSignal = undefined;
  }
  if (state.failures.length > 0) throw state.failures[0];
}

/** The informer a cache read should use: an unfiltered one covering the namespace, else one with these selectors. */
function findInformer(state: StoreFactoryState, type: TypeMeta, lookup: InformerLookup): Informer | undefined {
  const candidates = [...state.entries.values()].filter(
    (entry) =>
      entry.type.apiVersion === type.apiVersion &&
      entry.type.kind === type.kind &&
      (entry.namespace === undefined || entry.namespace === lookup.namespace),
  );
  const labelSelector = labelSelectorString(lookup.labelSelector);
  const pick =
    candidates.find((entry) => entry.labelSelector === undefined && entry.fieldSelector === undefined) ??
    candidates.find(
      (entry) => entry.labelSelector === labelSelector && entry.fieldSelector === (lookup.fieldSelector || undefined),
    ) ??
    (lookup.byName ? candidates[0] : undefined);
  return pick?.internals.informer;
}

/** A handle: the shared informer seen through one user's subscriptions. */
function handleOf<TObject extends KubeObject>(entry: Entry, releaseEntry: () => void): SharedInformerHandle<TObject> {
  // The kind's objects are what the user typed them as (`TObject`), as with the client's `get<TObject>`.
  const shared = entry.internals.informer as Informer<TObject>;
  const unsubscribes = new Set<() => void>();
  let released = false;
  const informer: Informer<TObject> = {
    type: shared.type,
    start: () =>
      Promise.reject(
        new StoreError(
          'SharedInformer',
          `shared informer ${shared.type.apiVersion} ${shared.type.kind}: started by its factory, not by start()`,
        ),
      ),
    subscribe(handlers) {
      if (released) {
        const { apiVersion, kind } = shared.type;
        throw new StoreError('Stopped', `shared informer ${apiVersion} ${kind}: subscribe() after release()`);
      }
      const unsubscribe = shared.subscribe(handlers);
      const once = () => {
        unsubscribes.delete(once);
        unsubscribe();
      };
      unsubscribes.add(once);
      return once;
    },
    hasSynced: () => shared.hasSynced(),
    waitForSync: (signal) => shared.waitForSync(signal),
    lastEventAgeMs: () => shared.lastEventAgeMs(),
    get: (name, namespace) => shared.get(name, namespace),
    list: (options?: CacheListOptions) => shared.list(options),
    byIndex: (indexName, value) => shared.byIndex(indexName, value),
    stats: () => shared.stats(),
  };
  return {
    informer,
    release() {
      if (released) return;
      released = true;
      for (const unsubscribe of [...unsubscribes]) unsubscribe();
      releaseEntry();
    },
  };
}
