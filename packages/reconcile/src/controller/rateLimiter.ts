/**
 * Rate limiters for the work queue: per-item exponential backoff, a global token bucket, and their maximum, as
 * client-go's `DefaultTypedControllerRateLimiter` combines them.
 */

/** Decides how long an item waits before its next try. */
export interface RateLimiter<TKey = string> {
  /** The delay before `key` may be processed again; counts a failure of `key`. */
  when(key: TKey): number;
  /** Clears the failure history of `key` (after a success). */
  forget(key: TKey): void;
  /** How many failures of `key` are on record. */
  retries(key: TKey): number;
}

/** Options of {@link createItemBackoffRateLimiter}. */
export interface ItemBackoffOptions {
  /** Delay after the first failure; doubles per failure. @default 5 */
  readonly initialDelayMs?: number;
  /**
   * The old name of `initialDelayMs`, still read; `initialDelayMs` wins when both are given.
   * @deprecated Use `initialDelayMs`, the name every dsoi package gives its first retry delay.
   */
  readonly baseDelayMs?: number;
  /** The largest delay. @default 1_000_000 (1000 s, as controller-runtime) */
  readonly maxDelayMs?: number;
}

/** Per-item exponential backoff: `initialDelayMs * 2^failures`, capped at `maxDelayMs`. */
export function createItemBackoffRateLimiter<TKey = string>(options: ItemBackoffOptions = {}): RateLimiter<TKey> {
  const { initialDelayMs = options.baseDelayMs ?? 5, maxDelayMs = 1_000_000 } = options;
  const failures = new Map<TKey, number>();
  return {
    when(key) {
      const count = failures.get(key) ?? 0;
      failures.set(key, count + 1);
      // 2^count overflows to Infinity past ~1024; Math.min keeps it finite.
      return Math.min(initialDelayMs * 2 ** count, maxDelayMs);
    },
    forget(key) {
      failures.delete(key);
    },
    retries(key) {
      return failures.get(key) ?? 0;
    },
  };
}

/** Options of {@link createBucketRateLimiter}. */
export interface BucketOptions {
  /** Tokens added per second. @default 10 */
  readonly qps?: number;
  /** Bucket size: how many retries may start at once. @default 100 */
  readonly burst?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/**
 * A global token bucket shared by all items: it bounds the retry rate of the whole queue, so a burst of failing
 * keys cannot hammer the API server even when each key's own backoff is short.
 */
export function createBucketRateLimiter<TKey = string>(options: BucketOptions = {}): RateLimiter<TKey> {
  const { qps = 10, burst = 100, now = Date.now } = options;
  let tokens = burst;
  let last = now();
  return {
    when() {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * qps);
      last = t;
      tokens -= 1;
      // A negative balance is a reservation: wait until it is paid back.
      return tokens >= 0 ? 0 : (-tokens / qps) * 1000;
    },
    forget() {},
    retries() {
      return 0;
    },
  };
}

/** The largest delay of several limiters; `retries` is the largest count. */
export function createMaxOfRateLimiter<TKey = string>(...limiters: RateLimiter<TKey>[]): RateLimiter<TKey> {
  return {
    when: (key) => Math.max(0, ...limiters.map((limiter) => limiter.when(key))),
    forget: (key) => {
      for (const limiter of limiters) limiter.forget(key);
    },
    retries: (key) => Math.max(0, ...limiters.map((limiter) => limiter.retries(key))),
  };
}

/** Options of {@link createDefaultRateLimiter}. */
export interface DefaultRateLimiterOptions extends ItemBackoffOptions, BucketOptions {}

/** Per-item backoff (5 ms doubling to `maxDelayMs`) combined with a global bucket (10 qps, burst 100). */
export function createDefaultRateLimiter<TKey = string>(options: DefaultRateLimiterOptions = {}): RateLimiter<TKey> {
  return createMaxOfRateLimiter(createItemBackoffRateLimiter<TKey>(options), createBucketRateLimiter<TKey>(options));
}
