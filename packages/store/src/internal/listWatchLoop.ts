/** The informer's outer loop: drives the list-watch states until the signal aborts; a failure is a paced retry, never the end. */
import { isGone } from '@dsoi/client/errors';
import { pause } from './backoff.js';
import {
  emptyState,
  failed,
  type ListWatchPacing,
  type ListWatchState,
  type ListWatchTransition,
  type LoopFailure,
  listed,
  watchEnded,
  watchOpened,
} from './listWatchState.js';

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

/** Runs until `signal` aborts; never throws for a failure of `list` or `watch`. */
export async function runListWatch(steps: ListWatchSteps, pacing: ListWatchPacing, signal: AbortSignal): Promise<void> {
  let state: ListWatchState = emptyState;
  while (!signal.aborted) {
    // The transitions leave the loop Empty or Listed between steps; Watching lasts while `steps.watch` runs.
    const current = state.phase === 'Listed' ? watchOpened(state, performance.now()) : state;
    if (current.phase === 'Watching' && current.watches > 1) steps.onReconnect();
    let next: ListWatchTransition;
    let error: unknown;
    try {
      if (current.phase === 'Empty') {
        await steps.list(signal);
        next = { state: listed(current) };
      } else {
        const events = await steps.watch(signal);
        const nowMs = performance.now();
        next = watchEnded(current, events, nowMs, pacing);
        const livedMs = Math.round(nowMs - current.connectedAtMs);
        if (next.failure) error = new Error(`the server closed the watch after ${livedMs} ms without an event`);
      }
    } catch (caught) {
      if (signal.aborted) return;
      error = caught;
      const quiet = current.phase === 'Watching' && steps.isQuiet(caught, current.connectedAtMs);
      next = failed(current, { gone: isGone(caught), quiet }, performance.now(), pacing);
    }
    if (signal.aborted) return;
    state = next.state;
    if (next.failure === undefined) continue;
    steps.onFailure(error, next.failure);
    if (next.failure.retryInMs > 0) await pause(next.failure.retryInMs, signal);
  }
}
