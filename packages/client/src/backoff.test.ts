import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, sleep } from './backoff.js';

const policy = { initialDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0.5 };

describe('backoffDelayMs', () => {
  it('doubles per retry, with the jittered half chosen by random()', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, () => 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, () => 0.5))).toEqual([150, 300, 600, 1200]);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, () => 0.999_999))).toEqual([200, 400, 800, 1600]);
  });

  it('never exceeds maxDelayMs, however many retries', () => {
    expect(backoffDelayMs(50, policy, () => 0.999)).toBe(9_995);
    expect(backoffDelayMs(50, { ...policy, jitter: 0 }, () => 0.5)).toBe(10_000);
    expect(backoffDelayMs(50, policy, () => 0)).toBe(5_000);
  });

  it('is exact without jitter', () => {
    expect(backoffDelayMs(3, { ...policy, jitter: 0 }, () => 0.7)).toBe(800);
  });

  it('stays within [(1 - jitter) * base, base] for any input', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (retry, random, jitter, initialDelayMs, maxDelayMs) => {
          const p = { initialDelayMs, maxDelayMs, factor: 2, jitter };
          const base = Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1));
          const delay = backoffDelayMs(retry, p, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)) - 1);
          expect(delay).toBeLessThanOrEqual(Math.min(maxDelayMs, Math.ceil(base)));
        },
      ),
    );
  });
});

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('rejects with the reason as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
