/**
 * `createClient`: typed CRUD, server-side apply, status, pagination and watch for built-in kinds and CRDs alike. It
 * wires the parts in `internal/`: the requester (attempts and retries), the caller (kind to path), and the read,
 * write, watch and event-sink operations built on them.
 */

import type { EventSink } from '@dsoi/events';
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';
import type { ClientBus } from './bus.js';
import type { ClientStats, RateLimit, RequestInfo } from './clientStats.js';
import { createCaller } from './internal/caller.js';
import { createDiscoveryFetch } from './internal/discoveryFetch.js';
import { createEventSink } from './internal/eventSink.js';
import { checkFieldManager } from './internal/objectRefs.js';
import { createReadOperations, listPageLimit } from './internal/readOperations.js';
import { createRequester } from './internal/requester.js';
import { createRequestLimiter } from './internal/requestLimiter.js';
import { createHttpTransport } from './internal/transport.js';
import { createWatchOperation } from './internal/watchOperation.js';
import { createWriteOperations } from './internal/writeOperations.js';
import type { GetOptions, ListOptions, Reader } from './reader.js';
import { createResourceMapper, type KindRegistration, type ResourceMapping } from './resourceMapper.js';
import { type RetryOptions, retryDefaults } from './retry.js';
import type { KubeConfigSource, ObjectList, ObjectRefOrObject } from './types.js';
import type { WatchEvent, WatchOptions } from './watch.js';
import type { WriteOptions, Writer } from './writer.js';

/** Options of `listAll` and `iterate`: a list read page by page. */
export interface ListAllOptions extends Omit<ListOptions, 'continue' | 'limit'> {
  /** Items per page. @default 500 */
  readonly limit?: number;
}

/** The typed Kubernetes client. */
export interface Client extends Reader, Writer {
  /** Creates an object (`metadata.name` or `metadata.generateName`); `AlreadyExistsError` if the name is taken. */
  create<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  /** Replaces an object (PUT); with `metadata.resourceVersion`, fails with `ConflictError` if it is stale. */
  replace<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  /** Reads an object through its status subresource. */
  getStatus<TObject extends KubeObject = KubeObject>(
    ref: ObjectRefOrObject,
    options?: GetOptions,
  ): Promise<Live<TObject>>;
  /** Replaces the status subresource (PUT). */
  replaceStatus<TObject extends KubeObject>(object: TObject, options?: WriteOptions): Promise<Live<TObject>>;
  /** Reads a whole list page by page (`limit` 500) and returns all items with the snapshot's resourceVersion. */
  listAll<TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options?: ListAllOptions,
  ): Promise<ObjectList<TObject>>;
  /** Yields the items of a list, reading the next page only when the previous one is consumed. */
  iterate<TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options?: ListAllOptions,
  ): AsyncIterable<Live<TObject>>;
  /**
   * Watches a kind. Lazy: the connection opens on the first `next()`. See `WatchOptions` for the end conditions;
   * an ERROR event is thrown as its typed error (`GoneError` for 410).
   */
  watch<TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options?: WatchOptions,
  ): AsyncIterable<WatchEvent<TObject>>;
  /** How the server serves a kind (plural, namespaced), from the cache or discovery. Errors: `UnknownKindError`. */
  resourceMapping(type: TypeMeta, options?: { readonly signal?: AbortSignal }): Promise<ResourceMapping>;
  /** Declares a kind so the client never asks discovery about it. */
  registerKind(kind: KindRegistration): void;
  /**
   * The sink through which the `@dsoi/events` recorder writes `events.k8s.io/v1` Events (not announced on the bus). Its
   * methods also honour a `beforeSend` (as in `RequestOptions`) passed beside the recorder's `signal`.
   */
  eventSink(): EventSink;
  /** Counters of the HTTP requests sent so far (a snapshot). */
  stats(): ClientStats;
  /** Closes idle keep-alive connections; the client still works afterwards (it reconnects). */
  close(): void;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * Cluster, credentials, TLS and proxy: the current context of this `KubeConfig` (`@kubernetes/client-node`). Only
   * `getCurrentCluster` and `applyToHTTPSOptions` are used, so any version's KubeConfig fits.
   */
  readonly kubeConfig: KubeConfigSource;
  /** The field manager of every write (server-side apply ownership, `managedFields`), e.g. `pinot-operator`. */
  readonly fieldManager: string;
  /** Where each write is announced (`created`, `applied`, `updated`, `patched`, `deleted`, `failed`). @default none */
  readonly bus?: ClientBus;
  /** Kinds known without discovery. @default [] */
  readonly kinds?: readonly KindRegistration[];
  /** Time allowed per attempt, until the complete response (a watch: until its headers). @default 30_000 */
  readonly timeoutMs?: number;
  /** Retries of 429, 5xx, timeouts and connection errors (see README for which requests). @default retryDefaults */
  readonly retry?: RetryOptions;
  /** Called after every HTTP attempt, for metrics. Must not throw (errors are ignored). @default none */
  readonly onRequest?: (info: RequestInfo) => void;
  /** Called with each `Warning` header the server sends (deprecated APIs, unknown fields). @default none */
  readonly onWarning?: (warning: string, info: RequestInfo) => void;
  /** The `User-Agent` header. @default 'dsoi-client' */
  readonly userAgent?: string;
  /** Source of randomness in [0, 1) for backoff jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * Requests in flight at once; more wait their turn (FIFO). Each attempt counts; a watch holds its slot only until
   * its headers arrive. Bounds sockets and the load one process can put on the API server. @default 32
   */
  readonly maxConcurrentRequests?: number;
  /**
   * A client-side token bucket (client-go's QPS/burst). Off by default, as in controller-runtime since 0.21 on SIG
   * API Machinery's advice: the API server protects itself with API Priority and Fairness (and answers 429, which is
   * retried). @default false
   */
  readonly rateLimit?: RateLimit | false;
}

