import { describe, expect, it } from 'vitest';
import { emptyState, failed, type ListWatchPacing, listed, watchEnded, watchOpened } from './listWatchState.js';

const pacing: ListWatchPacing = {
  initialMs: 800,
  maxMs: 30_000,
  random: () => 0,
  resetAfterMs: 60_000,
  minHealthyWatchMs: 1_000,
};
const ok = { gone: false, quiet: false };

describe('list-watch states', () => {
  it('goes Empty → Listed → Watching, and back to Listed when the server ends a watch that delivered events', () => {
    const watching = watchOpened(listed(emptyState), 1_000);
    expect(watching).toEqual({ phase: 'Watching', failures: 0, watches: 1, connectedAtMs: 1_000 });
    const ended = watchEnded(watching, 3, 1_200, pacing);
    expect(ended).toEqual({ state: { phase: 'Listed', failures: 0, watches: 1 } });
    expect(watchOpened(ended.state, 1_300)).toMatchObject({ phase: 'Watching', watches: 2 });
  });

  it('counts a watch ended at once without an event as a failure with backoff, and a long quiet one as healthy', () => {
    const watching = watchOpened(listed(emptyState), 0);
    expect(watchEnded(watching, 0, 10, pacing)).toEqual({
      state: { phase: 'Listed', failures: 1, watches: 1 },
      failure: { operation: 'watch', failures: 1, retryInMs: 800, quiet: false },
    });
    expect(watchEnded(watching, 0, 5_000, pacing).failure).toBeUndefined();
  });

  it('relists after 410 Gone: the first at once, the next one consecutive with backoff', () => {
    const watching = watchOpened(listed(emptyState), 0);
    const first = failed(watching, { gone: true, quiet: false }, 10, pacing);
    expect(first).toEqual({
      state: { phase: 'Empty', failures: 1, watches: 1 },
      failure: { operation: 'watch', failures: 1, retryInMs: 0, quiet: false },
    });
    // A 410 of the list itself (an expired continue token) relists too, now with backoff.
    expect(failed(first.state, { gone: true, quiet: false }, 20, pacing)).toEqual({
      state: { phase: 'Empty', failures: 2, watches: 1 },
      failure: { operation: 'list', failures: 2, retryInMs: 1_600, quiet: false },
    });
  });

  it('re-watches from the last resourceVersion after another watch failure, and lists again after a list failure', () => {
    const watching = watchOpened(listed(emptyState), 0);
    expect(failed(watching, ok, 10, pacing)).toMatchObject({
      state: { phase: 'Listed', failures: 1 },
      failure: { operation: 'watch', retryInMs: 800 },
    });
    expect(failed(emptyState, ok, 10, pacing)).toMatchObject({
      state: { phase: 'Empty', failures: 1 },
      failure: { operation: 'list', retryInMs: 800 },
    });
  });

  it('retries a first quiet watch at once; a connection up for resetAfterMs forgets earlier failures', () => {
    const watching = watchOpened(listed(emptyState), 0);
    expect(failed(watching, { gone: false, quiet: true }, 90_000, pacing).failure).toEqual({
      operation: 'watch',
      failures: 1,
      retryInMs: 0,
      quiet: true,
    });
    const struggling = watchOpened({ phase: 'Listed', failures: 4, watches: 5 }, 0);
    expect(failed(struggling, ok, 100, pacing).failure?.retryInMs).toBe(12_800);
    expect(failed(struggling, ok, 60_000, pacing).failure).toMatchObject({ failures: 1, retryInMs: 800 });
    expect(watchEnded(struggling, 1, 60_000, pacing).state.failures).toBe(0);
    expect(watchEnded(struggling, 1, 100, pacing).state.failures).toBe(4);
  });
});
