import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './tokenBuckets.js';

const takeMany = (take: () => boolean, n: number) => Array.from({ length: n }, take).filter(Boolean).length;

describe('createTokenBuckets', () => {
  it('gives each key a full bucket, then one token per refill period', () => {
    const buckets = createTokenBuckets({ burst: 3, refillMs: 1000, maxKeys: 10 });
    expect(takeMany(() => buckets.take('a', 0), 5)).toBe(3);
    expect(buckets.take('b', 0)).toBe(true);
    expect(buckets.take('a', 500)).toBe(false);
    expect(buckets.take('a', 1000)).toBe(true);
    expect(takeMany(() => buckets.take('a', 100_000), 5)).toBe(3);
  });

  it('ignores a clock that goes back', () => {
    const buckets = createTokenBuckets({ burst: 1, refillMs: 1000, maxKeys: 10 });
    expect(buckets.take('a', 5000)).toBe(true);
    expect(buckets.take('a', 0)).toBe(false);
    expect(buckets.take('a', 5999)).toBe(false);
    expect(buckets.take('a', 6000)).toBe(true);
  });

  it('forgets the least recently used key past maxKeys, which starts full again', () => {
    const buckets = createTokenBuckets({ burst: 1, refillMs: 1000, maxKeys: 2 });
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('b', 0)).toBe(true);
    expect(buckets.take('c', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('c', 0)).toBe(false);
  });

  it('never empties with a refill period of 0', () => {
    const buckets = createTokenBuckets({ burst: 1, refillMs: 0, maxKeys: 2 });
    expect(takeMany(() => buckets.take('a', 0), 5)).toBe(5);
  });
});
