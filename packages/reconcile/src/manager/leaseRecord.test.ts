import { describe, expect, it } from 'vitest';
import { acquiredLeaseSpec, LeaseObserver, microTime, releasedLeaseSpec } from './leaseRecord.js';

const t0 = '2026-12-06T00:00:00.000000Z';
const t1 = '2026-12-06T00:00:05.000000Z';

describe('acquiredLeaseSpec', () => {
  it('starts a new Lease at transition 0', () => {
    expect(acquiredLeaseSpec(undefined, 'a', 15, t0)).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: t0,
      renewTime: t0,
      leaseTransitions: 0,
    });
  });

  it('keeps acquireTime and the transition count when the holder renews', () => {
    const held = acquiredLeaseSpec(undefined, 'a', 15, t0);
    expect(acquiredLeaseSpec(held, 'a', 15, t1)).toMatchObject({ acquireTime: t0, renewTime: t1, leaseTransitions: 0 });
  });

  it('counts a transition and restarts acquireTime when another replica takes over', () => {
    const held = acquiredLeaseSpec(undefined, 'a', 15, t0);
    expect(acquiredLeaseSpec(held, 'b', 15, t1)).toMatchObject({
      holderIdentity: 'b',
      acquireTime: t1,
      leaseTransitions: 1,
    });
  });

  it('releases by emptying the holder with a one-second duration', () => {
    const held = acquiredLeaseSpec(undefined, 'a', 15, t0);
    expect(releasedLeaseSpec(held, t1)).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    });
  });

  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(new Date('2026-12-06T00:00:00.123Z'))).toBe('2026-12-06T00:00:00.123000Z');
  });
});

describe('LeaseObserver', () => {
  const lease = (holderIdentity: string, renewTime: string, leaseDurationSeconds?: number) => ({
    metadata: { name: 'l', namespace: 'ns' },
    spec: { holderIdentity, renewTime, ...(leaseDurationSeconds === undefined ? {} : { leaseDurationSeconds }) },
  });

  it('measures expiry from when it saw the record change, on its own clock', () => {
    const observer = new LeaseObserver(15, () => {});
    observer.observe(lease('b', t0, 10), 1_000);
    expect(observer.heldByAnother('a', 10_999)).toBe(true);
    expect(observer.heldByAnother('a', 11_000)).toBe(false);
    // The same record seen again later does not restart the clock.
    observer.observe(lease('b', t0, 10), 9_000);
    expect(observer.heldByAnother('a', 11_000)).toBe(false);
    // A renewal (a changed record) does.
    observer.observe(lease('b', t1, 10), 12_000);
    expect(observer.heldByAnother('a', 21_999)).toBe(true);
  });

  it('assumes its own duration for a record without one, and never counts itself or nobody as another holder', () => {
    const observer = new LeaseObserver(15, () => {});
    observer.observe(lease('b', t0), 0);
    expect(observer.heldByAnother('a', 14_999)).toBe(true);
    expect(observer.heldByAnother('b', 0)).toBe(false);
    observer.observe(lease('', t1), 0);
    expect(observer.heldByAnother('a', 0)).toBe(false);
    expect(observer.holder()).toBe('');
  });

  it('announces each new non-empty holder once', () => {
    const announced: string[] = [];
    const observer = new LeaseObserver(15, (holder) => announced.push(holder));
    observer.observe(lease('a', t0), 0);
    observer.observe(lease('a', t1), 1);
    observer.observe(lease('', t1), 2);
    observer.observe(lease('b', t0), 3);
    expect(announced).toEqual(['a', 'b']);
    expect(observer.heldBy('b')).toBe(true);
  });
});
