import { describe, expect, it } from 'vitest';
import { ConnectionError, errorFromStatus, type KubeApiError, TimeoutError } from '../kubeApiError.js';
import { decideRetry, isRetryable, retryDelayMs } from './retryDecision.js';

const byCode = (code: number, retryAfter?: string) => errorFromStatus({ code, retryAfter });
const connection = (errno: string) => new ConnectionError({ message: errno, errno });
const clientTimeout = new TimeoutError({ reason: 'Timeout', code: 0, message: 'timeout' });

describe('isRetryable', () => {
  const cases: Array<[string, KubeApiError, boolean, boolean]> = [
    // name, error, retried when idempotent, retried when not
    ['429', byCode(429), true, true],
    ['500', byCode(500), true, false],
    ['502', byCode(502), true, false],
    ['503', byCode(503), true, false],
    ['504', byCode(504), true, false],
    ['client timeout', clientTimeout, true, false],
    ['ECONNREFUSED', connection('ECONNREFUSED'), true, true],
    ['ENOTFOUND', connection('ENOTFOUND'), true, true],
    ['ECONNRESET', connection('ECONNRESET'), true, false],
    ['TLS failure', connection('DEPTH_ZERO_SELF_SIGNED_CERT'), false, false],
    ['400', byCode(400), false, false],
    ['401', byCode(401), false, false],
    ['403', byCode(403), false, false],
    ['404', byCode(404), false, false],
    ['409', byCode(409), false, false],
    ['410', byCode(410), false, false],
    ['422', byCode(422), false, false],
  ];
  it.each(cases)('%s', (_name, err, idempotent, nonIdempotent) => {
    expect(isRetryable(err, true)).toBe(idempotent);
    expect(isRetryable(err, false)).toBe(nonIdempotent);
  });
});

describe('retryDelayMs', () => {
  const policy = { initialDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0.5 };

  it('is the backoff without Retry-After', () => {
    expect(retryDelayMs(byCode(503), 1, policy, () => 0)).toBe(100);
    expect(retryDelayMs(byCode(503), 3, policy, () => 0)).toBe(400);
  });

  it('waits at least what the server asked', () => {
    expect(retryDelayMs(byCode(429, '2'), 1, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(byCode(429, '0'), 2, policy, () => 0)).toBe(200);
  });

  it('gives up when the server asks for more than maxDelayMs', () => {
    expect(retryDelayMs(byCode(429, '60'), 1, policy, () => 0)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  const policy = { maxAttempts: 3, initialDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0 };
  const decide = (error: KubeApiError, attempt: number, idempotent = true) =>
    decideRetry(error, { attempt, idempotent, policy, random: () => 0 });

  it('retries after the backoff while attempts are left', () => {
    expect(decide(byCode(503), 1)).toEqual({ action: 'retry', waitMs: 200 });
    expect(decide(byCode(503), 2)).toEqual({ action: 'retry', waitMs: 400 });
  });

  it('gives up, saying why', () => {
    expect(decide(byCode(503), 3)).toEqual({ action: 'giveUp', why: 'attemptsExhausted' });
    expect(decide(byCode(503), 1, false)).toEqual({ action: 'giveUp', why: 'notRetryable' });
    expect(decide(byCode(404), 1)).toEqual({ action: 'giveUp', why: 'notRetryable' });
    expect(decide(byCode(429, '60'), 1)).toEqual({ action: 'giveUp', why: 'retryAfterTooLong' });
  });
});
