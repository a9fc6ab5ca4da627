import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createItemBackoffRateLimiter } from './rateLimiter.js';
import { createWorkQueue } from './workQueue.js';

describe('createWorkQueue', () => {
  it('deduplicates a key that is already queued', async () => {
    const queue = createWorkQueue();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(queue.length()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  it('runs a key added during processing once more, afterwards, never concurrently', async () => {
    const queue = createWorkQueue();
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.length()).toBe(0); // not handed to a second worker while in flight
    queue.done(first!);
    expect(queue.length()).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.length()).toBe(0);
  });

  it('wakes a waiting worker on add', async () => {
    const queue = createWorkQueue();
    const next = queue.get();
    queue.add('k');
    expect(await next).toBe('k');
    expect(queue.inFlight()).toBe(1);
  });

  it('adds after a delay, keeping the earliest pending time', () => {
    vi.useFakeTimers();
    try {
      const queue = createWorkQueue();
      queue.addAfter('a', 1_000);
      queue.addAfter('a', 50);
      queue.addAfter('a', 5_000);
      vi.advanceTimersByTime(49);
      expect(queue.length()).toBe(0);
      vi.advanceTimersByTime(1);
      expect(queue.length()).toBe(1);
      vi.advanceTimersByTime(10_000);
      expect(queue.length()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('backs off through the rate limiter and forgets on success', () => {
    vi.useFakeTimers();
    try {
      const retried = vi.fn();
      const queue = createWorkQueue({
        rateLimiter: createItemBackoffRateLimiter({ baseDelayMs: 10 }),
        observer: { retried },
      });
      queue.addRateLimited('a'); // 10 ms
      vi.advanceTimersByTime(10);
      expect(queue.length()).toBe(1);
      expect(queue.retries('a')).toBe(1);
      queue.addRateLimited('b');
      queue.addRateLimited('b'); // second failure: 20 ms (the 10 ms timer is kept, being earlier)
      expect(retried).toHaveBeenCalledTimes(3);
      queue.forget('a');
      expect(queue.retries('a')).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops handing out work on shutdown, resolves waiters, and drains in-flight keys', async () => {
    const queue = createWorkQueue();
    const waiting = queue.get();
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    expect(queue.isShutDown()).toBe(true);
    queue.add('late');
    expect(queue.length()).toBe(0);

    const other = createWorkQueue();
    other.add('x');
    other.add('y');
    const x = await other.get();
    other.shutDown();
    expect(await other.get()).toBeUndefined();
    let drained = false;
    const drain = other.drained().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    other.done(x!);
    await drain;
    expect(drained).toBe(true);
  });

  it('resolves undefined when the get signal aborts', async () => {
    const queue = createWorkQueue();
    const controller = new AbortController();
    const next = queue.get(controller.signal);
    controller.abort();
    expect(await next).toBeUndefined();
    queue.add('a');
    expect(queue.length()).toBe(1); // the aborted waiter did not swallow it
  });

  it('reports metrics through the observer', async () => {
    let t = 0;
    const observer = { added: vi.fn(), depth: vi.fn(), queued: vi.fn(), worked: vi.fn() };
    const queue = createWorkQueue({ observer, now: () => t });
    queue.add('a');
    t = 2_000;
    await queue.get();
    t = 2_500;
    queue.done('a');
    expect(observer.added).toHaveBeenCalledOnce();
    expect(observer.depth).toHaveBeenLastCalledWith(0);
    expect(observer.queued).toHaveBeenCalledWith(2);
    expect(observer.worked).toHaveBeenCalledWith(0.5);
  });

  it('never hands one key to two workers, and processes every added key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 60 }), async (adds) => {
        const queue = createWorkQueue();
        const active = new Set<string>();
        const processed = new Set<string>();
        let violations = 0;
        const worker = async () => {
          for (;;) {
            const key = await queue.get();
            if (key === undefined) return;
            if (active.has(key)) violations++;
            active.add(key);
            await Promise.resolve();
            processed.add(key);
            active.delete(key);
            queue.done(key);
          }
        };
        const workers = [worker(), worker(), worker()];
        for (const key of adds) {
          queue.add(key);
          await Promise.resolve();
        }
        while (queue.length() > 0 || queue.inFlight() > 0) await new Promise((r) => setImmediate(r));
        queue.shutDown();
        await Promise.all(workers);
        expect(violations).toBe(0);
        expect(processed).toEqual(new Set(adds));
      }),
      { numRuns: 50 },
    );
  });
});
