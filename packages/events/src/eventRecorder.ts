/** The Kubernetes Event recorder: validates Events, folds repeats into series, rate-limits, writes in the background. */

import type { EventPublisher } from './eventBus.js';
import type { EventSink } from './eventSink.js';
import {
  normalizeEventRecord,
  objectKey,
  seriesKey,
  validateEventRecord,
  validateReportingController,
  validateReportingInstance,
} from './internal/eventFields.js';
import { createEventWriter } from './internal/eventWriter.js';
import { SendLoop } from './internal/sendLoop.js';
import { type Series, SeriesCache, startSeries } from './internal/seriesCache.js';
import { createTokenBuckets, type TokenBuckets } from './internal/tokenBuckets.js';
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

  const facts = createRecorderFacts(bus);
  const seriesCache = new SeriesCache(seriesWindowMs, cacheSize, now());
  const spamFilter = createTokenBuckets({ burst: spamBurst, refillMs: spamRefillMs, maxKeys: cacheSize });
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
  const sendLoop = new SendLoop({
    writer,
    maxConcurrentWrites,
    seriesUpdateIntervalMs,
    now,
    signal: lifecycle.signal,
    onWritten: facts.written,
    onFailed(series, operation, count, error) {
      facts.failed(series, operation, count, error);
      // An Event that never reached the server must not swallow later repeats: they start a new one.
      if (operation === 'create') seriesCache.forget(series);
    },
  });
  const intake: Intake = { seriesCache, sendLoop, spamFilter, queueSize, facts };
  let closing: Promise<void> | undefined;

  const recorder: EventRecorder = {
    record(input) {
      validateEventRecord(input);
      const event = normalizeEventRecord(input);
      const nowMs = now();
      if (closing) facts.dropped(event, 'closed', 1);
      else admit(intake, event, nowMs);
    },
    flush: ({ signal: flushSignal } = {}) => sendLoop.flush(flushSignal),
    close: () => (closing ??= flushThenGiveUp(sendLoop, closeTimeoutMs, lifecycle, facts)),
    stats: () => ({ ...facts.counters }),
  };

  if (signal?.aborted) void recorder.close();
  else signal?.addEventListener('abort', () => void recorder.close(), { once: true });
  return recorder;
}

/** What `record()` hands a valid occurrence to while the recorder is open. */
interface Intake {
  readonly seriesCache: SeriesCache;
  readonly sendLoop: SendLoop;
  readonly spamFilter: TokenBuckets;
  readonly queueSize: number;
  readonly facts: RecorderFacts;
}

/** Folds an occurrence into its series, or starts a new series unless the queue is full or the spam filter refuses. */
function admit({ seriesCache, sendLoop, spamFilter, queueSize, facts }: Intake, event: EventRecord, nowMs: number) {
  const key = seriesKey(event);
  const known = seriesCache.join(key, nowMs);
  if (known) {
    facts.recorded(event, known.count);
    sendLoop.schedule(known);
  } else if (sendLoop.queued >= queueSize) {
    facts.dropped(event, 'queueFull', 1);
  } else if (!spamFilter.take(objectKey(event.regarding), nowMs)) {
    facts.dropped(event, 'spamFilter', 1);
  } else {
    const series = startSeries(key, event, nowMs);
    seriesCache.add(series);
    facts.recorded(event, 1);
    sendLoop.schedule(series);
  }
}

/** Flushes for up to `timeoutMs`, then aborts what is still pending and counts it as dropped (`closed`). */
async function flushThenGiveUp(
  sendLoop: SendLoop,
  timeoutMs: number,
  lifecycle: AbortController,
  facts: RecorderFacts,
): Promise<void> {
  const timeout = new AbortController();
  // The one timer left referenced: a caller awaiting close() gets its pending writes, for closeTimeoutMs at most.
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    await sendLoop.flush(timeout.signal);
  } catch {
    // Timed out: whatever is still pending is dropped below.
  } finally {
    clearTimeout(timer);
  }
  lifecycle.abort();
  sendLoop.stop((series) => {
    if (series.count > series.written) facts.dropped(series.record, 'closed', series.count - series.written);
  });
}

type RecorderFacts = ReturnType<typeof createRecorderFacts>;

/** The recorder's counters and the bus facts that go with them. */
function createRecorderFacts(bus: EventPublisher | undefined) {
  const counters = { recorded: 0, written: 0, updated: 0, dropped: 0, failed: 0 };
  const emit = <TType extends keyof StandardEvents>(type: TType, payload: StandardEvents[TType]): void => {
    try {
      bus?.emit(type, payload);
    } catch {
      // A bus must not break the recorder; ours never throws, a foreign one might.
    }
  };
  return {
    counters,
    recorded(event: EventRecord, count: number): void {
      counters.recorded += 1;
      emit('event.recorded', { event, count });
    },
    dropped(event: EventRecord, dropReason: EventDropReason, count: number): void {
      counters.dropped += count;
      emit('event.dropped', { event, dropReason, count });
    },
    written({ record: event, namespace, name }: Series, operation: 'create' | 'patch', count: number): void {
      counters[operation === 'create' ? 'written' : 'updated'] += 1;
      emit('event.written', { event, operation, namespace, name, count });
    },
    failed({ record: event }: Series, operation: 'create' | 'patch', count: number, error: unknown): void {
      counters.failed += 1;
      emit('event.failed', { event, operation, count, error });
    },
  };
}
