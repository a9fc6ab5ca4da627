/** The "has the cache synced?" state of an informer and the promises that wait for it. */

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Synced once, for good; until then waiters either resolve together or are rejected with a blocking error. */
export interface SyncGate {
  readonly synced: boolean;
  /** Marks the cache synced and resolves every waiter. */
  open(): void;
  /** Rejects every waiter with `error`, and later callers too until `clearBlock()` (the informer keeps retrying). */
  block(error: unknown): void;
  /** Forgets the blocking error (a later attempt succeeded). */
  clearBlock(): void;
  /** Rejects the current waiters with `error` (the informer stopped before syncing), without blocking later ones. */
  abandon(error: unknown): void;
  wait(signal?: AbortSignal): Promise<void>;
}

export function createSyncGate(): SyncGate {
  let synced = false;
  let blockedBy: { readonly error: unknown } | undefined;
  const waiters = new Set<Waiter>();

  const settleAll = (settle: (waiter: Waiter) => void) => {
    const current = [...waiters];
    waiters.clear();
    for (const waiter of current) settle(waiter);
  };

  return {
    get synced() {
      return synced;
    },
    open() {
      if (synced) return;
      synced = true;
      blockedBy = undefined;
      settleAll((waiter) => waiter.resolve());
    },
    block(error) {
      if (synced) return;
      blockedBy = { error };
      settleAll((waiter) => waiter.reject(error));
    },
    clearBlock() {
      blockedBy = undefined;
    },
    abandon(error) {
      if (!synced) settleAll((waiter) => waiter.reject(error));
    },
    wait(signal) {
      if (synced) return Promise.resolve();
      if (blockedBy !== undefined) return Promise.reject(blockedBy.error);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          waiters.delete(waiter);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        waiters.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
