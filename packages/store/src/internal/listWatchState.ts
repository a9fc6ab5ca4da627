/**
 * The states of the informer's list-watch loop, named as kube-rs's watcher names them (Empty → Listed → Watching,
 * back to Empty on 410 Gone), with pure transitions so a test can drive them without a server or a clock.
 */
import { type ReconnectBackoffOptions, reconnectDelayMs } from './backoff.js';

/** What every state carries: the backoff and the reconnect count of this run. */
interface ListWatchCounts {
  /** Consecutive failures since the last success that resets the backoff. */
  readonly failures: number;
  /** Watches opened in this run (the first one is not a reconnect). */
  readonly watches: number;
}

/**
 * Where the loop is:
 * - `Empty`: nothing of this run is listed (the start, or after 410 Gone), so the next step lists;
 * - `Listed`: the cache holds a list and its resourceVersion (or the last event's), so the next step watches from it;
 * - `Watching`: a watch has been open since `connectedAtMs`.
 */
export type ListWatchState =
  | (ListWatchCounts & { readonly phase: 'Empty' })
  | (ListWatchCounts & { readonly phase: 'Listed' })
  | (ListWatchCounts & { readonly phase: 'Watching'; readonly connectedAtMs: number });

/** One failure, as the loop handles it. */
export interface LoopFailure {
  readonly operation: 'list' | 'watch';
  /** Consecutive failures, this one included. */
  readonly failures: number;
  /** The wait before the next attempt; 0 for at once. */
  readonly retryInMs: number;
  /** The watch went quiet for the inactivity timeout (the watchdog closed it). */
  readonly quiet: boolean;
}

/** A transition's result: the next state, and the failure to report (and wait out) on the way, if any. */
export interface ListWatchTransition {
  readonly state: ListWatchState;
  readonly failure?: LoopFailure;
}

/** The pacing of the loop. */
export interface ListWatchPacing extends ReconnectBackoffOptions {
  /** A connection that stayed up this long resets the backoff. */
  readonly resetAfterMs: number;
  /** A watch ending normally sooner than this without an event counts as a failure (a server closing at once). */
  readonly minHealthyWatchMs: number;
}

/** Every run starts here: after a stop the cache may be stale, and the list's diff emits only what changed. */
export const emptyState: ListWatchState = Object.freeze({ phase: 'Empty', failures: 0, watches: 0 });

/** Empty → Listed: the list is in the cache. */
export function listed(state: ListWatchState): ListWatchState {
  return { phase: 'Listed', failures: state.failures, watches: state.watches };
}

/** Listed → Watching: a watch opens at `nowMs`. */
export function watchOpened(state: ListWatchState, nowMs: number): ListWatchState & { phase: 'Watching' } {
  return { phase: 'Watching', failures: state.failures, watches: state.watches + 1, connectedAtMs: nowMs };
}

/** Watching → Listed: the server ended the watch after `events` events; a watch ended at once and empty is a failure. */
export function watchEnded(
  state: ListWatchState & { phase: 'Watching' },
  events: number,
  nowMs: number,
  pacing: ListWatchPacing,
): ListWatchTransition {
  const livedMs = nowMs - state.connectedAtMs;
  const before = livedMs >= pacing.resetAfterMs ? 0 : state.failures;
  // The server's timeoutSeconds ended the watch: resume from the last resourceVersion at once, no relist.
  if (events > 0 || livedMs >= pacing.minHealthyWatchMs) {
    return { state: { phase: 'Listed', failures: before, watches: state.watches } };
  }
  const failures = before + 1;
  return {
    state: { phase: 'Listed', failures, watches: state.watches },
    failure: { operation: 'watch', failures, retryInMs: reconnectDelayMs(failures, pacing), quiet: false },
  };
}

/** What the loop knows of an error when its transition is chosen. */
export interface ListWatchError {
  /** 410 Gone: the resourceVersion (or continue token) is older than the server keeps. */
  readonly gone: boolean;
  /** The inactivity watchdog closed a silent watch. */
  readonly quiet: boolean;
}

/** Any state → Empty (after a 410 or a failed list) or Listed (a failed watch resumes from the last resourceVersion). */
export function failed(
  state: ListWatchState,
  { gone, quiet }: ListWatchError,
  nowMs: number,
  pacing: ListWatchPacing,
): ListWatchTransition {
  const watching = state.phase === 'Watching';
  const before = watching && nowMs - state.connectedAtMs >= pacing.resetAfterMs ? 0 : state.failures;
  // 410: only a relist can resume; a failed list has nothing to resume from either.
  const phase = gone || state.phase === 'Empty' ? 'Empty' : 'Listed';
  const failures = before + 1;
  // Neither a 410 nor a quiet stream says the server is in trouble: the first one is retried at once.
  const retryInMs = (gone || quiet) && before === 0 ? 0 : reconnectDelayMs(failures, pacing);
  return {
    state: { phase, failures, watches: state.watches },
    failure: { operation: watching ? 'watch' : 'list', failures, retryInMs, quiet },
  };
}
