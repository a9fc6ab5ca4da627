/** The informer: a paginated list, then a watch from its resourceVersion, kept alive forever, into an indexed cache. */

import type { Client } from '@dsoi/client';
import type { KubeObject, TypeMeta } from '@dsoi/object';
import { type CacheListOptions, createCache, type LabelSelector } from './cache.js';
import { StoreError } from './errors.js';
import type { IndexFunction } from './indexer.js';
import { createInformerProgress, type InformerContext, informerSteps } from './internal/informerSteps.js';
import { labelSelectorString, parseLabelSelector } from './internal/labelSelector.js';
import { runListWatch } from './internal/listWatchLoop.js';
import type { ListWatchPacing } from './internal/listWatchState.js';
import { prepareObject } from './internal/prepareObject.js';
import { createSubscribers } from './internal/subscribers.js';
import { createSyncGate } from './internal/syncGate.js';

/** The part of `@dsoi/client`'s `Client` an informer uses: a `Client` fits, and so does a test double. */
export type InformerClient = Pick<Client, 'list' | 'watch'>;

/** What an informer tells its subscribers. Every method is optional. */
export interface InformerEventHandlers<TObject> {
  /** An object appeared (or was already cached when the handler subscribed). */
  add?(obj: TObject): void;
  /** An object changed: its resourceVersion differs from the cached one. */
  update?(oldObj: TObject, newObj: TObject): void;
  /** An object disappeared; `obj` is its last known state. */
  delete?(obj: TObject): void;
}

/** Which handler failed, for `onHandlerError`. */
export interface HandlerErrorInfo<TObject extends KubeObject = KubeObject> {
  /** The handler method that threw (or whose promise rejected). */
  readonly event: 'add' | 'update' | 'delete';
  /** The object it was called with (the new one for `update`). */
  readonly object: TObject;
}

/** What failed, for `onError`. */
export interface InformerErrorInfo {
  /** `list` and `watch` failures are retried; a `transform` failure keeps the untransformed object; an `index` failure leaves the object out of that index. */
  readonly operation: 'list' | 'watch' | 'transform' | 'index';
  /** Consecutive list/watch failures so far, this one included (0 for `transform` and `index`). */
  readonly failures: number;
  /** When the informer tries again (0: at once); `undefined` for `transform` and `index`. */
  readonly retryInMs: number | undefined;
}

/** Options of {@link createInformer}. */
export interface InformerOptions<TObject extends KubeObject = KubeObject> {
  /** Watch one namespace. Ignored for cluster-scoped kinds. @default every namespace */
  readonly namespace?: string;
  /** Server-side label filter, e.g. `app.kubernetes.io/managed-by=pinot-operator` or `{ app: 'web' }`. @default everything */
  readonly labelSelector?: LabelSelector;
  /** Server-side field filter, e.g. `metadata.name=broker`. @default everything */
  readonly fieldSelector?: string;
  /** Custom indexes besides `namespace`, `owner` and `label`, queried with `byIndex(name, value)`. @default {} */
  readonly indexers?: Readonly<Record<string, IndexFunction<TObject>>>;
  /**
   * Trims each object before it is cached (after `managedFields` is stripped), to save memory. Must return a
   * valid object with the same `metadata.name`, `namespace` and `resourceVersion`. @default none
   */
  readonly transform?: (obj: TObject) => TObject;
  /** Drop `metadata.managedFields` (often a third of an object) before caching. @default true */
  readonly stripManagedFields?: boolean;
  /** Deep-freeze cached objects, so a caller that mutates one gets a TypeError instead of corrupting the cache. @default true */
  readonly freeze?: boolean;
  /** Items per page of the list. @default 500 */
  readonly pageSize?: number;
  /**
   * The server ends each watch after a random time between this and twice this, and the informer re-watches at
   * once from the last resourceVersion (no relist). About 2 s before that end the server sends a bookmark (if the
   * kind's resourceVersion has moved since the watch began).
   * @default 300
   */
  readonly watchTimeoutSeconds?: number;
  /**
   * A watch silent for this long (not even a bookmark, which the server sends about every 60 s while the kind's
   * resourceVersion moves) is closed and reopened: the cure for streams that stop without an error. @default 90_000
   */
  readonly inactivityTimeoutMs?: number;
  /** Ask for BOOKMARK events, which keep the resourceVersion fresh and feed the inactivity watchdog. @default true */
  readonly allowWatchBookmarks?: boolean;
  /** The first reconnect waits 1-2× this; each further failure doubles it. @default 800 */
  readonly reconnectInitialDelayMs?: number;
  /** No reconnect waits longer than this; at this cap the waits spread over its upper half. @default 30_000 */
  readonly reconnectMaxDelayMs?: number;
  /**
   * The old name of `reconnectInitialDelayMs`, still read; `reconnectInitialDelayMs` wins when both are given.
   * @deprecated Use `reconnectInitialDelayMs` (dsoi names every first retry delay `…InitialDelayMs`).
   */
  readonly initialBackoffMs?: number;
  /**
   * The old name of `reconnectMaxDelayMs`, still read; `reconnectMaxDelayMs` wins when both are given.
   * @deprecated Use `reconnectMaxDelayMs` (dsoi names every largest retry delay `…MaxDelayMs`).
   */
  readonly maxBackoffMs?: number;
  /** A watch connection that stayed up this long resets the backoff to `reconnectInitialDelayMs`. @default 60_000 */
  readonly backoffResetMs?: number;
  /**
   * After the first list, how long the first watch request may take to be refused (Forbidden) before the cache
   * counts as synced anyway; the first watch event or a normal end confirms it sooner. 0 declares the cache synced
   * right after the list, as client-go does.
   * Caveat: the client reports no "watch connected" moment, so a refusal slower than this is only retried and
   * reported through `onError`, not through `waitForSync()`.
   * @default 200
   */
  readonly watchConfirmMs?: number;
  /**
   * Called on each list/watch failure (then retried) and each transform/index failure.
   * @default a `console.warn` line, except for failures retried at once (a first 410 Gone, a first quiet watch)
   */
  readonly onError?: (error: unknown, info: InformerErrorInfo) => void;
  /** Called when an event handler throws or its promise rejects. @default a `console.error` line */
  readonly onHandlerError?: (error: unknown, info: HandlerErrorInfo<TObject>) => void;
  /** Source of randomness in [0, 1) for backoff jitter and watch timeouts. @default Math.random */
  readonly random?: () => number;
}

