import { describe, expect, it } from 'vitest';
import { delay } from './signals.js';

describe('delay', () => {
  // The wait itself is the client's sleep, tested there; this is the contract the manager's loops rely on.
  it('resolves early, without rejecting, when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = delay(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).resolves.toBeUndefined();
    await expect(delay(60_000, AbortSignal.abort())).resolves.toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