/** The defaults of `ClientOptions` and of list paging. */
export const clientDefaults = Object.freeze({
  timeoutMs: 30_000,
  retry: retryDefaults,
  userAgent: 'dsoi-client',
  listLimit: listPageLimit,
  maxConcurrentRequests: 32,
  rateLimit: false,
});

/**
 * Creates a client for the current context of `kubeConfig`. Each client has its own connections, discovery cache
 * and counters; nothing is shared between clients.
 */
export function createClient({
  kubeConfig,
  fieldManager,
  bus,
  kinds = [],
  timeoutMs = clientDefaults.timeoutMs,
  retry = {},
  onRequest,
  onWarning,
  userAgent = clientDefaults.userAgent,
  random = Math.random,
  maxConcurrentRequests = clientDefaults.maxConcurrentRequests,
  rateLimit = clientDefaults.rateLimit,
}: ClientOptions): Client {
  checkFieldManager(fieldManager, 'createClient');
  const limiter = createRequestLimiter({ maxConcurrentRequests, rateLimit });
  const transport = createHttpTransport(kubeConfig);
  const definedRetry = Object.fromEntries(Object.entries(retry).filter(([, value]) => value !== undefined));
  const requester = createRequester({
    transport,
    timeoutMs,
    retry: { ...retryDefaults, ...definedRetry },
    random,
    userAgent,
    onRequest,
    onWarning,
    limiter,
  });
  const mapper = createResourceMapper(createDiscoveryFetch(requester), kinds);
  const call = createCaller(requester, mapper);
  return {
    ...createReadOperations(call),
    ...createWriteOperations(call, fieldManager, bus),
    watch: createWatchOperation(requester, mapper),
    resourceMapping: (type, options = {}) => mapper.resolve(type, 'resourceMapping', options.signal),
    registerKind: (kind) => mapper.register(kind),
    eventSink: () => createEventSink(call, fieldManager),
    stats: () => requester.stats(),
    close: () => transport.close(),
  };
}
