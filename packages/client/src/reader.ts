/** The read seam: `Reader` (get, list) and its options. The client and the store's read handle both implement it. */
import type { KubeObject, Live, TypeMeta } from '@dsoi/object';
import type { RetryOptions } from './retry.js';
import type { ObjectList, ObjectRefOrObject } from './types.js';

/** Options every method takes. */
export interface RequestOptions {
  /** Aborts the call (including its retries); the call rejects with the signal's reason. @default no signal */
  readonly signal?: AbortSignal;
  /** Time allowed per attempt, until the complete response. @default the client's `timeoutMs` (30 s) */
  readonly timeoutMs?: number;
  /** Overrides the client's retry policy for this call; `{ maxAttempts: 1 }` disables retries. @default the client's */
  readonly retry?: RetryOptions;
  /**
   * Called before each attempt (retries too) once it holds a request slot and a connected socket, in the same
   * synchronous run as the write of its first byte. If it throws, nothing is sent, the call is not retried and it
   * rejects with what the hook threw, so the hook chooses the error type. For a check that must hold when the request
   * leaves, such as "this replica still leads" (a check made earlier can be stale after a wait or a process pause).
   * Not called for watches. @default none
   *
   * Caveat: the request can still leave after the check if the process is paused inside that synchronous run (the
   * hook's return, the write call); only fencing on the server closes that gap.
   */
  readonly beforeSend?: () => void;
}

/** Options of `get` and `getStatus`. */
export interface GetOptions extends RequestOptions {
  /** `'0'` lets the server answer from its watch cache (possibly stale). @default undefined (a quorum read) */
  readonly resourceVersion?: string;
}

/** Options of `list`. */
export interface ListOptions extends RequestOptions {
  /** List one namespace; omitted on a namespaced kind, all namespaces. Ignored for cluster-scoped kinds. @default all */
  readonly namespace?: string;
  /** Only objects whose labels match, e.g. `app=broker`. @default everything */
  readonly labelSelector?: string;
  /** Only objects whose fields match, e.g. `status.phase=Running`. @default everything */
  readonly fieldSelector?: string;
  /** At most this many items per page; the response's `metadata.continue` reads the next page. @default unlimited */
  readonly limit?: number;
  /** The `metadata.continue` of the previous page. @default undefined (first page) */
  readonly continue?: string;
  /** `'0'` lets the server answer from its watch cache. @default undefined (a quorum read) */
  readonly resourceVersion?: string;
  /** How `resourceVersion` is interpreted. @default undefined */
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

/** Reads by name and by list. The store's read handle implements it too, so code can read from either. */
export interface Reader {
  /** Reads one object. Errors: `NotFoundError`, `ForbiddenError`, `UnknownKindError`, ... */
  get<TObject extends KubeObject = KubeObject>(ref: ObjectRefOrObject, options?: GetOptions): Promise<Live<TObject>>;
  /** Reads one page of a list (all of it without `limit`). */
  list<TObject extends KubeObject = KubeObject>(type: TypeMeta, options?: ListOptions): Promise<ObjectList<TObject>>;
}
