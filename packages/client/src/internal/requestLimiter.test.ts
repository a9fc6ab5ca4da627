import { describe, expect, it, vi } from 'vitest';
import { createRequestLimiter } from './requestLimiter.js';

describe('createRequestLimiter', () => {
  it('never lets more than maxConcurrentRequests hold a slot, and hands slots on in arrival order', async () => {
    const limiter = createRequestLimiter({ maxConcurrentRequests: 2, rateLimit: false });
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const later = [3, 4, 5].map((n) =>
      limiter.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    await Promise.resolve();
    expect(limiter.inFlight()).toBe(2);
    expect(limiter.waiting()).toBe(3);
    releases[0]!();
    releases[0]!(); // a second release of the same slot does nothing
    const third = await later[0]!;
    expect(order).toEqual([3]);
    expect(limiter.inFlight()).toBe(2);
    releases[1]!();
    third();
    for (const release of await Promise.all(later.slice(1))) release();
    expect(order).toEqual([3, 4, 5]);
    expect(limiter.inFlight()).toBe(0);
    expect(limiter.waiting()).toBe(0);
  });

  it('an aborted waiter leaves the queue and takes no slot', async () => {
    const limiter = createRequestLimiter({ maxConcurrentRequests: 1, rateLimit: false });
    const held = await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    abort.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.waiting()).toBe(0);
    held();
    expect(limiter.inFlight()).toBe(0);
    await expect(limiter.acquire(abort.signal)).rejects.toThrow('stop');
  });

  it('spends the burst at once, then paces at qps', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const limiter = createRequestLimiter({
        maxConcurrentRequests: 100,
        rateLimit: { qps: 10, burst: 3 },
        now: () => clock,
      });
      const granted: number[] = [];
      const all = Array.from({ length: 5 }, () =>
        limiter.acquire().then((release) => {
          granted.push(clock);
          release();
        }),
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(granted).toEqual([0, 0, 0]);
      clock = 100;
      await vi.advanceTimersByTimeAsync(100);
      expect(granted).toHaveLength(4);
      clock = 200;
      await vi.advanceTimersByTimeAsync(100);
      await Promise.all(all);
      expect(granted).toEqual([0, 0, 0, 100, 200]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses nonsense settings with the option named', () => {
    expect(() => createRequestLimiter({ maxConcurrentRequests: 0, rateLimit: false })).toThrow(
      /maxConcurrentRequests must be a positive integer, got 0/,
    );
    expect(() => createRequestLimiter({ maxConcurrentRequests: 1, rateLimit: { qps: 0, burst: 1 } })).toThrow(
      /rateLimit needs qps > 0/,
    );
  });
});
