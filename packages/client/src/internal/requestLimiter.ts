/**
 * Client-side limits on what one client sends: at most N requests in flight at once, and optionally a token bucket
 * of requests per second (client-go's QPS/burst). Watches take a slot only until their headers arrive.
 */

import { sleep } from '../backoff.js';
import type { RateLimit } from '../clientStats.js';

/** Settings of {@link createRequestLimiter}. */
export interface RequestLimiterSettings {
  /** Requests allowed in flight at once (each attempt counts; a watch until its headers arrive). */
  readonly maxConcurrentRequests: number;
  /** Requests per second, or `false` for none. */
  readonly rateLimit: RateLimit | false;
  /** Milliseconds clock. @default performance.now */
  readonly now?: () => number;
}

/** Hands out slots; `release` must be called exactly once per slot (a second call does nothing). */
export interface RequestLimiter {
  /** Waits for a token (if rate limited) and a free slot; rejects with `signal.reason` on abort, taking nothing. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Requests holding a slot now. */
  inFlight(): number;
  /** Requests waiting for a slot now. */
  waiting(): number;
}

/**
 * Creates a limiter.
 * @throws RangeError when `maxConcurrentRequests` is not a positive integer or the rate limit is not positive.
 */
export function createRequestLimiter(settings: RequestLimiterSettings): RequestLimiter {
  const { maxConcurrentRequests, rateLimit, now = () => performance.now() } = settings;
  if (!Number.isInteger(maxConcurrentRequests) || maxConcurrentRequests < 1) {
    throw new RangeError(
      `createClient: maxConcurrentRequests must be a positive integer, got ${String(maxConcurrentRequests)}`,
    );
  }
  if (rateLimit !== false && !(rateLimit.qps > 0 && Number.isInteger(rateLimit.burst) && rateLimit.burst >= 1)) {
    throw new RangeError(
      `createClient: rateLimit needs qps > 0 and an integer burst >= 1, got qps ${String(rateLimit.qps)}, burst ${String(rateLimit.burst)}`,
    );
  }
  let active = 0;
  const queue: { grant: () => void }[] = [];
  let tokens = rateLimit === false ? 0 : rateLimit.burst;
  let refilledAt = now();
  // Tokens are reserved in arrival order: a waiter that reserved a token owns it even while it sleeps.
  const takeToken = (): number => {
    if (rateLimit === false) return 0;
    const at = now();
    tokens = Math.min(rateLimit.burst, tokens + ((at - refilledAt) / 1000) * rateLimit.qps);
    refilledAt = at;
    tokens -= 1;
    return tokens >= 0 ? 0 : (-tokens / rateLimit.qps) * 1000;
  };

  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      if (next) next.grant();
      else active--;
    };
  };

  return {
    async acquire(signal) {
      signal?.throwIfAborted();
      const waitMs = takeToken();
      if (waitMs > 0) {
        try {
          await sleep(waitMs, signal);
        } catch (err) {
          // The reserved token was not used: give it back.
          tokens = Math.min(rateLimit === false ? 0 : rateLimit.burst, tokens + 1);
          throw err;
        }
      }
      if (active < maxConcurrentRequests) {
        active++;
        return releaser();
      }
      return new Promise<() => void>((resolve, reject) => {
        const waiter = {
          // A released slot passes straight to the next waiter, so `active` stays the same.
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(releaser());
          },
        };
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },
    inFlight: () => active,
    waiting: () => queue.length,
  };
}
