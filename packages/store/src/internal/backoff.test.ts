import { describe, expect, it } from 'vitest';
import { pause, reconnectDelayMs } from './backoff.js';

const defaults = { initialMs: 800, maxMs: 30_000 };

describe('reconnect backoff', () => {
  it('doubles from 0.8 s, jitters up to as much again, and never leaves [0.8 s, 30 s]', () => {
    const low = (n: number) => reconnectDelayMs(n, { ...defaults, random: () => 0 });
    const high = (n: number) => reconnectDelayMs(n, { ...defaults, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5].map(low)).toEqual([800, 1_600, 3_200, 6_400, 12_800]);
    expect([1, 2, 3, 4].map(high)).toEqual([1_600, 3_200, 6_400, 12_800]);
    // At the cap the delays spread over its upper half, so informers that failed together do not retry together.
    expect([6, 7, 500].map(low)).toEqual([15_000, 15_000, 15_000]);
    expect([5, 6, 500].map(high)).toEqual([25_600, 30_000, 30_000]);
    // Never below the base: with the base at the cap every delay is the cap.
    const fixed = { initialMs: 40, maxMs: 40 };
    expect([1, 5].map((n) => reconnectDelayMs(n, { ...fixed, random: () => 0 }))).toEqual([40, 40]);
    for (let failures = 1; failures <= 200; failures++) {
      const delay = reconnectDelayMs(failures, { ...defaults, random: Math.random });
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });

  it('clamps a misbehaving random source', () => {
    expect(reconnectDelayMs(1, { ...defaults, random: () => 7 })).toBe(1_600);
    expect(reconnectDelayMs(1, { ...defaults, random: () => -1 })).toBe(800);
  });

  it('pause resolves early, without rejecting, when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const paused = pause(10_000, controller.signal);
    controller.abort();
    await paused;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
