/** Retry policies: the client's automatic retries of transient failures, and `retryOnConflict` for read-modify-write. */

import { backoffDelayMs, sleep } from './backoff.js';
import { isConflict } from './kubeApiError.js';

/** A jittered exponential backoff with a bounded number of attempts. */
export interface RetryOptions {
  /**
   * Attempts in total, the first one included; `1` disables retries.
   * @default 5 (`retryDefaults`), 5 (`retryOnConflictDefaults`)
   */
  readonly maxAttempts?: number;
  /**
   * Delay before the first retry, before jitter.
   * @default 200 (`retryDefaults`), 10 (`retryOnConflictDefaults`)
   */
  readonly initialDelayMs?: number;
  /**
   * Longest delay between two attempts. A server `Retry-After` longer than this ends the retries at once, and the
   * error (with its `retryAfterMs`) goes to the caller, whose own queue can wait that long.
   * @default 10_000 (`retryDefaults`), 1_000 (`retryOnConflictDefaults`)
   */
  readonly maxDelayMs?: number;
  /**
   * Multiplier of the delay per retry.
   * @default 2 (`retryDefaults`), 4 (`retryOnConflictDefaults`)
   */
  readonly factor?: number;
  /**
   * Fraction of each delay that is random: 0 = fixed delays, 1 = anywhere between 0 and the delay.
   * @default 0.5
   */
  readonly jitter?: number;
}

/** The client's retry policy for 429, 5xx, timeouts and connection errors, when `createClient` is given none. */
export const retryDefaults: Readonly<Required<RetryOptions>> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
});

/** Options of `retryOnConflict`. */
export interface RetryOnConflictOptions extends RetryOptions {
  /** Stops waiting and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Source of randomness in [0, 1) for the jitter; tests pass a fixed one.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** The `retryOnConflict` policy when none is given: 10 ms, 40 ms, 160 ms, 640 ms (±50%), five attempts. */
export const retryOnConflictDefaults: Readonly<Required<RetryOptions>> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 10,
  maxDelayMs: 1_000,
  factor: 4,
  jitter: 0.5,
});

/**
 * Runs `fn` and runs it again, after a short jittered backoff, each time it rejects with a `ConflictError` (a stale
 * `resourceVersion` or an apply field conflict). `fn` must re-read the object it modifies, as client-go's
 * `RetryOnConflict` requires.
 *
 * Errors: any error that is not a conflict is rethrown at once; the last `ConflictError` is rethrown after
 * `maxAttempts`; the signal's reason is thrown on abort.
 */
export async function retryOnConflict<TResult>(
  fn: (attempt: number) => Promise<TResult>,
  options: RetryOnConflictOptions = {},
): Promise<TResult> {
  const {
    signal,
    random = Math.random,
    maxAttempts = retryOnConflictDefaults.maxAttempts,
    initialDelayMs = retryOnConflictDefaults.initialDelayMs,
    maxDelayMs = retryOnConflictDefaults.maxDelayMs,
    factor = retryOnConflictDefaults.factor,
    jitter = retryOnConflictDefaults.jitter,
  } = options;
  const policy = { initialDelayMs, maxDelayMs, factor, jitter };
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isConflict(err) || attempt >= maxAttempts) throw err;
    }
    await sleep(backoffDelayMs(attempt, policy, random), signal);
  }
}
