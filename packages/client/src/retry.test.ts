import { describe, expect, it, vi } from 'vitest';
import { errorFromStatus } from './kubeApiError.js';
import { retryOnConflict, retryOnConflictDefaults } from './retry.js';

const conflict = () =>
  errorFromStatus({
    code: 409,
    status: { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' },
  });

describe('retryOnConflict', () => {
  it('runs again after each conflict and returns the first success', async () => {
    const fn = vi.fn(async (attempt: number) => {
      if (attempt < 3) throw conflict();
      return `done on ${attempt}`;
    });
    await expect(retryOnConflict(fn, { random: () => 0 })).resolves.toBe('done on 3');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('rethrows any other error at once', async () => {
    const notFound = errorFromStatus({ code: 404 });
    const fn = vi.fn(async () => {
      throw notFound;
    });
    await expect(retryOnConflict(fn)).rejects.toBe(notFound);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxAttempts with the last conflict', async () => {
    const fn = vi.fn(async () => {
      throw conflict();
    });
    await expect(retryOnConflict(fn, { maxAttempts: 3, initialDelayMs: 1 })).rejects.toMatchObject({
      reason: 'Conflict',
    });
    expect(fn).toHaveBeenCalledTimes(3);
    expect(retryOnConflictDefaults.maxAttempts).toBe(5);
    expect(Object.isFrozen(retryOnConflictDefaults)).toBe(true);
  });

  it('waits the jittered backoff between attempts and stops on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('shutdown');
    const fn = vi.fn(async () => {
      throw conflict();
    });
    const pending = retryOnConflict(fn, { initialDelayMs: 60_000, signal: controller.signal });
    await vi.waitFor(() => expect(fn).toHaveBeenCalledTimes(1));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
