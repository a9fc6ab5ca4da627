/**
 * Token buckets keyed by object, the spam filter of the Event recorder (client-go's EventSourceObjectSpamFilter).
 *
 * Not the client's request bucket (`createRequestLimiter`) nor the work queue's (`createBucketRateLimiter`): those are
 * one bucket that reserves a token and says how long to wait, this is one bucket per key, least recently used dropped
 * past `maxKeys`, that refuses when empty. And the client depends on this package, so this one cannot use the client's.
 */

/** A set of token buckets, one per key, created full on first use. */
export interface TokenBuckets {
  /** Takes one token from the bucket of `key`; false when it is empty. */
  take(key: string, nowMs: number): boolean;
}

/** Options of {@link createTokenBuckets}. */
export interface TokenBucketsOptions {
  /** Tokens in a full bucket. */
  readonly burst: number;
  /** Time to refill one token; 0 or less never empties a bucket. */
  readonly refillMs: number;
  /** Buckets kept; past it the least recently used is forgotten (so it starts full again, as client-go's LRU does). */
  readonly maxKeys: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Creates {@link TokenBuckets}; refill is continuous, so half of `refillMs` restores half a token. */
export function createTokenBuckets({ burst, refillMs, maxKeys }: TokenBucketsOptions): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, nowMs) {
      if (refillMs <= 0) return burst >= 1;
      const bucket = buckets.get(key) ?? { tokens: burst, atMs: nowMs };
      const elapsedMs = Math.max(0, nowMs - bucket.atMs);
      bucket.tokens = Math.min(burst, bucket.tokens + elapsedMs / refillMs);
      bucket.atMs = Math.max(bucket.atMs, nowMs);
      // Re-insert so that Map order is least recently used first.
      buckets.delete(key);
      buckets.set(key, bucket);
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
