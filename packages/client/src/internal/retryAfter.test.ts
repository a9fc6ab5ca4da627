import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retryAfter.js';

describe('parseRetryAfter', () => {
  const nowMs = Date.parse('2026-11-25T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', nowMs)).toBe(0);
    expect(parseRetryAfter('1', nowMs)).toBe(1000);
    expect(parseRetryAfter(' 120 ', nowMs)).toBe(120_000);
  });

  it('reads an HTTP-date relative to now, and a past date as 0', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:07 GMT', nowMs)).toBe(7000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 11:59:00 GMT', nowMs)).toBe(0);
  });

  it('ignores absent and unreadable values', () => {
    for (const value of [undefined, '', '  ', '-1', '1.5', 'soon', 'Wed, 99 Foo 2026']) {
      expect(parseRetryAfter(value, nowMs)).toBeUndefined();
    }
  });
});