/** The defaults of {@link InformerOptions}. */
export const informerDefaults = Object.freeze({
  stripManagedFields: true,
  freeze: true,
  pageSize: 500,
  watchTimeoutSeconds: 300,
  inactivityTimeoutMs: 90_000,
  allowWatchBookmarks: true,
  reconnectInitialDelayMs: 800,
  reconnectMaxDelayMs: 30_000,
  /** @deprecated The old name of `reconnectInitialDelayMs`. */
  initialBackoffMs: 800,
  /** @deprecated The old name of `reconnectMaxDelayMs`. */
  maxBackoffMs: 30_000,
  backoffResetMs: 60_000,
  watchConfirmMs: 200,
});

/** Counters of one informer since it was created, for tests, metrics and readiness. */
export interface InformerStats {
  /** List requests sent (one per page). */
  readonly lists: number;
  /** Complete lists after the first one (after 410 Gone, or a restart), each swapped in with a diff. */
  readonly relists: number;
  /** Watch connections opened. */
  readonly watches: number;
  /** Watch connections opened after an earlier one of the same `start()` ended (normally or not). */
  readonly reconnects: number;
  /** Watch events received (ADDED, MODIFIED, DELETED), no-op ones included. */
  readonly events: number;
  /** BOOKMARK events received. */
  readonly bookmarks: number;
  /** Watches closed by the inactivity watchdog. */
  readonly inactivityTimeouts: number;
  /** List and watch failures (each followed by a retry). */
  readonly failures: number;
  /** Objects in the cache. */
  readonly objects: number;
  /** The resourceVersion the next watch resumes from. */
  readonly lastResourceVersion: string | undefined;
}

/**
 * A cache of one kind (in one namespace, with one selector), kept in step with the API server.
 *
 * Guarantees: after `waitForSync()`, every change the server makes reaches the cache and the handlers exactly once
 * and in order per object, across reconnects, 410 Gone relists and restarts; an unchanged object (same
 * resourceVersion) never produces an event; exactly one watch connection is open while it runs.
 *
 * Caveats: the cache lags the server by the watch latency, so never use it for optimistic-concurrency writes;
 * cached objects are frozen (copy with `structuredClone` before changing one).
 */
