/** The raw watch stream: one HTTP connection, line-delimited JSON events, typed errors, a clean end on abort. */

import type { KubeObject, Live } from '@dsoi/object';
import { LineDecoder } from './internal/lineDecoder.js';
import {
  ConnectionError,
  describeTarget,
  type ErrorTarget,
  errorFromStatus,
  isKubeApiError,
  KubeApiError,
  type Status,
  TimeoutError,
} from './kubeApiError.js';
import type { RetryOptions } from './retry.js';

/** The object of a BOOKMARK event: only the resourceVersion to resume from (and, maybe, annotations). */
export interface BookmarkObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly resourceVersion: string;
    /** `k8s.io/initial-events-end: 'true'` marks the end of the initial events of a `sendInitialEvents` watch. */
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

/**
 * One event of a watch. An `ERROR` event of the API is never yielded: the iterator throws it as the typed error
 * (`GoneError` for 410 "too old resource version", ...).
 */
export type WatchEvent<TObject extends KubeObject = KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: Live<TObject> }
  | { readonly type: 'BOOKMARK'; readonly object: BookmarkObject };

/** The event types a watch yields. */
export type WatchEventType = WatchEvent['type'];

/** Options of `client.watch()`. */
export interface WatchOptions {
  /** Watch one namespace; omitted on a namespaced kind, all namespaces. Ignored for cluster-scoped kinds. @default all */
  readonly namespace?: string;
  /** Only objects whose labels match, e.g. `app=broker,tier!=canary`. @default everything */
  readonly labelSelector?: string;
  /** Only objects whose fields match, e.g. `metadata.name=broker`. @default everything */
  readonly fieldSelector?: string;
  /**
   * Start after this resourceVersion (typically a list's `metadata.resourceVersion`). Omitted, the server first
   * sends every existing object as ADDED. A version the server no longer has fails with `GoneError` (410).
   * @default undefined
   */
  readonly resourceVersion?: string;
  /** How `resourceVersion` is interpreted; `sendInitialEvents` requires `'NotOlderThan'`. @default undefined */
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  /**
   * Ask for BOOKMARK events, which carry a fresh resourceVersion (about once a minute) so a resumed watch does not
   * start from a version the server has compacted.
   * @default true
   */
  readonly allowWatchBookmarks?: boolean;
  /**
   * Stream the current objects as ADDED events first, then a BOOKMARK annotated `k8s.io/initial-events-end`
   * (the "watch list" protocol). Needs `resourceVersionMatch: 'NotOlderThan'` and bookmarks.
   * @default undefined (server default: false)
   */
  readonly sendInitialEvents?: boolean;
  /**
   * The server ends the watch after this many seconds (the iterator then ends normally). Omitted, the server picks
   * a random time between its `--min-request-timeout` and twice that (30-60 min by default).
   * @default undefined
   */
  readonly timeoutSeconds?: number;
  /** Ends the stream (the iterator returns, without throwing) and closes the connection. @default no signal */
  readonly signal?: AbortSignal;
  /** Time allowed to connect and receive the response headers. @default the client's `timeoutMs` */
  readonly timeoutMs?: number;
  /**
   * If no byte arrives for this long, the connection is closed and the iterator throws a `TimeoutError`.
   * Use more than a minute with bookmarks on (the server sends one about every minute).
   * @default undefined (no inactivity timeout)
   */
  readonly inactivityTimeoutMs?: number;
  /** Retries of the connection attempt (429, 5xx, connection errors); the stream itself is never resumed. */
  readonly retry?: RetryOptions;
}

/** Parses one line of a watch stream; throws the typed error of an ERROR event, returns `undefined` for unknown types. */
export function parseWatchLine<TObject extends KubeObject>(
  line: string,
  target: ErrorTarget,
): WatchEvent<TObject> | undefined {
  let event: { type?: unknown; object?: unknown };
  try {
    event = JSON.parse(line) as typeof event;
  } catch (err) {
    throw new KubeApiError({
      reason: 'Unknown',
      code: 200,
      message: `${describeTarget('watch', target)}malformed watch event: ${line.slice(0, 200)}`,
      operation: 'watch',
      target,
      cause: err,
    });
  }
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type: event.type, object: event.object as Live<TObject> };
    case 'BOOKMARK':
      return { type: 'BOOKMARK', object: event.object as BookmarkObject };
    case 'ERROR': {
      const status = (event.object ?? {}) as Status;
      throw errorFromStatus({ code: status.code ?? 500, status, operation: 'watch', target });
    }
    default:
      // Event types added by a future API server are skipped, not fatal.
      return undefined;
  }
}

/** What `streamWatchEvents` needs: a function that opens the connection (with retries) and the error context. */
export interface WatchConnection {
  readonly open: (streamSignal: AbortSignal) => Promise<AsyncIterable<unknown> & { destroy(): void }>;
  readonly target: ErrorTarget;
}

/**
 * Yields the events of one watch connection. Ends normally when the server closes the stream or `signal` aborts;
 * throws the typed error of an ERROR event, a `ConnectionError` when the connection breaks, a `TimeoutError` after
 * `inactivityTimeoutMs` of silence. The connection is closed whenever the iteration stops (`break` included).
 */
export async function* streamWatchEvents<TObject extends KubeObject>(
  connection: WatchConnection,
  options: Pick<WatchOptions, 'signal' | 'inactivityTimeoutMs'>,
): AsyncGenerator<WatchEvent<TObject>, void, undefined> {
  const { signal, inactivityTimeoutMs } = options;
  if (signal?.aborted) return;
  const stream = new AbortController();
  const onAbort = () => stream.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let silent = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (inactivityTimeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      stream.abort(new Error('watch inactivity timeout'));
    }, inactivityTimeoutMs);
  };
  let response: (AsyncIterable<unknown> & { destroy(): void }) | undefined;
  try {
    response = await connection.open(stream.signal);
    const decoder = new LineDecoder();
    arm();
    for await (const chunk of response) {
      arm();
      for (const line of decoder.push(chunk as Uint8Array)) {
        // Lines already read are dropped once the caller aborted: nothing is yielded after abort.
        if (signal?.aborted) return;
        const event = parseWatchLine<TObject>(line, connection.target);
        if (event !== undefined) yield event;
      }
    }
    for (const line of decoder.end()) {
      if (signal?.aborted) return;
      const event = parseWatchLine<TObject>(line, connection.target);
      if (event !== undefined) yield event;
    }
  } catch (err) {
    if (signal?.aborted) return;
    if (silent) {
      throw new TimeoutError({
        reason: 'Timeout',
        code: 0,
        message: `${describeTarget('watch', connection.target)}Timeout: no data for ${inactivityTimeoutMs} ms (inactivityTimeoutMs)`,
        operation: 'watch',
        target: connection.target,
        cause: err,
      });
    }
    if (isKubeApiError(err)) throw err;
    const errno = (err as { code?: unknown }).code;
    throw new ConnectionError({
      message: `${describeTarget('watch', connection.target)}ConnectionError: the watch stream broke: ${(err as Error).message}`,
      errno: typeof errno === 'string' ? errno : undefined,
      operation: 'watch',
      target: connection.target,
      cause: err,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    stream.abort();
    response?.destroy();
  }
}
