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
 * Creates a factory of shared informers over `client`. Each informer lists and watches once, however many
 * controllers acquire it; nothing is shared between factories.
 */
export function createStoreFactory(client: InformerClient, options: StoreFactoryOptions = {}): StoreFactory {
  const { informerOptions = {}, transform } = options;
  const entries = new Map<string, Entry>();
  const running = new Set<Promise<void>>();
  let runSignal: AbortSignal | undefined;
  // Informers reject only on misuse; the first such error is rethrown by start() after everything stopped.
  const failures: unknown[] = [];

  const launch = (entry: Entry, signal: AbortSignal) => {
    const stop = new AbortController();
    entry.stop = stop;
    const done = entry.internals.informer
      .start(AbortSignal.any([signal, stop.signal]))
      .catch((error: unknown) => {
        failures.push(error);
      })
      .finally(() => running.delete(done));
    running.add(done);
  };

  const create = (key: string, type: TypeMeta, shared: SharedInformerOptions): Entry => {
    const labelSelector = labelSelectorString(shared.labelSelector);
    const internals = buildInformer<KubeObject>(client, type, {
      ...informerOptions,
      namespace: shared.namespace,
      labelSelector,
      fieldSelector: shared.fieldSelector,
      transform: transform === undefined ? undefined : (obj) => transform(obj, type),
    });
    return {
      key,
      type,
      namespace: shared.namespace || undefined,
      labelSelector,
      fieldSelector: shared.fieldSelector || undefined,
      internals,
      references: 0,
    };
  };

  const addIndexers = (entry: Entry, indexers: Readonly<Record<string, IndexFunction<KubeObject>>>) => {
    for (const [name, fn] of Object.entries(indexers)) {
      const existing = entry.internals.indexFunction(name);
      if (existing === fn) continue;
      if (existing !== undefined) {
        throw new StoreError(
          'IndexConflict',
          `shared informer ${entry.type.apiVersion} ${entry.type.kind}: index "${name}" is already defined with another function`,
        );
      }
      entry.internals.defineIndex(name, fn);
    }
  };

  const factory: StoreFactory = {
    informer<TObject extends KubeObject = KubeObject>(type: TypeMeta, shared: SharedInformerOptions<TObject> = {}) {
      const key = [
        type.apiVersion,
        type.kind,
        shared.namespace ?? '',
        labelSelectorString(shared.labelSelector) ?? '',
        shared.fieldSelector ?? '',
      ].join('\u0000');
      let entry = entries.get(key);
      const isNew = entry === undefined;
      entry ??= create(key, type, shared as SharedInformerOptions);
      addIndexers(entry, (shared.indexers ?? {}) as Readonly<Record<string, IndexFunction<KubeObject>>>);
      if (isNew) {
        entries.set(key, entry);
        if (runSignal !== undefined && !runSignal.aborted) launch(entry, runSignal);
      }
      entry.references++;
      return handleOf<TObject>(entry, () => {
        const current = entry;
        if (--current.references > 0) return;
        entries.delete(current.key);
        current.stop?.abort();
      });
    },
    async start(signal) {
      if (runSignal !== undefined)
        throw new StoreError('AlreadyStarted', 'store factory: start() called while it is running');
      runSignal = signal;
      failures.length = 0;
      try {
        for (const entry of entries.values()) launch(entry, signal);
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        while (running.size > 0) await Promise.all(running);
      } finally {
        runSignal = undefined;
      }
      if (failures.length > 0) throw failures[0];
    },
    async waitForSync(signal) {
      await Promise.all([...entries.values()].map((entry) => entry.internals.informer.waitForSync(signal)));
    },
    hasSynced: () => [...entries.values()].every((entry) => entry.internals.informer.hasSynced()),
    find<TObject extends KubeObject = KubeObject>(type: TypeMeta, lookup: InformerLookup = {}) {
      const candidates = [...entries.values()].filter(
        (entry) =>
          entry.type.apiVersion === type.apiVersion &&
          entry.type.kind === type.kind &&
          (entry.namespace === undefined || entry.namespace === lookup.namespace),
      );
      const labelSelector = labelSelectorString(lookup.labelSelector);
      const pick =
        candidates.find((entry) => entry.labelSelector === undefined && entry.fieldSelector === undefined) ??
        candidates.find(
          (entry) =>
            entry.labelSelector === labelSelector && entry.fieldSelector === (lookup.fieldSelector || undefined),
        ) ??
        (lookup.byName ? candidates[0] : undefined);
      return pick?.internals.informer as Informer<TObject> | undefined;
    },
  };
  return factory;
}

/** A handle: the shared informer seen through one user's subscriptions. */
function handleOf<TObject extends KubeObject>(entry: Entry, releaseEntry: () => void): SharedInformerHandle<TObject> {
  const shared = entry.internals.informer as unknown as Informer<TObject>;
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