export interface Informer<TObject extends KubeObject = KubeObject> {
  readonly type: TypeMeta;
  /**
   * Lists and watches until `signal` aborts, then resolves once the watch is closed. API errors never reject it:
   * they are retried with backoff. It rejects only on misuse (`StoreError` `AlreadyStarted`). Starting again after
   * a stop relists and emits only what changed meanwhile.
   */
  start(signal: AbortSignal): Promise<void>;
  /**
   * Adds handlers and returns the function that removes them. Handlers added after objects are cached first get
   * `add` for each of them, synchronously, so they miss nothing and see nothing twice.
   */
  subscribe(handlers: InformerEventHandlers<TObject>): () => void;
  /** True once the first list is cached (and the first watch was not refused). */
  hasSynced(): boolean;
  /**
   * Resolves when the cache has synced. Rejects at once with the client's `ForbiddenError` (naming verb and
   * resource), `UnauthorizedError` or `UnknownKindError` while list or watch fails so (the informer keeps
   * retrying, so a later call may succeed); with `StoreError` `Stopped` if the informer stops first; with the
   * signal's reason on abort.
   */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** Milliseconds since the last list, event or bookmark (`Infinity` before the first list), for readiness probes. */
  lastEventAgeMs(): number;
  /** The cached object `namespace/name` (or `name` for a cluster-scoped kind). */
  get(name: string, namespace?: string): TObject | undefined;
  /** Cached objects, optionally of one namespace and matching a label selector. */
  list(options?: CacheListOptions): readonly TObject[];
  /**
   * Cached objects by index: `namespace` (value: the namespace), `owner` (the controller ownerReference's uid),
   * `label` (`key=value`) or a custom index. Throws `StoreError` `UnknownIndex` for an unknown index name.
   */
  byIndex(indexName: string, value: string): readonly TObject[];
  /** A snapshot of the counters. */
  stats(): InformerStats;
}

/** What the factory needs beyond the public interface: adding indexes to a shared informer. */
export interface InformerInternals<TObject extends KubeObject> {
  readonly informer: Informer<TObject>;
  defineIndex(name: string, fn: IndexFunction<TObject>): void;
  indexFunction(name: string): IndexFunction<TObject> | undefined;
}

/** Watches shorter than this that end normally without an event count as failures, so a server that closes watches at once cannot make us spin. */
const minHealthyWatchMs = 1_000;

/**
 * Creates an informer of `type` (`{ apiVersion: 'v1', kind: 'ConfigMap' }`). Nothing happens until `start()`.
 * Errors: `StoreError` (`IndexConflict`) if a custom index reuses a built-in name; `InvalidSelector` for a bad selector.
 */
export function createInformer<TObject extends KubeObject = KubeObject>(
  client: InformerClient,
  type: TypeMeta,
  options: InformerOptions<TObject> = {},
): Informer<TObject> {
  return buildInformer(client, type, options).informer;
}

/** {@link createInformer}, plus the internals the factory needs. */
export function buildInformer<TObject extends KubeObject>(
  client: InformerClient,
  type: TypeMeta,
  {
    namespace,
    labelSelector,
    fieldSelector,
    indexers = {},
    transform,
    stripManagedFields = informerDefaults.stripManagedFields,
    freeze = informerDefaults.freeze,
    pageSize = informerDefaults.pageSize,
    watchTimeoutSeconds = informerDefaults.watchTimeoutSeconds,
    inactivityTimeoutMs = informerDefaults.inactivityTimeoutMs,
    allowWatchBookmarks = informerDefaults.allowWatchBookmarks,
    initialBackoffMs,
    maxBackoffMs,
    reconnectInitialDelayMs = initialBackoffMs ?? informerDefaults.reconnectInitialDelayMs,
    reconnectMaxDelayMs = maxBackoffMs ?? informerDefaults.reconnectMaxDelayMs,
    backoffResetMs = informerDefaults.backoffResetMs,
    watchConfirmMs = informerDefaults.watchConfirmMs,
    onError,
    onHandlerError,
    random = Math.random,
  }: InformerOptions<TObject> = {},
): InformerInternals<TObject> {
  const description = `informer ${type.apiVersion} ${type.kind}${namespace ? ` in ${namespace}` : ''}`;
  // A bad selector would fail every list with 400 forever: refuse it here, naming the problem.
  if (labelSelector !== undefined) parseLabelSelector(labelSelector);
  checkOptions(description, {
    pageSize,
    watchTimeoutSeconds,
    inactivityTimeoutMs,
    reconnectInitialDelayMs,
    reconnectMaxDelayMs,
    backoffResetMs,
    watchConfirmMs,
  });
  const report = neverThrowing(onError ?? warnOnError(description));
  // Transform and index failures are not retried: the object stays untransformed, or out of that index.
  const reportOnce = (operation: 'transform' | 'index') => (error: unknown) =>
    report(error, { operation, failures: 0, retryInMs: undefined });
  const { reader, writer } = createCache<TObject>({ indexers, description, onIndexError: reportOnce('index') });
  const subscribers = createSubscribers<TObject>(onHandlerError ?? logHandlerError(description));
  const onTransformError = reportOnce('transform');
  const context: InformerContext<TObject> = {
    client,
    type,
    requests: {
      namespace,
      labelSelector: labelSelectorString(labelSelector),
      fieldSelector,
      pageSize,
      watchTimeoutSeconds,
      inactivityTimeoutMs,
      allowWatchBookmarks,
      watchConfirmMs,
      random,
    },
    reader,
    writer,
    subscribers,
    gate: createSyncGate(),
    prepare: (raw) => prepareObject(raw, { stripManagedFields, transform, freeze, onTransformError }),
    report,
    progress: createInformerProgress(),
  };
  const pacing = {
    initialMs: reconnectInitialDelayMs,
    maxMs: reconnectMaxDelayMs,
    random,
    resetAfterMs: backoffResetMs,
    minHealthyWatchMs,
  };
  return {
    informer: informerOver(context, pacing, description),
    defineIndex: (name, fn) => writer.defineIndex(name, fn),
    indexFunction: (name) => writer.indexFunction(name),
  };
}

