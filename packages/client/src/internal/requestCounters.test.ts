import { describe, expect, it } from 'vitest';
import { createRequestCounters } from './requestCounters.js';

describe('createRequestCounters', () => {
  it('counts each sent attempt by verb, and the ones after the first as retries', () => {
    const counters = createRequestCounters();
    counters.sent('get', 1);
    counters.sent('get', 2);
    counters.sent('create', 1);
    counters.failed();
    expect(counters.snapshot(1)).toEqual({
      requests: 3,
      retries: 1,
      failures: 1,
      byVerb: { get: 2, create: 1 },
      inFlight: 1,
      waiting: 0,
    });
  });

  it('takes a refused attempt back entirely, leaving no zero entry for its verb', () => {
    const counters = createRequestCounters();
    counters.sent('get', 1);
    counters.sent('patch', 2);
    counters.refused('patch', 2);
    expect(counters.snapshot(0)).toEqual({
      requests: 1,
      retries: 0,
      failures: 0,
      byVerb: { get: 1 },
      inFlight: 0,
      waiting: 0,
    });
  });

  it('counts an attempt as waiting until its wait ends, once however often the end is reported', () => {
    const counters = createRequestCounters();
    const first = counters.waitStarted();
    const second = counters.waitStarted();
    expect(counters.snapshot(0).waiting).toBe(2);
    first();
    first();
    expect(counters.snapshot(0).waiting).toBe(1);
    second();
    expect(counters.snapshot(0).waiting).toBe(0);
  });

  it('hands out snapshots that later counts do not change', () => {
    const counters = createRequestCounters();
    counters.sent('get', 1);
    const before = counters.snapshot(0);
    counters.sent('get', 1);
    expect(before.byVerb).toEqual({ get: 1 });
  });
});
