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
  return new KeyQueue(options);
}

/**
 * client-go's work queue, with its sets named: `queue` (waiting, in order), `dirty` (queued, or to be queued again
 * once its processing ends), `processing` (handed to a worker, not yet `done`) and `delayed` (timers of `addAfter`).
 * A key is in `queue` only if it is in `dirty` and not in `processing`.
 */
class KeyQueue<TKey> implements WorkQueue<TKey> {
  readonly #queue: TKey[] = [];
  readonly #dirty = new Set<TKey>();
  readonly #processing = new Set<TKey>();
  readonly #delayed = new Map<TKey, { at: number; timer: NodeJS.Timeout }>();
  readonly #addedAt = new Map<TKey, number>();
  readonly #startedAt = new Map<TKey, number>();
  readonly #waiters: { readonly resolve: (key: TKey | undefined) => void; readonly signal?: AbortSignal }[] = [];
  /** The signals `get` has been given: each gets one abort listener for all its waiters, not one per wait. */
  readonly #watchedSignals = new WeakSet<AbortSignal>();
  readonly #drainWaiters: (() => void)[] = [];
  #shutDown = false;
  readonly #rateLimiter: RateLimiter<TKey>;
  readonly #observer: WorkQueueObserver;
  readonly #now: () => number;

  constructor(options: WorkQueueOptions<TKey>) {
    this.#rateLimiter = options.rateLimiter ?? createDefaultRateLimiter<TKey>();
    this.#observer = options.observer ?? {};
    this.#now = options.now ?? (() => performance.now());
  }

  readonly add = (key: TKey): void => {
    if (this.#shutDown || this.#dirty.has(key)) return;
    this.#observer.added?.();
    this.#dirty.add(key);
    this.#addedAt.set(key, this.#now());
    if (!this.#processing.has(key)) this.#enqueue(key);
  };

  readonly addAfter = (key: TKey, delayMs: number): void => {
    if (this.#shutDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.#now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  };

  readonly addRateLimited = (key: TKey): void => {
    this.#observer.retried?.();
    this.addAfter(key, this.#rateLimiter.when(key));
  };

  readonly forget = (key: TKey): void => this.#rateLimiter.forget(key);

  readonly retries = (key: TKey): number => this.#rateLimiter.retries(key);

  readonly get = (signal?: AbortSignal): Promise<TKey | undefined> => {
    // After shutDown no new work starts; keys still queued stay queued (the next leader relists anyway).
    if (this.#shutDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#publishDepth();
      this.#hand(key);
      return Promise.resolve(key);
    }
    if (signal?.aborted) return Promise.resolve(undefined);
    return this.#waitForKey(signal);
  };

  readonly done = (key: TKey): void => {
    if (!this.#processing.delete(key)) return;
    const started = this.#startedAt.get(key);
    this.#startedAt.delete(key);
    if (started !== undefined) this.#observer.worked?.((this.#now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shutDown) this.#enqueue(key);
    if (this.#processing.size === 0) for (const resolve of this.#drainWaiters.splice(0)) resolve();
  };

  readonly length = (): number => this.#queue.length;

  readonly inFlight = (): number => this.#processing.size;

  readonly shutDown = (): void => {
    this.#shutDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  };

  readonly isShutDown = (): boolean => this.#shutDown;

  readonly drained = (): Promise<void> =>
    this.#processing.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#drainWaiters.push(resolve));

  /** A worker waits for the next key (handed to it directly by `#enqueue`), or `undefined` when `signal` aborts. */
  #waitForKey(signal: AbortSignal | undefined): Promise<TKey | undefined> {
    if (signal !== undefined && !this.#watchedSignals.has(signal)) {
      // Workers wait on the same signal again and again: one listener serves every wait on it.
      this.#watchedSignals.add(signal);
      signal.addEventListener('abort', () => this.#abortWaiters(signal), { once: true });
    }
    return new Promise((resolve) => {
      this.#waiters.push(signal === undefined ? { resolve } : { resolve, signal });
    });
  }

  /** Resolves `undefined` to the workers waiting on `signal`. */
  #abortWaiters(signal: AbortSignal): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]!;
      if (waiter.signal !== signal) continue;
      this.#waiters.splice(i, 1);
      waiter.resolve(undefined);
    }
  }

  #publishDepth(): void {
    this.#observer.depth?.(this.#queue.length);
  }

  /** Moves `key` from dirty to processing, and records how long it waited. */
  #hand(key: TKey): void {
    this.#processing.add(key);
    this.#dirty.delete(key);
    const added = this.#addedAt.get(key);
    this.#addedAt.delete(key);
    const t = this.#now();
    if (added !== undefined) this.#observer.queued?.((t - added) / 1000);
    this.#startedAt.set(key, t);
  }

  /** Gives `key` to a waiting worker if there is one, else appends it to the queue. */
  #enqueue(key: TKey): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#hand(key);
      waiter.resolve(key);
      return;
    }
    this.#queue.push(key);
    this.#publishDepth();
  }
}
