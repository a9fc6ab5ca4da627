/** The one error class of @dsoi/store: misuse of an informer, factory or cache reader, never an API failure. */

/**
 * Why a {@link StoreError} was thrown:
 * - `AlreadyStarted`: `start()` was called on an informer or factory that is already running.
 * - `Stopped`: the informer stopped before its cache synced, so a pending `waitForSync()` can never resolve; or a
 *   released shared-informer handle was used to subscribe.
 * - `UnknownIndex`: `byIndex()` named an index the informer does not have.
 * - `IndexConflict`: a custom index reuses a built-in name, or two users of a shared informer define one name twice.
 * - `InvalidSelector`: a label or field selector the cache cannot parse or evaluate.
 * - `NotCached`: a cache reader was asked for a kind (or namespace) no informer of its factory holds.
 * - `SharedInformer`: `start()` was called on an informer handed out by a factory (the factory starts it).
 * - `InvalidOption`: an informer option out of range (a page size of 0, a negative timeout, ...).
 */
export type StoreErrorReason =
  | 'AlreadyStarted'
  | 'Stopped'
  | 'UnknownIndex'
  | 'IndexConflict'
  | 'InvalidSelector'
  | 'NotCached'
  | 'SharedInformer'
  | 'InvalidOption';

/**
 * Thrown (or rejected with) when the store is used in a way that cannot work. API errors are never wrapped in it:
 * `waitForSync()` rejects with the client's own error (`ForbiddenError`, ...), and an informer retries every API
 * failure by itself. Switch on `reason` or use `instanceof`.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** What went wrong; see {@link StoreErrorReason}. */
  readonly reason: StoreErrorReason;

  /**
   * @param reason What went wrong.
   * @param message The full message, naming the informer's kind and what to do.
   * @param options `cause`, when another error led to this one.
   */
  constructor(reason: StoreErrorReason, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** True when `error` is a {@link StoreError}. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}
