/**
 * The work queue between events and reconciles, with controller-runtime's guarantees: a key is queued at most once,
 * never handed to two workers at a time, and a key added while it is being processed runs once more afterwards.
 */
import { createDefaultRateLimiter, type RateLimiter } from './rateLimiter.js';

/** Observes the queue, for metrics (the manager maps these to controller-runtime's `workqueue_*` metrics). */
export interface WorkQueueObserver {
  /** A key was added (`workqueue_adds_total`). */
  added?(): void;
  /** The number of queued keys changed (`workqueue_depth`). */
  depth?(depth: number): void;
  /** A key was re-added through the rate limiter (`workqueue_retries_total`). */
  retried?(): void;
  /** A key waited this long between add and get (`workqueue_queue_duration_seconds`). */
  queued?(seconds: number): void;
  /** A key was processed for this long, from get to done (`workqueue_work_duration_seconds`). */
  worked?(seconds: number): void;
}

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions<TKey> {
  /** Delays for `addRateLimited`. @default createDefaultRateLimiter() */
  readonly rateLimiter?: RateLimiter<TKey>;
  /** Metrics hooks. @default none */
  readonly observer?: WorkQueueObserver;
  /** Clock, for tests. @default performance.now */
  readonly now?: () => number;
}

/** A deduplicating, rate-limited work queue. */
export interface WorkQueue<TKey = string> {
  /** Queues `key` unless it is already queued; if it is being processed, it is queued again after `done`. */
  add(key: TKey): void;
  /** Adds `key` after `delayMs` (an earlier pending add wins). */
  addAfter(key: TKey, delayMs: number): void;
  /** Adds `key` after the rate limiter's delay; counts a retry. */
  addRateLimited(key: TKey): void;
  /** Clears the retry history of `key` (call after a successful reconcile). */
  forget(key: TKey): void;
  /** How many rate-limited retries `key` has had since its last `forget`. */
  retries(key: TKey): number;
  /**
   * Waits for the next key and marks it as being processed. Resolves `undefined` once the queue is shut down or
   * `signal` aborts: no new work starts after that. Every key returned must be passed to `done`.
   */
  get(signal?: AbortSignal): Promise<TKey | undefined>;
  /** Marks `key` as processed; requeues it if it was added meanwhile. */
  done(key: TKey): void;
  /** Number of keys waiting (not counting delayed or in-process ones). */
  length(): number;
  /** Number of keys being processed. */
  inFlight(): number;
  /** Stops accepting keys; waiting `get` calls resolve `undefined`; pending timers are cancelled. */
  shutDown(): void;
  /** Whether `shutDown` was called. */
  isShutDown(): boolean;
  /** Resolves when no key is being processed (use after `shutDown` for an orderly drain). */
  drained(): Promise<void>;
}

/** Creates a {@link WorkQueue}. */
export function createWorkQueue<TKey = string>(options: WorkQueueOptions<TKey> = {}): WorkQueue<TKey> {
  const { rateLimiter = createDefaultRateLimiter<TKey>(), observer = {}, now = () => performance.now() } = options;
  const queue: TKey[] = [];
  const dirty = new Set<TKey>(); // queued, or to be queued once processing ends
  const processing = new Set<TKey>();
  const addedAt = new Map<TKey, number>();
  const startedAt = new Map<TKey, number>();
  const timers = new Map<TKey, { at: number; timer: NodeJS.Timeout }>();
  const waiters: ((key: TKey | undefined) => void)[] = [];
  const drainWaiters: (() => void)[] = [];
  let shutDown = false;

  const publishDepth = () => observer.depth?.(queue.length);

  function hand(key: TKey): void {
    processing.add(key);
    dirty.delete(key);
    const added = addedAt.get(key);
    addedAt.delete(key);
    const t = now();
    if (added !== undefined) observer.queued?.((t - added) / 1000);
    startedAt.set(key, t);
  }

  function enqueue(key: TKey): void {
    const waiter = waiters.shift();
    if (waiter) {
      hand(key);
      waiter(key);
      return;
    }
    queue.push(key);
    publishDepth();
  }

  const self: WorkQueue<TKey> = {
    add(key) {
      if (shutDown || dirty.has(key)) return;
      observer.added?.();
      dirty.add(key);
      addedAt.set(key, now());
      if (!processing.has(key)) enqueue(key);
    },
    addAfter(key, delayMs) {
      if (shutDown) return;
      if (delayMs <= 0) return self.add(key);
      const at = now() + delayMs;
      const pending = timers.get(key);
      if (pending && pending.at <= at) return;
      if (pending) clearTimeout(pending.timer);
      const timer = setTimeout(() => {
        timers.delete(key);
        self.add(key);
      }, delayMs);
      timer.unref();
      timers.set(key, { at, timer });
    },
    addRateLimited(key) {
      observer.retried?.();
      self.addAfter(key, rateLimiter.when(key));
    },
    forget: (key) => rateLimiter.forget(key),
    retries: (key) => rateLimiter.retries(key),
    get(signal) {
      // After shutDown no new work starts; keys still queued stay queued (the next leader relists anyway).
      if (shutDown) return Promise.resolve(undefined);
      const key = queue.shift();
      if (key !== undefined) {
        publishDepth();
        hand(key);
        return Promise.resolve(key);
      }
      if (signal?.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const waiter = (k: TKey | undefined) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(k);
        };
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index !== -1) waiters.splice(index, 1);
          resolve(undefined);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    done(key) {
      if (!processing.delete(key)) return;
      const started = startedAt.get(key);
      startedAt.delete(key);
      if (started !== undefined) observer.worked?.((now() - started) / 1000);
      if (dirty.has(key) && !shutDown) enqueue(key);
      if (processing.size === 0) for (const resolve of drainWaiters.splice(0)) resolve();
    },
    length: () => queue.length,
    inFlight: () => processing.size,
    shutDown() {
      shutDown = true;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const waiter of waiters.splice(0)) waiter(undefined);
    },
    isShutDown: () => shutDown,
    drained() {
      return processing.size === 0 ? Promise.resolve() : new Promise((resolve) => drainWaiters.push(resolve));
    },
  };
  return self;
}
