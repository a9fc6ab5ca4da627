/** The informer's reconnect delays (exponential, jittered, bounded) and its abortable pause. */

/** The bounds of the informer's reconnect delays. */
export interface ReconnectBackoffOptions {
  /** The base delay of the first retry; every delay is at least this. */
  readonly initialMs: number;
  /** No delay is longer than this. */
  readonly maxMs: number;
  /** Source of randomness in [0, 1). */
  readonly random: () => number;
}

/**
 * Delay before retry `failures` (1 for the first): `initialMs * 2^(failures-1)`, plus up to as much again at random
 * ("equal jitter" the other way round, so delays never fall below the base and retries of many informers spread out),
 * capped at `maxMs`. With the defaults: 0.8-1.6 s, 1.6-3.2 s, ..., then 30 s.
 */
export function reconnectDelayMs(failures: number, { initialMs, maxMs, random }: ReconnectBackoffOptions): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(Math.min(maxMs, base * (1 + Math.min(1, Math.max(0, random())))));
}

/** Resolves after `ms`, or at once (without rejecting) when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
