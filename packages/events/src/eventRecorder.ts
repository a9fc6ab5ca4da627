/** The Kubernetes Event recorder: validates Events, folds repeats into series, rate-limits, writes in the background. */

import type { EventPublisher } from './eventBus.js';
import type { EventSink } from './eventSink.js';
import {
  eventName,
  normalizeEventRecord,
  objectKey,
  seriesKey,
  validateEventRecord,
  validateReportingController,
  validateReportingInstance,
} from './internal/eventFields.js';
import { createEventWriter, type EventWriteTarget } from './internal/eventWriter.js';
import { createTokenBuckets } from './internal/tokenBuckets.js';
import type { EventDropReason, EventRecord, StandardEvents } from './standardEvents.js';

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  /** Where Events are written; `@dsoi/client` provides one. */
  readonly sink: EventSink;
  /** The controller that emits the Events, a qualified name such as `dsoi.io/pinot-operator`. */
  readonly reportingController: string;
  /** The emitting instance, 1 to 128 characters, such as the Pod name (`process.env.POD_NAME`). */
  readonly reportingInstance: string;
  /** Receives `event.recorded`, `event.written`, `event.failed` and `event.dropped` facts. @default no bus */
  readonly bus?: EventPublisher;
  /** Closes the recorder when aborted, as {@link EventRecorder.close} does. @default no signal */
  readonly signal?: AbortSignal;
  /**
   * Events waiting for their first write; a new Event recorded while this many wait is dropped (`queueFull`).
   * Repeats of a known Event only raise its count and are never dropped for this reason.
   * @default 1000
   */
  readonly queueSize?: number;
  /** Writes (creates and patches) in flight at once; each Event has at most one. @default 4 */
  readonly maxConcurrentWrites?: number;
  /**
   * A repeat of an Event (same type, reason, action, regarding, related and reporter) within this time of its last
   * occurrence joins the Event's series; after it, a new Event is created. client-go and kube-rs use 6 minutes.
   * @default 360_000
   */
  readonly seriesWindowMs?: number;
  /**
   * Least time between two series patches of one Event, so a hot loop costs the API server one write per interval.
   * The first patch (count 2) goes out at once, and `flush()` and `close()` send waiting patches at once.
   * @default 10_000
   */
  readonly seriesUpdateIntervalMs?: number;
  /** New Events allowed per regarding object in a burst (client-go's spam filter). @default 25 */
  readonly spamBurst?: number;
  /** Time for the spam filter to give an object back one new Event. @default 300_000 */
  readonly spamRefillMs?: number;
  /** Attempts per write before giving up (`event.failed`); only retryable errors are tried again. @default 8 */
  readonly maxAttempts?: number;
  /** Delay before the second attempt; it doubles per attempt, with jitter, up to `retryMaxDelayMs`. @default 500 */
  readonly retryInitialDelayMs?: number;
  /** Longest delay between attempts (a longer `retryAfterMs` on the error wins). @default 30_000 */
  readonly retryMaxDelayMs?: number;
  /** How long `close()` keeps writing what is pending before it drops the rest (`closed`). @default 10_000 */
  readonly closeTimeoutMs?: number;
  /**
   * Series remembered for deduplication, and objects remembered by the spam filter; past it the least recently
   * used is forgotten (an idle series only).
   * @default 4096
   */
  readonly cacheSize?: number;
  /** The clock, in epoch milliseconds; tests move it to cross windows without sleeping. @default Date.now */
  readonly now?: () => number;
}

/** The defaults of {@link EventRecorderOptions}. */
export const eventRecorderDefaults = Object.freeze({
  queueSize: 1000,
  maxConcurrentWrites: 4,
  seriesWindowMs: 6 * 60_000,
  seriesUpdateIntervalMs: 10_000,
  spamBurst: 25,
  spamRefillMs: 5 * 60_000,
  maxAttempts: 8,
  retryInitialDelayMs: 500,
  retryMaxDelayMs: 30_000,
  closeTimeoutMs: 10_000,
  cacheSize: 4096,
  /** The wall clock, in epoch milliseconds. */
  now: Date.now,
});

