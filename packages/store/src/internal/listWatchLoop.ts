/** The informer's outer loop: list, then watch forever; 410 → relist; every failure → a paced retry, never the end. */
import { isGone } from '@dsoi/client/errors';
import { createReconnectBackoff, pause, type ReconnectBackoffOptions } from './backoff.js';

/** One failure, as the loop handled it. */
export interface LoopFailure {
  readonly operation: 'list' | 'watch';
  /** Consecutive failures, this one included. */
  readonly failures: number;
  /** The wait before the next attempt; 0 for at once. */
  readonly retryInMs: number;
  /** The watch went quiet for the inactivity timeout (the watchdog closed it). */
  readonly quiet: boolean;
}

/** What the loop runs and whom it tells. */
export interface ListWatchSteps {
  /** Lists everything into the cache. */
  list(signal: AbortSignal): Promise<void>;
  /** Opens one watch from the last resourceVersion; resolves with its event count when the server ends it. */
  watch(signal: AbortSignal): Promise<number>;
  /** Tells whether an error is the inactivity watchdog's (given when the connection opened). */
  isQuiet(error: unknown, connectedAtMs: number): boolean;
  /** Called before each watch of this run but the first. */
  onReconnect(): void;
  /** Called for each failure, before the wait. */
  onFailure(error: unknown, failure: LoopFailure): void;
}

/** The pacing of the loop. */
export interface ListWatchPacing extends ReconnectBackoffOptions {
  /** A connection that stayed up this long resets the backoff. */
  readonly resetAfterMs: number;
  /** A watch ending normally sooner than this without an event counts as a failure (a server closing at once). */
  readonly minHealthyWatchMs: number;
}

/** Runs until `signal` aborts; never throws for a failure of `list` or `watch`. */
export async function runListWatch(steps: ListWatchSteps, pacing: ListWatchPacing, signal: AbortSignal): Promise<void> {
  const backoff = createReconnectBackoff(pacing);
  // Every run lists first: after a stop the cache may be stale; the list's diff emits only what changed.
  let phase: 'list' | 'watch' = 'list';
  let watches = 0;
  while (!signal.aborted) {
    let connectedAtMs: number | undefined;
    try {
      if (phase === 'list') {
        await steps.list(signal);
        if (signal.aborted) return;
        phase = 'watch';
      }
      if (watches++ > 0) steps.onReconnect();
      connectedAtMs = performance.now();
      const events = await steps.watch(signal);
      if (signal.aborted) return;
      const livedMs = performance.now() - connectedAtMs;
      if (livedMs >= pacing.resetAfterMs) backoff.reset();
      // The server's timeoutSeconds ended the watch: resume from the last resourceVersion at once, no relist.
      if (events > 0 || livedMs >= pacing.minHealthyWatchMs) continue;
      const delayMs = backoff.fail();
      const error = new Error(`the server closed the watch after ${Math.round(livedMs)} ms without an event`);
      steps.onFailure(error, { operation: 'watch', failures: backoff.failures, retryInMs: delayMs, quiet: false });
      await pause(delayMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      const livedMs = connectedAtMs === undefined ? 0 : performance.now() - connectedAtMs;
      if (livedMs >= pacing.resetAfterMs) backoff.reset();
      const quiet = connectedAtMs !== undefined && steps.isQuiet(error, connectedAtMs);
      // 410: our resourceVersion (or continue token) is older than the server keeps; only a relist can resume.
      if (isGone(error)) phase = 'list';
      // Neither a 410 nor a quiet stream says the server is in trouble: the first one is retried at once.
      let delayMs = 0;
      if ((quiet || isGone(error)) && backoff.failures === 0) backoff.failWithoutDelay();
      else delayMs = backoff.fail();
      const operation = connectedAtMs === undefined ? 'list' : 'watch';
      steps.onFailure(error, { operation, failures: backoff.failures, retryInMs: delayMs, quiet });
      if (delayMs > 0) await pause(delayMs, signal);
    }
  }
}
