/**
 * A controller: watches a kind (and what it owns), turns events into keys on a work queue, and runs the reconciler
 * on each key with bounded concurrency, retries with backoff, requeues and terminal errors.
 */
import type { KubeObject, TypeMeta } from '@dsoi/object';
import type { Informer, LabelSelector, StoreFactory } from '@dsoi/store';
import { type ChildCache, informerChildCache } from '../children/childCache.js';
import { createLogger, type Logger } from '../logger.js';
import type { ControllerMetrics } from '../manager/metrics.js';
import { type EventHandler, enqueueOwner, enqueueSelf, keyOf, type ReconcileRequest } from './handlers.js';
import type { Predicate } from './predicates.js';
import type { RateLimiter } from './rateLimiter.js';
import { type KeyRun, reconcileKey } from './reconcileKey.js';
import type { ReconcileResult } from './reconcileResult.js';
import { createWorkQueue, type WorkQueue } from './workQueue.js';

/** What a reconcile gets. */
export interface ReconcileContext<TObject extends KubeObject = KubeObject> {
  /** Which object. */
  readonly request: ReconcileRequest;
  /** The object as the cache holds it (frozen); `undefined` when it no longer exists. */
  readonly object: TObject | undefined;
  /** Aborted on shutdown and after `reconcileTimeoutMs`; pass it to every call. */
  readonly signal: AbortSignal;
  /** How many times this key failed in a row before this run (0 on a first try). */
  readonly retries: number;
  /** A logger bound to the controller and the key. */
  readonly log: Logger;
  /**
   * The store's cache reader over this controller's informers (the kinds it watches), with the kinds it owns: read
   * with `get`/`list` like the client, without requests; pass it to `reconcileChildren`.
   */
  readonly cache: ChildCache;
}

/** A reconciler as a function. */
export type ReconcileFunction<TObject extends KubeObject = KubeObject> = (
  context: ReconcileContext<TObject>,
) => Promise<ReconcileResult | undefined> | ReconcileResult | undefined;

/** A reconciler as an object (or pass the function itself). */
export interface Reconciler<TObject extends KubeObject = KubeObject> {
  reconcile: ReconcileFunction<TObject>;
}

/** Another kind to watch, and how its events map to keys of the primary kind. */
export interface WatchSpec {
  readonly type: TypeMeta;
  /** The keys to reconcile when an object of `type` changes. */
  readonly map: EventHandler;
  /** Filters on this kind's events. @default none */
  readonly predicates?: readonly Predicate[];
  /** Watch one namespace. @default the controller's `namespace` */
  readonly namespace?: string;
  /** Watch and cache only the objects these labels select. @default every object of the kind */
  readonly labelSelector?: LabelSelector;
}

/** Options of {@link createController}. */
export interface ControllerOptions<TObject extends KubeObject = KubeObject> {
  /** Name in logs and metrics (`controller` label), e.g. `pinot`. */
  readonly name: string;
  /** The kind this controller reconciles. */
  readonly for: TypeMeta;
  /** Kinds whose objects this controller's objects own: their events enqueue the controlling owner. @default [] */
  readonly owns?: readonly TypeMeta[];
  /**
   * Watch and cache only the owned objects these labels select (labels every child carries), so unrelated objects
   * of the owned kinds in the watched namespaces cost neither memory nor events. @default every object of the kinds
   *
   * Caveat: a child without these labels is invisible to the controller: it reads as absent until an apply adds them.
   */
  readonly ownedLabelSelector?: LabelSelector;
  /** Other kinds to watch with a mapping function. @default [] */
  readonly watches?: readonly WatchSpec[];
  /** Filters on the primary kind's events; object filters are also checked before every reconcile. @default [] */
  readonly predicates?: readonly Predicate<TObject>[];
  /** The reconcile logic. */
  readonly reconciler: Reconciler<TObject> | ReconcileFunction<TObject>;
  /** The shared informers. */
  readonly store: StoreFactory;
  /** Watch only this namespace. @default all namespaces */
  readonly namespace?: string;
  /** Keys reconciled at once (never two on one key). @default 4 */
  readonly maxConcurrentReconciles?: number;
  /** Abort a reconcile's signal after this long and retry it with backoff. @default none */
  readonly reconcileTimeoutMs?: number;
  /** Backoff of failed keys. @default 5 ms doubling to 1000 s, under a 10 qps / 100 burst bucket */
  readonly rateLimiter?: RateLimiter;
  /** @default a pino JSON logger */
  readonly logger?: Logger;
  /** Prometheus metrics (see `createControllerMetrics`). @default none */
  readonly metrics?: ControllerMetrics;
}

/** Defaults of {@link ControllerOptions}. */
export const controllerDefaults = Object.freeze({ maxConcurrentReconciles: 4 });

