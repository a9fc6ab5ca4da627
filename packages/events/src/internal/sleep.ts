/**
 * An abortable delay whose timer never keeps the process alive.
 *
 * Not `@dsoi/client`'s `sleep`, on purpose: the client depends on this package (for its types), so this package
 * cannot import the client at run time; and the client's timer is not unref'd, while a pending Event retry must not
 * hold an exiting operator open.
 */

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