/** The public face of an informer: `start()` runs the list-watch loop over `context`; reads go to its cache. */
function informerOver<TObject extends KubeObject>(
  context: InformerContext<TObject>,
  pacing: ListWatchPacing,
  description: string,
): Informer<TObject> {
  const { reader, gate, progress } = context;
  const steps = informerSteps(context);
  let running = false;
  return {
    type: Object.freeze({ apiVersion: context.type.apiVersion, kind: context.type.kind }),
    async start(signal) {
      if (running) throw new StoreError('AlreadyStarted', `${description}: start() called while it is running`);
      running = true;
      try {
        await runListWatch(steps, pacing, signal);
      } finally {
        running = false;
        gate.abandon(new StoreError('Stopped', `${description}: stopped before its cache synced`));
      }
    },
    subscribe: (handlers) => context.subscribers.add(handlers, reader.values()),
    hasSynced: () => gate.synced,
    waitForSync: (signal) => gate.wait(signal),
    lastEventAgeMs: () =>
      progress.lastActivityMs === undefined ? Number.POSITIVE_INFINITY : performance.now() - progress.lastActivityMs,
    get: (name, ns) => reader.get(name, ns),
    list: (listOptions) => reader.list(listOptions),
    byIndex: (indexName, value) => reader.byIndex(indexName, value),
    stats: () => ({ ...progress.counters, objects: reader.size, lastResourceVersion: progress.lastResourceVersion }),
  };
}

/** The default `onError`: a warning line, except for failures retried at once. */
function warnOnError(description: string) {
  return (error: unknown, info: InformerErrorInfo) => {
    // Recovered at once (a 410 relist, a quiet watch reopened): routine, not worth a warning.
    if (info.retryInMs === 0) return;
    const retry = info.retryInMs === undefined ? '' : `; retrying in ${info.retryInMs} ms`;
    console.warn(`${description}: ${info.operation} failed: ${(error as Error)?.message ?? String(error)}${retry}`);
  };
}

/** The default `onHandlerError`: an error line. */
function logHandlerError(description: string) {
  return (error: unknown, info: HandlerErrorInfo) =>
    console.error(`${description}: the ${info.event} handler threw (the informer goes on):`, error);
}

/** `report`, except that a failing error reporter cannot stop the informer. */
function neverThrowing(report: (error: unknown, info: InformerErrorInfo) => void) {
  return (error: unknown, info: InformerErrorInfo) => {
    try {
      report(error, info);
    } catch {
      // Nothing sensible is left to do with either error.
    }
  };
}

/** Throws `StoreError` (`InvalidOption`) for a numeric option that cannot work. */
function checkOptions(description: string, numbers: Readonly<Record<string, number>>) {
  for (const [name, value] of Object.entries(numbers)) {
    const positive = name !== 'watchConfirmMs';
    if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
      throw new StoreError(
        'InvalidOption',
        `${description}: ${name} must be a ${positive ? 'positive' : 'non-negative'} number, got ${value}`,
      );
    }
  }
  const { reconnectInitialDelayMs: initial, reconnectMaxDelayMs: max } = numbers;
  if (max! < initial!) {
    throw new StoreError(
      'InvalidOption',
      `${description}: reconnectMaxDelayMs (${max}) is below reconnectInitialDelayMs (${initial})`,
    );
  }
}
