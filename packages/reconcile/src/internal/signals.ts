/** AbortSignal helpers shared by the runtime's long-running parts: abortable waits and a deadline after a stop. */

import { sleep } from '@dsoi/client';

/**
 * Resolves after `ms`, or as soon as `signal` aborts (it never rejects: callers check `signal.aborted`): the client's
 * `sleep`, its abort swallowed. The timer is cleared on abort, so nothing keeps the process alive.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, signal).catch(() => undefined);
}

/** Resolves when `signal` aborts (at once if it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * A signal that aborts `delayMs` after `signal` aborts, with a `TimeoutError` reason: the hard deadline of a
 * graceful stop (e.g. the manager's drain timeout). The timer is unref'd, so a drain that ends early lets the
 * process exit at once.
 */
export function abortAfter(signal: AbortSignal, delayMs: number): AbortSignal {
  const deadline = new AbortController();
  const arm = () => {
    const timer = setTimeout(() => {
      deadline.abort(new DOMException(`still running ${delayMs} ms after the stop was requested`, 'TimeoutError'));
    }, delayMs);
    timer.unref();
  };
  if (signal.aborted) arm();
  else signal.addEventListener('abort', arm, { once: true });
  return deadline.signal;
}