/** A running unit of reconciliation. */
export interface Controller {
  readonly name: string;
  /**
   * Acquires the informers, waits for their sync, and runs workers until `signal` aborts; then stops taking work,
   * lets in-flight reconciles finish (their signal is aborted too), releases the informers and resolves.
   */
  start(signal: AbortSignal): Promise<void>;
  /** Enqueues a key by hand (`namespace/name`). */
  enqueue(request: ReconcileRequest): void;
  /** The work queue, for inspection. */
  readonly queue: WorkQueue;
}

/** Creates a {@link Controller}. It does nothing until `start`. */
export function createController<TObject extends KubeObject = KubeObject>(
  options: ControllerOptions<TObject>,
): Controller {
  const {
    name,
    store,
    maxConcurrentReconciles = controllerDefaults.maxConcurrentReconciles,
    reconcileTimeoutMs,
    metrics,
  } = options;
  const log = (options.logger ?? createLogger()).child({ controller: name });
  const queue = createWorkQueue({
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(metrics ? { observer: metrics.queueObserver(name) } : {}),
  });
  const reconcile =
    typeof options.reconciler === 'function'
      ? options.reconciler
      : options.reconciler.reconcile.bind(options.reconciler);
  const predicates = options.predicates ?? [];
  const objectFilters = predicates.flatMap((p) => (p.objectFilter ? [p.objectFilter] : []));
  let primary: Informer<TObject> | undefined;
  let cache: ChildCache | undefined;

  const run: KeyRun<TObject> = {
    name,
    queue,
    reconcile,
    objectFilters,
    log,
    metrics,
    reconcileTimeoutMs,
    primary: () => primary,
    cache: () => cache!,
  };

  async function worker(stop: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get(stop);
      if (key === undefined) return;
      await reconcileKey(run, key, stop);
    }
  }

  return {
    name,
    queue,
    enqueue: (request) => queue.add(keyOf(request)),
    async start(signal) {
      const handles = watchAll(options, store, queue, log);
      primary = handles[0]!.informer as Informer<TObject>;
      cache = informerChildCache(name, handles, options.owns ?? []);
      try {
        await store.waitForSync(signal);
        log.info({ workers: maxConcurrentReconciles }, 'caches synced; starting workers');
        const workers = Array.from({ length: maxConcurrentReconciles }, () => worker(signal));
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        queue.shutDown();
        await Promise.all(workers);
        await queue.drained();
        log.info({}, 'stopped');
      } catch (err) {
        if (!signal.aborted) throw err;
      } finally {
        queue.shutDown();
        for (const handle of handles) handle.release();
      }
    },
  };
}

/** Acquires the informers of the primary kind, the owned kinds and the extra watches, wired to the queue. */
function watchAll<TObject extends KubeObject>(
  options: ControllerOptions<TObject>,
  store: StoreFactory,
  queue: WorkQueue,
  log: Logger,
) {
  const ns = options.namespace === undefined ? {} : { namespace: options.namespace };
  const owned = options.ownedLabelSelector === undefined ? {} : { labelSelector: options.ownedLabelSelector };
  const specs: {
    type: TypeMeta;
    map: EventHandler;
    predicates: readonly Predicate[];
    namespace?: string;
    labelSelector?: LabelSelector;
  }[] = [
    { type: options.for, map: enqueueSelf, predicates: (options.predicates ?? []) as readonly Predicate[], ...ns },
    ...(options.owns ?? []).map((type) => ({ type, map: enqueueOwner(options.for), predicates: [], ...ns, ...owned })),
    ...(options.watches ?? []).map((w) => ({ ...ns, ...w, predicates: w.predicates ?? [] })),
  ];
  return specs.map((spec) => {
    const handle = store.informer<KubeObject>(spec.type, {
      ...(spec.namespace !== undefined && { namespace: spec.namespace }),
      ...(spec.labelSelector !== undefined && { labelSelector: spec.labelSelector }),
    });
    const push = (event: Parameters<Predicate>[0]) => {
      try {
        if (!spec.predicates.every((p) => p(event))) return;
        for (const request of spec.map(event.object)) queue.add(keyOf(request));
      } catch (err) {
        log.error({ err, kind: spec.type.kind }, 'an event handler or predicate threw; event dropped');
      }
    };
    const unsubscribe = handle.informer.subscribe({
      add: (object) => push({ type: 'add', object }),
      update: (oldObject, object) => push({ type: 'update', oldObject, object }),
      delete: (object) => push({ type: 'delete', object }),
    });
    return {
      type: spec.type,
      informer: handle.informer,
      release: () => {
        unsubscribe();
        handle.release();
      },
    };
  });
}
