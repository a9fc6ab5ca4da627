/** The recorder's background writes: a queue, series waiting out their patch interval, and writes in flight. */
import type { EventWriter } from './eventWriter.js';
import type { Series } from './seriesCache.js';

/** Options of {@link SendLoop}. */
export interface SendLoopOptions {
  readonly writer: EventWriter;
  /** Writes in flight at once; each series has at most one. */
  readonly maxConcurrentWrites: number;
  /** Least time between two series patches of one Event (flushes excepted). */
  readonly seriesUpdateIntervalMs: number;
  readonly now: () => number;
  /** Aborted when the recorder gives up on what is pending: nothing is scheduled or started after it. */
  readonly signal: AbortSignal;
  /** A write the API server accepted. */
  readonly onWritten: (series: Series, operation: 'create' | 'patch', count: number) => void;
  /** A write given up on (after its last attempt, or a non-retryable error). */
  readonly onFailed: (series: Series, operation: 'create' | 'patch', count: number, error: unknown) => void;
}

/**
 * Moves each series through its states: `idle` → `queued` → `writing` → `idle`, with a stop in `waiting` when a
 * series patch must wait for `seriesUpdateIntervalMs` after the last one. A series whose occurrences were all
 * attempted stays `idle` until it is recorded again.
 */
export class SendLoop {
  readonly #options: SendLoopOptions;
  readonly #queue: Series[] = [];
  readonly #waiting = new Set<Series>();
  readonly #writing = new Set<Series>();
  readonly #drainWaiters = new Set<() => void>();
  #pumpScheduled = false;
  /** `flush()` calls under way: while one is, series patches go out without waiting. */
  #flushing = 0;

  constructor(options: SendLoopOptions) {
    this.#options = options;
  }

  /** Series queued for a write, waiting ones not included. */
  get queued(): number {
    return this.#queue.length;
  }

  /** `idle` → `queued`, or → `waiting` for the patch interval; nothing if every occurrence was attempted already. */
  schedule(series: Series): void {
    const { signal, seriesUpdateIntervalMs, now } = this.#options;
    if (series.state !== 'idle' || series.count <= series.attempted || signal.aborted) return;
    const waitMs =
      series.written === 0 || series.lastPatchMs === undefined || this.#flushing > 0
        ? 0
        : series.lastPatchMs + seriesUpdateIntervalMs - now();
    if (waitMs <= 0) {
      this.#enqueue(series);
      return;
    }
    series.state = 'waiting';
    this.#waiting.add(series);
    series.timer = setTimeout(() => {
      this.#waiting.delete(series);
      series.timer = undefined;
      this.#enqueue(series);
    }, waitMs);
    series.timer.unref();
  }

  /** Sends waiting series at once and resolves when nothing is queued, waiting or writing; `signal` stops the wait. */
  flush(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.#flushing += 1;
    for (const series of this.#waiting) {
      clearTimeout(series.timer);
      series.timer = undefined;
      this.#enqueue(series);
    }
    this.#waiting.clear();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#drainWaiters.delete(done);
        reject(signal?.reason);
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#drainWaiters.add(done);
      this.#settleDrainWaiters();
    }).finally(() => {
      this.#flushing -= 1;
    });
  }

  /** Every series back to `idle`, each first given to `unsent`; a write still in flight no longer counts. */
  stop(unsent: (series: Series) => void): void {
    for (const series of [...this.#queue, ...this.#waiting, ...this.#writing]) {
      clearTimeout(series.timer);
      series.state = 'idle';
      unsent(series);
    }
    this.#queue.length = 0;
    this.#waiting.clear();
    this.#writing.clear();
    this.#settleDrainWaiters();
  }

  #enqueue(series: Series): void {
    series.state = 'queued';
    this.#queue.push(series);
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    // Never write on the caller's stack: a synchronous burst folds into one write before the first one starts.
    queueMicrotask(() => this.#pump());
  }

  /** `queued` → `writing` while there is room, and `writing` → `idle` (then scheduled again) as writes end. */
  #pump(): void {
    this.#pumpScheduled = false;
    while (
      this.#writing.size < this.#options.maxConcurrentWrites &&
      this.#queue.length > 0 &&
      !this.#options.signal.aborted
    ) {
      const series = this.#queue.shift()!;
      series.state = 'writing';
      this.#writing.add(series);
      void this.#write(series).finally(() => {
        const stillOurs = this.#writing.delete(series);
        series.state = 'idle';
        if (stillOurs) this.schedule(series);
        this.#pump();
      });
    }
    this.#settleDrainWaiters();
  }

  async #write(series: Series): Promise<void> {
    const { writer, now } = this.#options;
    const { count, lastObservedMs } = series;
    const wasCreated = series.written > 0;
    series.attempted = count;
    try {
      let operation: 'create' | 'patch' = 'create';
      if (wasCreated) operation = await writer.patchOrCreate(series, count, lastObservedMs);
      else await writer.create(series, count, lastObservedMs);
      if (!this.#writing.has(series)) return; // stop() gave up on it and counted it as dropped
      series.written = count;
      this.#options.onWritten(series, operation, count);
    } catch (error) {
      if (!this.#writing.has(series)) return;
      this.#options.onFailed(series, wasCreated ? 'patch' : 'create', count, error);
    } finally {
      if (wasCreated) series.lastPatchMs = now();
    }
  }

  #settleDrainWaiters(): void {
    if (this.#queue.length > 0 || this.#waiting.size > 0 || this.#writing.size > 0) return;
    for (const resolve of this.#drainWaiters) resolve();
    this.#drainWaiters.clear();
  }
}
