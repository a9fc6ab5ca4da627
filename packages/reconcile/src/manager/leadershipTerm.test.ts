import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { Leadership, type LeadershipEndReason } from './leadershipTerm.js';

const log = createLogger({ level: 'silent' });

function leadership() {
  const events: string[] = [];
  const gauge: number[] = [];
  const terms = new Leadership({
    renewDeadlineMs: 1_000,
    lease: 'Lease ns/l',
    identity: 'me',
    log,
    onStartedLeading: () => void events.push('started'),
    onStoppedLeading: (reason: LeadershipEndReason) => void events.push(`stopped:${reason}`),
    gauge: { set: (value) => void gauge.push(value) },
  });
  return { terms, events, gauge };
}

describe('Leadership', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('follows until a renewal, then leads with an open signal', () => {
    const { terms, events, gauge } = leadership();
    expect(terms.current()).toBeUndefined();
    expect(terms.signal().aborted).toBe(true);
    expect(terms.signal().reason.message).toBe('me does not lead Lease ns/l');
    terms.renewed(performance.now());
    expect(terms.current()).toBeDefined();
    expect(terms.signal().aborted).toBe(false);
    expect(events).toEqual(['started']);
    expect(gauge).toEqual([1]);
  });

  it('extends the open term on each renewal instead of starting another', () => {
    const { terms, events } = leadership();
    terms.renewed(performance.now());
    const signal = terms.signal();
    vi.advanceTimersByTime(900);
    terms.renewed(performance.now());
    vi.advanceTimersByTime(900);
    expect(signal.aborted).toBe(false);
    expect(events).toEqual(['started']);
  });

  it('ends the term by its timer at the renew deadline', () => {
    const { terms, events, gauge } = leadership();
    terms.renewed(performance.now());
    const signal = terms.signal();
    vi.advanceTimersByTime(1_000);
    expect(signal.aborted).toBe(true);
    expect(signal.reason.message).toMatch(/^leader election on Lease ns\/l: me stopped leading: no successful renewal/);
    expect(events).toEqual(['started', 'stopped:lost']);
    expect(gauge).toEqual([1, 0]);
  });

  it('ends the term on a check past the deadline even when its timer has not fired (a paused process)', () => {
    const { terms, events } = leadership();
    terms.renewed(performance.now() - 1_000);
    // The timer is armed for 0 ms from now but has not run: the clock check alone ends the term.
    expect(terms.open()).toBeDefined();
    expect(terms.current()).toBeUndefined();
    expect(events).toEqual(['started', 'stopped:lost']);
  });

  it('resolves waiters when a term begins and rejects them when told the elector stopped', async () => {
    const { terms } = leadership();
    const first = terms.whenLeading();
    terms.renewed(performance.now());
    await expect(first).resolves.toBeUndefined();
    terms.end('stopped', 'test');
    const second = terms.whenLeading();
    terms.rejectWaiters(new Error('stopped before leading'));
    await expect(second).rejects.toThrow('stopped before leading');
  });

  it('rejects a waiter with its signal reason when the signal aborts first', async () => {
    const { terms } = leadership();
    const controller = new AbortController();
    const waiting = terms.whenLeading(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
  });
});
