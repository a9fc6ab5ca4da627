import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventBus } from './eventBus.js';
import { createEventRecorder, type EventRecorderOptions } from './eventRecorder.js';
import type { EventSink } from './eventSink.js';
import type { EventRecord } from './standardEvents.js';
import { createMemoryEventSink } from './testing/memoryEventSink.js';

const pinot = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', namespace: 'pinot', name: 'pinot' };
const failedEvent: EventRecord = {
  regarding: pinot,
  type: 'Warning',
  reason: 'ReconcileFailed',
  note: 'pinot-controller is not ready',
  action: 'Reconcile',
};
const onObject = (i: number): EventRecord => ({ ...failedEvent, regarding: { ...pinot, name: `pinot-${i}` } });

/**
 * A memory sink in front of which a test can queue failures (one per call) and hold every call until released.
 * A held call rejects with the signal's reason when the recorder aborts it.
 */
function scriptedSink() {
  const memory = createMemoryEventSink();
  const failures: unknown[] = [];
  const held = new Set<() => void>();
  const signals: AbortSignal[] = [];
  let holding = false;
  let inFlight = 0;
  let maxInFlight = 0;
  const gate = async (signal: AbortSignal): Promise<void> => {
    signals.push(signal);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (holding) {
        await new Promise<void>((resolve, reject) => {
          held.add(resolve);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      if (failures.length > 0) throw failures.shift();
    } finally {
      inFlight -= 1;
    }
  };
  const sink: EventSink = {
    async create(event, options) {
      await gate(options.signal);
      return memory.create(event, options);
    },
    async patch(namespace, name, patch, options) {
      await gate(options.signal);
      return memory.patch(namespace, name, patch, options);
    },
  };
  return {
    sink,
    memory,
    signals,
    failNext: (...errors: unknown[]) => failures.push(...errors),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const resolve of held) resolve();
      held.clear();
    },
    maxInFlight: () => maxInFlight,
  };
}

const status = (reason: string, code: number) => Object.assign(new Error(reason), { reason, code });

function setup(options: Partial<EventRecorderOptions> = {}) {
  const scripted = scriptedSink();
  const bus = createEventBus();
  const recorder = createEventRecorder({
    sink: scripted.sink,
    reportingController: 'dsoi.io/pinot-operator',
    reportingInstance: 'pinot-operator-0',
    bus,
    retryInitialDelayMs: 1,
    retryMaxDelayMs: 5,
    ...options,
  });
  return { ...scripted, bus, recorder };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createEventRecorder: queue', () => {
  it('never blocks the caller on a stuck sink, and drops new Events past queueSize with a counter', async () => {
    const { recorder, hold, release, memory, bus } = setup({ queueSize: 10, maxConcurrentWrites: 1 });
    const dropped = vi.fn();
    bus.on('event.dropped', dropped);
    hold();
    for (let i = 0; i < 15; i++) recorder.record(onObject(i));
    expect(recorder.stats()).toMatchObject({ recorded: 10, dropped: 5, written: 0 });
    expect(dropped).toHaveBeenLastCalledWith(expect.objectContaining({ dropReason: 'queueFull', count: 1 }));
    release();
    await recorder.flush();
    expect(memory.events()).toHaveLength(10);
    expect(recorder.stats()).toMatchObject({ written: 10, failed: 0 });
  });

  it('accepts repeats of a queued Event even when the queue is full', async () => {
    const { recorder, memory } = setup({ queueSize: 1 });
    recorder.record(failedEvent);
    recorder.record(failedEvent);
    recorder.record(onObject(2));
    await recorder.flush();
    expect(memory.events()).toMatchObject([{ series: { count: 2 } }]);
    expect(recorder.stats()).toMatchObject({ recorded: 2, dropped: 1 });
  });

  it('keeps at most maxConcurrentWrites writes in flight', async () => {
    const { recorder, hold, release, maxInFlight } = setup({ maxConcurrentWrites: 2 });
    hold();
    for (let i = 0; i < 6; i++) recorder.record(onObject(i));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(maxInFlight()).toBe(2);
    release();
    const flushed = recorder.flush();
    await vi.waitFor(() => {
      release();
      expect(recorder.stats().written).toBe(6);
    });
    await flushed;
    expect(maxInFlight()).toBe(2);
  });
});

