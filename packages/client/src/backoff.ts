/**
 * Jittered exponential backoff: the delay before retry number `attempt`, and an abortable sleep. The one backoff of
 * dsoi: the client's retries, `retryOnConflict` and the store's informer reconnects all compute their delays here.
 */

/** The knobs of an exponential backoff. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay, after jitter. */
  readonly maxDelayMs: number;
  /** Multiplier per retry. */
  readonly factor: number;
  /** Fraction of the delay that is randomised: 0 = none, 1 = anywhere in [0, delay]. */
  readonly jitter: number;
}

/**
 * The delay before retry `retry` (1 for the first retry): `initialDelayMs * factor^(retry-1)`, of which the fraction
 * `jitter` is replaced by `random()` times itself, capped at `maxDelayMs`. `random` returns a number in [0, 1) (one
 * outside is clamped).
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, retry - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const delay = base * (1 - jitter) + base * jitter * Math.min(1, Math.max(0, random()));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, delay)));
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts (at once if it already has).
 * The timer is cleared on abort; a caller that only wants to stop waiting adds `.catch(() => undefined)` and checks
 * `signal.aborted` itself.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
