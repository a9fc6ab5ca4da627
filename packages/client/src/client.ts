/** `createClient`: typed CRUD, server-side apply, status, pagination and watch for built-in kinds and CRDs alike. */
import type { EventSink, EventSinkCallOptions } from '@dsoi/events';
import type { ClientBus } from './bus.js';
import type { ClientStats, RateLimit, RequestInfo } from './clientStats.js';
import { createCaller } from './internal/caller.js';
import { checkFieldManager, objectRef, toRef } from './internal/objectRefs.js';
import { groupVersionPath, queryString, resourcePath } from './internal/paths.js';
import { createRequester } from './internal/requester.js';
import { createRequestLimiter } from './internal/requestLimiter.js';
import { createHttpTransport } from './internal/transport.js';
import { createWriteOperations, patchContentTypes, type WriteOperations } from './internal/writeOperations.js';
import type { ErrorTarget } from './kubeApiError.js';
import type { GetOptions, ListOptions, Reader, RequestOptions } from './reader.js';
import { createResourceMapper, type KindRegistration, type ResourceMapping } from './resourceMapper.js';
import { type RetryOptions, retryDefaults } from './retry.js';
import type { KubeConfigSource, KubeObject, Live, ObjectList, ObjectRefOrObject, TypeMeta } from './types.js';
import { streamWatchEvents, type WatchEvent, type WatchOptions } from './watch.js';
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
  listLimit: 500,
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
  const mapper = createResourceMapper((group, version) => {
    const apiVersion = group === '' ? version : `${group}/${version}`;
    const plan = { method: 'GET', path: groupVersionPath(group, version), idempotent: true } as const;
    const about = {
      operation: 'discovery',
      verb: 'get',
      group,
      version,
      resource: '',
      target: { apiVersion },
    } as const;
    return requester.json({ ...plan, ...about }, {});
  }, kinds);
  const call = createCaller(requester, mapper);
  const writes: WriteOperations = createWriteOperations(call, fieldManager, bus);

  const getFrom = (subresource: string | undefined) => {
    const operation = subresource === undefined ? 'get' : 'getStatus';
    return async <TObject extends KubeObject = KubeObject>(target: ObjectRefOrObject, options: GetOptions = {}) => {
      const ref = toRef(target, operation);
      const query = { resourceVersion: options.resourceVersion };
      const spec = {
        operation,
        verb: 'get',
        type: ref,
        namespace: ref.namespace,
        name: ref.name,
        subresource,
      } as const;
      return (await call({ ...spec, method: 'GET', query, idempotent: true }, options)) as Live<TObject>;
    };
  };

  const list = async <TObject extends KubeObject = KubeObject>(
    type: TypeMeta,
    options: ListOptions = {},
  ): Promise<ObjectList<TObject>> => {
    const { labelSelector, fieldSelector, limit, resourceVersion, resourceVersionMatch } = options;
    const query = {
      labelSelector,
      fieldSelector,
      limit,
      continue: options.continue,
      resourceVersion,
      resourceVersionMatch,
    };
    const spec = { operation: 'list', verb: 'list', type, namespace: options.namespace, method: 'GET' } as const;
    const result = (await call({ ...spec, query, idempotent: true, collection: true }, options)) as ObjectList<TObject>;
    // List items come without apiVersion and kind; fill them in so every object is self-describing.
    for (const item of result.items ?? []) {
      (item as { apiVersion?: string }).apiVersion ??= type.apiVersion;
      (item as { kind?: string }).kind ??= type.kind;
    }
    return { ...result, items: result.items ?? [], metadata: result.metadata ?? {} };
  };

  async function* pages<TObject extends KubeObject>(type: TypeMeta, options: ListAllOptions) {
    const { limit = clientDefaults.listLimit, ...rest } = options;
    let token: string | undefined;
    do {
      const page: ObjectList<TObject> = await list<TObject>(type, { ...rest, limit, continue: token });
      yield page;
      token = page.metadata.continue || undefined;
    } while (token !== undefined);
  }

  const watch = <TObject extends KubeObject = KubeObject>(type: TypeMeta, options: WatchOptions = {}) => {
    const { allowWatchBookmarks = true } = options;
    const target: ErrorTarget = { apiVersion: type.apiVersion, kind: type.kind, namespace: options.namespace };
    const open = async (streamSignal: AbortSignal) => {
      const mapping = await mapper.resolve(type, 'watch', streamSignal);
      const namespace = mapping.namespaced ? options.namespace || undefined : undefined;
      const query = {
        watch: 1,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        resourceVersion: options.resourceVersion,
        resourceVersionMatch: options.resourceVersionMatch,
        allowWatchBookmarks: allowWatchBookmarks ? true : undefined,
        sendInitialEvents: options.sendInitialEvents,
        timeoutSeconds: options.timeoutSeconds,
      };
      const plan = {
        method: 'GET',
        path: resourcePath({ ...mapping, resource: mapping.plural, namespace }) + queryString(query),
        idempotent: true,
        operation: 'watch',
        verb: 'watch',
        group: mapping.group,
        version: mapping.version,
        resource: mapping.plural,
        namespace,
        target: { ...target, namespace },
      } as const;
      return requester.open(plan, { timeoutMs: options.timeoutMs, retry: options.retry }, streamSignal);
    };
    return streamWatchEvents<TObject>({ target, open }, options);
  };

  /** The Event recorder's sink: not announced on the bus, because the recorder announces its own writes. */
  const eventSink = (): EventSink => {
    const events = { apiVersion: 'events.k8s.io/v1', kind: 'Event' } as const;
    return {
      async create(event, { signal, beforeSend }: EventSinkCallOptions & Pick<RequestOptions, 'beforeSend'>) {
        const ref = objectRef(event, 'create', true);
        const query = { fieldManager };
        const spec = {
          operation: 'create',
          verb: 'create',
          type: events,
          namespace: ref.namespace,
          name: ref.name,
        } as const;
        const request = {
          method: 'POST',
          contentType: 'application/json',
          idempotent: false,
          collection: true,
        } as const;
        return call({ ...spec, ...request, query, body: event }, { signal, beforeSend });
      },
      patch(namespace, name, patch, { signal, beforeSend }: EventSinkCallOptions & Pick<RequestOptions, 'beforeSend'>) {
        const spec = {
          operation: 'patch',
          verb: 'patch',
          type: events,
          namespace,
          name,
          query: { fieldManager },
        } as const;
        const request = { method: 'PATCH', contentType: patchContentTypes.merge, idempotent: true } as const;
        return call({ ...spec, ...request, body: patch }, { signal, beforeSend });
      },
    };
  };

  return {
    ...writes,
    get: getFrom(undefined),
    getStatus: getFrom('status'),
    list,
    async listAll<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListAllOptions = {}) {
      const items: Live<TObject>[] = [];
      let last: ObjectList<TObject> | undefined;
      for await (const page of pages<TObject>(type, options)) {
        items.push(...page.items);
        last = page;
      }
      const metadata = { resourceVersion: last?.metadata.resourceVersion };
      return {
        apiVersion: last?.apiVersion ?? type.apiVersion,
        kind: last?.kind ?? `${type.kind}List`,
        metadata,
        items,
      };
    },
    async *iterate<TObject extends KubeObject = KubeObject>(type: TypeMeta, options: ListAllOptions = {}) {
      for await (const page of pages<TObject>(type, options)) yield* page.items;
    },
    watch,
    resourceMapping: (type, options = {}) => mapper.resolve(type, 'resourceMapping', options.signal),
    registerKind: (kind) => mapper.register(kind),
    eventSink,
    stats: () => requester.stats(),
    close: () => transport.close(),
  };
}