/** Counters of an {@link EventRecorder} since it was created. */
export interface EventRecorderStats {
  /** Occurrences `record()` accepted. */
  readonly recorded: number;
  /** Event objects created on the API server. */
  readonly written: number;
  /** Series patches the API server accepted. */
  readonly updated: number;
  /** Occurrences lost: rejected by `record()` (spam filter, full queue, closed) or unwritten when `close()` gave up. */
  readonly dropped: number;
  /** Writes abandoned after their last attempt or a non-retryable error. */
  readonly failed: number;
}

/** Options of {@link EventRecorder.flush}. */
export interface EventRecorderFlushOptions {
  /** Stops waiting: the promise rejects with the signal's reason, and the writes go on. @default no signal */
  readonly signal?: AbortSignal;
}

/**
 * Records Kubernetes Events (`events.k8s.io/v1`) in the background.
 *
 * Guarantees: `record()` never blocks and never throws for I/O; it throws only {@link InvalidEventError} for a field
 * the API server would reject. Repeats become one Event with a `series` count. Its timers (retry delays, series
 * intervals) never keep the process alive; only `close()` does, for at most `closeTimeoutMs`.
 */
export interface EventRecorder {
  /**
   * Records one occurrence. Returns at once; the write happens later. Throws `InvalidEventError` when `reason`
   * is not short UpperCamelCase, `action` is empty or longer than 128, `type` is not Normal/Warning, or a reference
   * lacks apiVersion, kind or name. The note is cut to 1 KiB.
   */
  record(event: EventRecord): void;
  /** Resolves when nothing is waiting or in flight, series patches included (they are sent at once). */
  flush(options?: EventRecorderFlushOptions): Promise<void>;
  /**
   * Stops accepting occurrences, writes what is pending for up to `closeTimeoutMs`, then aborts the rest and counts
   * it as dropped. Resolves when done; calling it again returns the same promise. Its timeout is the recorder's only
   * timer that keeps the process alive, so a shutdown waits for pending Events, and never longer than the timeout.
   */
  close(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): EventRecorderStats;
}

type SeriesState = 'idle' | 'queued' | 'waiting' | 'writing';

/** One Event object and the occurrences folded into it. */
interface Series extends EventWriteTarget {
  readonly key: string;
  count: number;
  lastObservedMs: number;
  /** The count the API server has; 0 until the Event is created. */
  written: number;
  /** The count the last write carried, whether it succeeded or not; a failed write is not repeated until this grows. */
  attempted: number;
  lastPatchMs: number | undefined;
  state: SeriesState;
  timer: ReturnType<typeof setTimeout> | undefined;
}

function requirePositive(name: string, value: number, minimum: number): void {
  if (!(value >= minimum))
    throw new RangeError(`event recorder option ${name} must be at least ${minimum}, got ${value}`);
}

/**
 * Creates an {@link EventRecorder} that writes through `options.sink`.
 *
 * Errors: throws `InvalidEventError` for an invalid `reportingController` or `reportingInstance`, and `RangeError`
 * for a count option below 1 (`queueSize` below 0).
 */
