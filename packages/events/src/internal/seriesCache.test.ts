import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../standardEvents.js';
import { SeriesCache, startSeries } from './seriesCache.js';

const event: EventRecord = {
  regarding: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'web-0' },
  type: 'Normal',
  reason: 'Started',
  note: 'started',
  action: 'Start',
};

describe('series cache', () => {
  it('folds a repeat within the window into the series, and starts over once the window has ended', () => {
    const cache = new SeriesCache(1_000, 10, 0);
    const series = startSeries('k', event, 0);
    expect(series).toMatchObject({ count: 1, written: 0, attempted: 0, state: 'idle', namespace: 'ns' });
    cache.add(series);
    expect(cache.join('k', 1_000)).toBe(series);
    expect(series).toMatchObject({ count: 2, lastObservedMs: 1_000 });
    expect(cache.join('k', 2_001)).toBeUndefined();
    // The ended series is forgotten: a later occurrence does not find it either.
    expect(cache.join('k', 2_002)).toBeUndefined();
    expect(series.count).toBe(2);
  });

  it('evicts the least recently used idle series past its size, never one that is being sent', () => {
    const cache = new SeriesCache(60_000, 2, 0);
    const [a, b, c] = ['a', 'b', 'c'].map((key) => startSeries(key, event, 0));
    a!.state = 'writing';
    cache.add(a!);
    cache.add(b!);
    cache.add(c!);
    expect(cache.join('a', 1)).toBe(a);
    expect(cache.join('b', 1)).toBeUndefined();
    expect(cache.join('c', 1)).toBe(c);
  });

  it('forgets a series only while it is still the one of its key', () => {
    const cache = new SeriesCache(60_000, 10, 0);
    const old = startSeries('k', event, 0);
    const current = startSeries('k', event, 0);
    cache.add(current);
    cache.forget(old);
    expect(cache.join('k', 1)).toBe(current);
    cache.forget(current);
    expect(cache.join('k', 2)).toBeUndefined();
  });

  it('keeps, through the periodic sweep, every series whose window is still open', () => {
    const cache = new SeriesCache(1_000, 10, 0);
    const recent = startSeries('recent', event, 900);
    const stale = startSeries('stale', event, 0);
    cache.add(stale);
    cache.add(recent);
    cache.join('other', 1_500); // a window after the last sweep: this one sweeps
    expect(cache.join('recent', 1_500)).toBe(recent);
    expect(cache.join('stale', 1_500)).toBeUndefined();
  });
});
