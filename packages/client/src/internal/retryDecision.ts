/** What follows a failed attempt: another attempt after a wait, or giving up (and why). */

import { type BackoffPolicy, backoffDelayMs } from '../backoff.js';
import { type ConnectionError, isTransientConnectionError, type KubeApiError } from '../kubeApiError.js';
import type { RetryOptions } from '../retry.js';

/** The decision after a failed attempt. */
export type RetryDecision =
  | { readonly action: 'retry'; readonly waitMs: number }
  | { readonly action: 'giveUp'; readonly why: 'notRetryable' | 'attemptsExhausted' | 'retryAfterTooLong' };

/** What `decideRetry` weighs besides the error. */
export interface RetryContext {
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;
  /** Whether resending after an unknown outcome is safe. */
  readonly idempotent: boolean;
  readonly policy: Readonly<Required<RetryOptions>>;
  /** Source of randomness in [0, 1) for the jitter. */
  readonly random: () => number;
}

/** Retry while attempts are left and the error allows it, after the backoff (or the server's Retry-After). */
export function decideRetry(error: KubeApiError, context: RetryContext): RetryDecision {
  const { attempt, idempotent, policy, random } = context;
  if (!isRetryable(error, idempotent)) return { action: 'giveUp', why: 'notRetryable' };
  if (attempt >= policy.maxAttempts) return { action: 'giveUp', why: 'attemptsExhausted' };
  const waitMs = retryDelayMs(error, attempt, policy, random);
  return waitMs === undefined ? { action: 'giveUp', why: 'retryAfterTooLong' } : { action: 'retry', waitMs };
}

/** Decides whether a failure may be retried, given whether the request is idempotent. */
export function isRetryable(err: KubeApiError, idempotent: boolean): boolean {
  switch (err.reason) {
    case 'TooManyRequests':
      // API priority and fairness rejects before the request is processed: safe to resend even a create.
      return true;
    case 'ConnectionError':
      return isTransientConnectionError(err as ConnectionError) && (idempotent || (err as ConnectionError).notSent);
    case 'InternalError':
    case 'ServiceUnavailable':
    case 'Timeout':
    case 'ServerTimeout':
      return idempotent;
    default:
      return false;
  }
}

/** The wait before the next attempt, or `undefined` if the server asks for more than the policy allows. */
export function retryDelayMs(err: KubeApiError, retry: number, policy: BackoffPolicy, random: () => number) {
  const backoff = backoffDelayMs(retry, policy, random);
  if (err.retryAfterMs === undefined) return backoff;
  return err.retryAfterMs > policy.maxDelayMs ? undefined : Math.max(backoff, err.retryAfterMs);
}