export function createEventRecorder({
  sink,
  reportingController,
  reportingInstance,
  bus,
  signal,
  queueSize = eventRecorderDefaults.queueSize,
  maxConcurrentWrites = eventRecorderDefaults.maxConcurrentWrites,
  seriesWindowMs = eventRecorderDefaults.seriesWindowMs,
  seriesUpdateIntervalMs = eventRecorderDefaults.seriesUpdateIntervalMs,
  spamBurst = eventRecorderDefaults.spamBurst,
  spamRefillMs = eventRecorderDefaults.spamRefillMs,
  maxAttempts = eventRecorderDefaults.maxAttempts,
  retryInitialDelayMs = eventRecorderDefaults.retryInitialDelayMs,
  retryMaxDelayMs = eventRecorderDefaults.retryMaxDelayMs,
  closeTimeoutMs = eventRecorderDefaults.closeTimeoutMs,
  cacheSize = eventRecorderDefaults.cacheSize,
  now = eventRecorderDefaults.now,
}: EventRecorderOptions): EventRecorder {
  validateReportingController(reportingController);
  validateReportingInstance(reportingInstance);
  requirePositive('queueSize', queueSize, 0);
  requirePositive('maxConcurrentWrites', maxConcurrentWrites, 1);
  requirePositive('maxAttempts', maxAttempts, 1);
  requirePositive('cacheSize', cacheSize, 1);

  const counters = { recorded: 0, written: 0, updated: 0, dropped: 0, failed: 0 };
  const cache = new Map<string, Series>(); // least recently used first
  const spamFilter = createTokenBuckets({ burst: spamBurst, refillMs: spamRefillMs, maxKeys: cacheSize });
  const queue: Series[] = [];
  const waiting = new Set<Series>();
  const writing = new Set<Series>();
  const drainWaiters = new Set<() => void>();
  const lifecycle = new AbortController(); // aborted when close() gives up: cancels timers and sink calls
  const writer = createEventWriter({
    sink,
    reportingController,
    reportingInstance,
    maxAttempts,
    retryInitialDelayMs,
    retryMaxDelayMs,
    signal: lifecycle.signal,
  });
  let closing: Promise<void> | undefined;
  let flushing = 0;
  let pumpScheduled = false;
  let lastSweepMs = now();

  const emit = <TType extends keyof StandardEvents>(type: TType, payload: StandardEvents[TType]): void => {
    try {
      bus?.emit(type, payload);
    } catch {
      // A bus must not break the recorder; ours never throws, a foreign one might.
    }
  };

  const drop = (event: EventRecord, dropReason: EventDropReason, count: number): void => {
    counters.dropped += count;
    emit('event.dropped', { event, dropReason, count });
  };

  const settleDrainWaiters = (): void => {
    if (queue.length > 0 || waiting.size > 0 || writing.size > 0) return;
    for (const resolve of drainWaiters) resolve();
    drainWaiters.clear();
  };

  const enqueue = (series: Series): void => {
    series.state = 'queued';
    queue.push(series);
    if (pumpScheduled) return;
    pumpScheduled = true;
    // Never write on the caller's stack: a synchronous burst folds into one write before the first one starts.
    queueMicrotask(pump);
  };

  const schedule = (series: Series): void => {
    if (series.state !== 'idle' || series.count <= series.attempted || lifecycle.signal.aborted) return;
    const waitMs =
      series.written === 0 || series.lastPatchMs === undefined || flushing > 0
        ? 0
        : series.lastPatchMs + seriesUpdateIntervalMs - now();
    if (waitMs <= 0) {
      enqueue(series);
      return;
    }
    series.state = 'waiting';
    waiting.add(series);
    series.timer = setTimeout(() => {
      waiting.delete(series);
      series.timer = undefined;
      enqueue(series);
    }, waitMs);
    series.timer.unref();
  };

  const sendWaitingNow = (): void => {
    for (const series of waiting) {
      clearTimeout(series.timer);
      series.timer = undefined;
      enqueue(series);
    }
    waiting.clear();
  };

  const write = async (series: Series): Promise<void> => {
    const { count, lastObservedMs } = series;
    const wasCreated = series.written > 0;
    series.attempted = count;
    try {
      let operation: 'create' | 'patch' = 'create';
      if (wasCreated) operation = await writer.patchOrCreate(series, count, lastObservedMs);
      else await writer.create(series, count, lastObservedMs);
      if (!writing.has(series)) return; // close() gave up on it and counted it as dropped
      series.written = count;
      counters[operation === 'create' ? 'written' : 'updated'] += 1;
      emit('event.written', { event: series.record, operation, namespace: series.namespace, name: series.name, count });
    } catch (error) {
      if (!writing.has(series)) return;
      counters.failed += 1;
      emit('event.failed', { event: series.record, operation: wasCreated ? 'patch' : 'create', count, error });
      // An Event that never reached the server must not swallow later repeats: they start a new one.
      if (!wasCreated && cache.get(series.key) === series) cache.delete(series.key);
    } finally {
      if (wasCreated) series.lastPatchMs = now();
    }
  };

  function pump(): void {
    pumpScheduled = false;
    while (writing.size < maxConcurrentWrites && queue.length > 0 && !lifecycle.signal.aborted) {
      const series = queue.shift()!;
      series.state = 'writing';
      writing.add(series);
      void write(series).finally(() => {
        const stillOurs = writing.delete(series);
        series.state = 'idle';
        if (stillOurs) schedule(series);
        pump();
      });
    }
    settleDrainWaiters();
  }

  const sweep = (nowMs: number): void => {
    if (nowMs - lastSweepMs < seriesWindowMs) return;
    lastSweepMs = nowMs;
    for (const [key, series] of cache) {
      if (series.state === 'idle' && nowMs - series.lastObservedMs > seriesWindowMs) cache.delete(key);
    }
  };

  const evictIfFull = (): void => {
    if (cache.size <= cacheSize) return;
    for (const [key, series] of cache) {
      if (series.state !== 'idle') continue;
      cache.delete(key);
      if (cache.size <= cacheSize) return;
    }
  };

  const giveUp = (): void => {
    lifecycle.abort();
    for (const series of [...queue, ...waiting, ...writing]) {
      clearTimeout(series.timer);
      series.state = 'idle';
      if (series.count > series.written) drop(series.record, 'closed', series.count - series.written);
    }
    queue.length = 0;
    waiting.clear();
    writing.clear();
    settleDrainWaiters();
  };

  const recorder: EventRecorder = {
    record(input) {
      validateEventRecord(input);
      const event = normalizeEventRecord(input);
      const nowMs = now();
      if (closing) {
        drop(event, 'closed', 1);
        return;
      }
      sweep(nowMs);
      const key = seriesKey(event);
      const known = cache.get(key);
      if (known && nowMs - known.lastObservedMs <= seriesWindowMs) {
        known.count += 1;
        known.lastObservedMs = Math.max(known.lastObservedMs, nowMs);
        cache.delete(key);
        cache.set(key, known);
        counters.recorded += 1;
        emit('event.recorded', { event, count: known.count });
        schedule(known);
        return;
      }
      // The window of a known series has ended: a new Event starts (a pending write of the old one still goes out).
      if (known) cache.delete(key);
      if (queue.length >= queueSize) {
        drop(event, 'queueFull', 1);
        return;
      }
      if (!spamFilter.take(objectKey(event.regarding), nowMs)) {
        drop(event, 'spamFilter', 1);
        return;
      }
      const series: Series = {
        key,
        record: event,
        namespace: event.regarding.namespace || 'default',
        eventTimeMs: nowMs,
        name: eventName(event.regarding.name),
        count: 1,
        lastObservedMs: nowMs,
        written: 0,
        attempted: 0,
        lastPatchMs: undefined,
        state: 'idle',
        timer: undefined,
      };
      cache.set(key, series);
      evictIfFull();
      counters.recorded += 1;
      emit('event.recorded', { event, count: 1 });
      enqueue(series);
    },

    flush({ signal: flushSignal } = {}) {
      if (flushSignal?.aborted) return Promise.reject(flushSignal.reason);
      flushing += 1;
      sendWaitingNow();
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          drainWaiters.delete(done);
          reject(flushSignal?.reason);
        };
        const done = (): void => {
          flushSignal?.removeEventListener('abort', onAbort);
          resolve();
        };
        flushSignal?.addEventListener('abort', onAbort, { once: true });
        drainWaiters.add(done);
        settleDrainWaiters();
      }).finally(() => {
        flushing -= 1;
      });
    },

    close() {
      closing ??= (async () => {
        const timeout = new AbortController();
        // The one timer left referenced: a caller awaiting close() gets its pending writes, for closeTimeoutMs at most.
        const timer = setTimeout(() => timeout.abort(), closeTimeoutMs);
        try {
          await recorder.flush({ signal: timeout.signal });
        } catch {
          // Timed out: whatever is still pending is dropped below.
        } finally {
          clearTimeout(timer);
        }
        giveUp();
      })();
      return closing;
    },

    stats() {
      return { ...counters };
    },
  };

  if (signal?.aborted) void recorder.close();
  else signal?.addEventListener('abort', () => void recorder.close(), { once: true });
  return recorder;
}
