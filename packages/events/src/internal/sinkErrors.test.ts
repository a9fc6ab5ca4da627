import { describe, expect, it } from 'vitest';
import { isNotFound, isRetryable, retryAfterMsOf, statusOf } from './sinkErrors.js';

describe('statusOf', () => {
  it.each([
    [{ reason: 'NotFound' }, 404],
    [{ reason: 'Unknown', code: 409 }, 409],
    [{ code: 'ECONNRESET', statusCode: 503 }, 503],
    [{ status: 429 }, 429],
    [{ code: 42 }, undefined],
    [new Error('plain'), undefined],
    ['text', undefined],
    [null, undefined],
  ])('reads %j as %s', (error, status) => {
    expect(statusOf(error)).toBe(status);
  });
});

describe('isRetryable', () => {
  it.each([
    [new Error('socket hang up'), true],
    [{ code: 408 }, true],
    [{ reason: 'TooManyRequests' }, true],
    [{ reason: 'Timeout' }, true],
    [{ code: 500 }, true],
    [{ reason: 'Forbidden' }, false],
    [{ reason: 'Invalid' }, false],
    [{ code: 404 }, false],
  ])('says %j is retryable: %s', (error, retryable) => {
    expect(isRetryable(error)).toBe(retryable);
  });

  it('recognises NotFound', () => {
    expect(isNotFound({ code: 404 })).toBe(true);
    expect(isNotFound({ code: 410 })).toBe(false);
  });
});

describe('retryAfterMsOf', () => {
  it('reads a non-negative retryAfterMs', () => {
    expect(retryAfterMsOf({ retryAfterMs: 1500 })).toBe(1500);
    expect(retryAfterMsOf({ retryAfterMs: -1 })).toBeUndefined();
    expect(retryAfterMsOf(undefined)).toBeUndefined();
  });
});
