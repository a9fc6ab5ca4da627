import { describe, expect, it } from 'vitest';
import {
  createBucketRateLimiter,
  createDefaultRateLimiter,
  createItemBackoffRateLimiter,
  createMaxOfRateLimiter,
} from './rateLimiter.js';

describe('createItemBackoffRateLimiter', () => {
  it('doubles from 5 ms per failure up to the maximum, per key', () => {
    const limiter = createItemBackoffRateLimiter({ maxDelayMs: 100 });
    expect([1, 2, 3, 4, 5, 6].map(() => limiter.when('a'))).toEqual([5, 10, 20, 40, 80, 100]);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.retries('a')).toBe(6);
  });

  it('starts over after forget', () => {
    const limiter = createItemBackoffRateLimiter();
    limiter.when('a');
    limiter.when('a');
    limiter.forget('a');
    expect(limiter.retries('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });

  it('starts at initialDelayMs', () => {
    const limiter = createItemBackoffRateLimiter({ initialDelayMs: 3, maxDelayMs: 100 });
    expect([1, 2, 3].map(() => limiter.when('a'))).toEqual([3, 6, 12]);
  });

  it('still reads the deprecated baseDelayMs, which initialDelayMs overrides', () => {
    const old = createItemBackoffRateLimiter({ baseDelayMs: 7 });
    expect([old.when('a'), old.when('a')]).toEqual([7, 14]);
    const both = createItemBackoffRateLimiter({ baseDelayMs: 7, initialDelayMs: 2 });
    expect(both.when('a')).toBe(2);
  });

  it('stays finite after thousands of failures', () => {
    const limiter = createItemBackoffRateLimiter({ maxDelayMs: 30_000 });
    for (let i = 0; i < 5_000; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(30_000);
  });
});

describe('createBucketRateLimiter', () => {
  it('lets a burst through, then spaces retries at the rate', () => {
    let t = 0;
    const limiter = createBucketRateLimiter({ qps: 10, burst: 3, now: () => t });
    expect([limiter.when('a'), limiter.when('b'), limiter.when('c')]).toEqual([0, 0, 0]);
    expect(limiter.when('d')).toBeCloseTo(100);
    expect(limiter.when('e')).toBeCloseTo(200);
    t = 1_000; // ten tokens later, minus the two reserved
    expect(limiter.when('f')).toBe(0);
  });
});

describe('createMaxOfRateLimiter / createDefaultRateLimiter', () => {
  it('takes the longest delay', () => {
    let t = 0;
    const limiter = createMaxOfRateLimiter(
      createItemBackoffRateLimiter({ baseDelayMs: 1 }),
      createBucketRateLimiter({ qps: 1, burst: 1, now: () => t }),
    );
    expect(limiter.when('a')).toBe(1);
    expect(limiter.when('a')).toBeCloseTo(1_000);
    t = 10_000;
    expect(limiter.when('a')).toBe(4);
  });

  it('defaults to 5 ms backoff under a 100-token bucket', () => {
    const limiter = createDefaultRateLimiter();
    expect(limiter.when('x')).toBe(5);
    expect(limiter.when('x')).toBe(10);
    expect(limiter.retries('x')).toBe(2);
  });
});
