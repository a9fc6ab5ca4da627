/** The recorder's aggregation: repeats of an Event within the series window join one series, kept in a bounded LRU. */
import type { EventRecord } from '../standardEvents.js';
import { eventName } from './eventFields.js';
import type { EventWriteTarget } from './eventWriter.js';

/**
 * Where a series is in the send loop: `idle` (nothing to send, or a write just ended), `queued` (its turn to be
 * written is coming), `waiting` (a series patch waits out `seriesUpdateIntervalMs`) or `writing` (a write is in flight).
 */
export type SeriesState = 'idle' | 'queued' | 'waiting' | 'writing';

/** One Event object and the occurrences folded into it. */
export interface Series extends EventWriteTarget {
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

/** A new series of one occurrence of `event` (already normalized) at `nowMs`, not yet written. */
export function startSeries(key: string, event: EventRecord, nowMs: number): Series {
  return {
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
}

/** The known series by key, least recently used first; only idle series are ever forgotten for room or age. */
export class SeriesCache {
  readonly #entries = new Map<string, Series>();
  readonly #windowMs: number;
  readonly #maxSize: number;
  #lastSweepMs: number;

  constructor(windowMs: number, maxSize: number, nowMs: number) {
    this.#windowMs = windowMs;
    this.#maxSize = maxSize;
    this.#lastSweepMs = nowMs;
  }

  /**
   * The series an occurrence of `key` at `nowMs` joins, counted and made most recently used; undefined when there is
   * none, or its window has ended (it is forgotten, and a new Event starts; a pending write of the old one still goes out).
   */
  join(key: string, nowMs: number): Series | undefined {
    this.#sweep(nowMs);
    const known = this.#entries.get(key);
    if (known === undefined) return undefined;
    this.#entries.delete(key);
    if (nowMs - known.lastObservedMs > this.#windowMs) return undefined;
    known.count += 1;
    known.lastObservedMs = Math.max(known.lastObservedMs, nowMs);
    this.#entries.set(key, known);
    return known;
  }

  /** Remembers a new series, then forgets least recently used idle ones while over the size. */
  add(series: Series): void {
    this.#entries.set(series.key, series);
    if (this.#entries.size <= this.#maxSize) return;
    for (const [key, entry] of this.#entries) {
      if (entry.state !== 'idle') continue;
      this.#entries.delete(key);
      if (this.#entries.size <= this.#maxSize) return;
    }
  }

  /** Forgets `series` if it is still the one of its key. */
  forget(series: Series): void {
    if (this.#entries.get(series.key) === series) this.#entries.delete(series.key);
  }

  /** Once per window, forgets the idle series whose window has ended. */
  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < this.#windowMs) return;
    this.#lastSweepMs = nowMs;
    for (const [key, series] of this.#entries) {
      if (series.state === 'idle' && nowMs - series.lastObservedMs > this.#windowMs) this.#entries.delete(key);
    }
  }
}