describe('createEventRecorder: retries', () => {
  it('retries a retryable failure with backoff, then succeeds', async () => {
    const { recorder, memory, failNext, signals } = setup();
    failNext(status('ServiceUnavailable', 503), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    recorder.record(failedEvent);
    await recorder.flush();
    expect(signals).toHaveLength(3);
    expect(memory.events()).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ written: 1, failed: 0 });
  });

  it('gives up after maxAttempts and reports event.failed with the last error', async () => {
    const { recorder, memory, failNext, signals, bus } = setup({ maxAttempts: 3 });
    const failed = vi.fn();
    bus.on('event.failed', failed);
    const last = { statusCode: 500, message: 'etcd timeout' };
    failNext({ status: 500 }, { code: 500 }, last);
    recorder.record(failedEvent);
    await recorder.flush();
    expect(signals).toHaveLength(3);
    expect(memory.events()).toHaveLength(0);
    expect(recorder.stats()).toMatchObject({ recorded: 1, written: 0, failed: 1 });
    expect(failed).toHaveBeenCalledWith({
      event: expect.objectContaining({ reason: 'ReconcileFailed' }),
      operation: 'create',
      count: 1,
      error: last,
    });
  });

  it('does not retry an error such as Forbidden, and a later repeat starts a new Event', async () => {
    const { recorder, memory, failNext, signals } = setup();
    failNext(status('Forbidden', 403));
    recorder.record(failedEvent);
    await recorder.flush();
    expect(signals).toHaveLength(1);
    expect(recorder.stats().failed).toBe(1);
    recorder.record(failedEvent);
    await recorder.flush();
    expect(memory.events()).toHaveLength(1);
    expect(memory.events()[0]?.series).toBeUndefined();
  });

  it('never throws into the caller when the sink throws synchronously', async () => {
    const sink: EventSink = {
      create: () => {
        throw new Error('sync boom');
      },
      patch: () => {
        throw new Error('sync boom');
      },
    };
    const recorder = createEventRecorder({
      sink,
      reportingController: 'pinot-operator',
      reportingInstance: 'pinot-operator-0',
      maxAttempts: 2,
      retryInitialDelayMs: 1,
    });
    expect(() => recorder.record(failedEvent)).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(recorder.stats()).toMatchObject({ recorded: 1, failed: 1 });
  });

  it('treats AlreadyExists on a retried create as written: the earlier attempt landed', async () => {
    const memory = createMemoryEventSink();
    let calls = 0;
    const sink: EventSink = {
      async create(event, options) {
        calls += 1;
        await memory.create(event, options);
        if (calls === 1) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      },
      patch: memory.patch,
    };
    const recorder = createEventRecorder({
      sink,
      reportingController: 'a',
      reportingInstance: 'b',
      retryInitialDelayMs: 1,
    });
    recorder.record(failedEvent);
    await recorder.flush();
    expect(calls).toBe(2);
    expect(recorder.stats()).toMatchObject({ written: 1, failed: 0 });
    recorder.record(failedEvent);
    await recorder.flush();
    expect(memory.events()).toMatchObject([{ series: { count: 2 } }]);
  });

  it('sends the latest count with the next repeat after a failed patch', async () => {
    const { recorder, memory, failNext } = setup();
    recorder.record(failedEvent);
    await recorder.flush();
    failNext(status('Invalid', 422));
    recorder.record(failedEvent);
    await recorder.flush();
    expect(recorder.stats()).toMatchObject({ failed: 1, updated: 0 });
    recorder.record(failedEvent);
    await recorder.flush();
    expect(memory.events()[0]?.series?.count).toBe(3);
  });
});

describe('createEventRecorder: NotFound on patch', () => {
  it('creates the Event again, under a new name and with the whole count, when it expired', async () => {
    const { recorder, memory } = setup();
    recorder.record(failedEvent);
    await recorder.flush();
    const [first] = memory.events();
    memory.delete(first?.metadata.namespace ?? '', first?.metadata.name ?? '');
    recorder.record(failedEvent);
    await recorder.flush();
    const events = memory.events();
    expect(events).toHaveLength(1);
    expect(events[0]?.metadata.name).not.toBe(first?.metadata.name);
    expect(events[0]).toMatchObject({ eventTime: first?.eventTime, series: { count: 2 } });
    expect(recorder.stats()).toMatchObject({ written: 2, updated: 0, failed: 0 });
  });
});

describe('createEventRecorder: flush and close', () => {
  it('rejects flush with the reason of its signal, and the writes go on', async () => {
    const { recorder, hold, release, memory } = setup();
    hold();
    recorder.record(failedEvent);
    const reason = new Error('stop waiting');
    const controller = new AbortController();
    const flushed = recorder.flush({ signal: controller.signal });
    controller.abort(reason);
    await expect(flushed).rejects.toBe(reason);
    await expect(recorder.flush({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    release();
    await recorder.flush();
    expect(memory.events()).toHaveLength(1);
  });

  it('writes what is pending on close, then drops new occurrences as closed', async () => {
    const { recorder, memory, bus } = setup({ seriesUpdateIntervalMs: 3_600_000 });
    const dropped = vi.fn();
    bus.on('event.dropped', dropped);
    recorder.record(failedEvent);
    await recorder.flush();
    recorder.record(failedEvent);
    recorder.record(failedEvent);
    recorder.record(onObject(1));
    const closed = recorder.close();
    expect(recorder.close()).toBe(closed);
    await closed;
    expect(memory.events()).toHaveLength(2);
    expect(memory.events()[0]?.series?.count).toBe(3);
    expect(() => recorder.record(failedEvent)).not.toThrow();
    expect(dropped).toHaveBeenCalledWith(expect.objectContaining({ dropReason: 'closed', count: 1 }));
    expect(recorder.stats()).toMatchObject({ recorded: 4, written: 2, updated: 1, dropped: 1 });
  });

  it('aborts the sink and drops what is left when closeTimeoutMs runs out', async () => {
    const { recorder, hold, signals } = setup({ closeTimeoutMs: 20, maxConcurrentWrites: 1 });
    hold();
    recorder.record(onObject(1));
    recorder.record(onObject(1));
    recorder.record(onObject(2));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await recorder.close();
    expect(signals[0]?.aborted).toBe(true);
    expect(recorder.stats()).toMatchObject({ recorded: 3, written: 0, failed: 0, dropped: 3 });
    await expect(recorder.flush()).resolves.toBeUndefined();
  });

  it('closes when the signal of its options aborts, or at once if it already has', async () => {
    const controller = new AbortController();
    const { recorder, memory } = setup({ signal: controller.signal });
    recorder.record(failedEvent);
    controller.abort();
    recorder.record(onObject(1));
    await recorder.close();
    expect(memory.events()).toHaveLength(1);
    expect(recorder.stats().dropped).toBe(1);

    const early = setup({ signal: AbortSignal.abort() });
    early.recorder.record(failedEvent);
    await early.recorder.close();
    expect(early.recorder.stats()).toMatchObject({ recorded: 0, dropped: 1 });
  });

  it('never keeps the process alive with its retry and series timers', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const { recorder, failNext } = setup({ seriesUpdateIntervalMs: 3_600_000 });
    failNext(status('TooManyRequests', 429));
    recorder.record(failedEvent);
    await recorder.flush();
    recorder.record(failedEvent);
    await recorder.flush();
    recorder.record(failedEvent); // waits for the series interval
    const timers = setTimeoutSpy.mock.results.map((result) => result.value as NodeJS.Timeout);
    expect(timers.length).toBeGreaterThanOrEqual(2);
    expect(timers.every((timer) => !timer.hasRef())).toBe(true);
    await recorder.close();
  });
});
