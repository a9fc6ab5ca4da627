/** Writes one Event through an EventSink: a create or a series patch, retried with backoff, recreated when gone. */

import type { EventSink, EventsV1Event } from '../eventSink.js';
import type { EventRecord } from '../standardEvents.js';
import { eventName, microTime } from './eventFields.js';
import { isAlreadyExists, isNotFound, isRetryable, retryAfterMsOf } from './sinkErrors.js';
import { sleep } from './sleep.js';

/** The Event object a write is about. */
export interface EventWriteTarget {
  /** The first occurrence, already normalized. */
  readonly record: EventRecord;
  /** The Event object's namespace. */
  readonly namespace: string;
  /** The first occurrence's time, which becomes `eventTime`. */
  readonly eventTimeMs: number;
  /** The Event object's name; replaced when the Event must be created again. */
  name: string;
}

/** Options of {@link createEventWriter}. */
export interface EventWriterOptions {
  readonly sink: EventSink;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly maxAttempts: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Aborts sink calls and retry delays. */
  readonly signal: AbortSignal;
}

/** Writes Events; each method rejects with the sink's last error when it gives up. */
export interface EventWriter {
  /** Creates the Event carrying `count` occurrences (with a series from 2 on). */
  create(target: EventWriteTarget, count: number, lastObservedMs: number): Promise<void>;
  /** Patches the series to `count`; if the Event is gone, creates it again under a new name. */
  patchOrCreate(target: EventWriteTarget, count: number, lastObservedMs: number): Promise<'create' | 'patch'>;
}

/** Creates an {@link EventWriter}. */
export function createEventWriter({
  sink,
  reportingController,
  reportingInstance,
  maxAttempts,
  retryInitialDelayMs,
  retryMaxDelayMs,
  signal,
}: EventWriterOptions): EventWriter {
  const withRetries = async (attempt: (attemptNumber: number) => Promise<unknown>): Promise<void> => {
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        await attempt(attemptNumber);
        return;
      } catch (error) {
        if (signal.aborted || attemptNumber >= maxAttempts || !isRetryable(error)) throw error;
        const backoffMs = Math.min(retryMaxDelayMs, retryInitialDelayMs * 2 ** (attemptNumber - 1));
        const jitteredMs = backoffMs * (0.5 + Math.random() / 2);
        await sleep(Math.max(jitteredMs, retryAfterMsOf(error) ?? 0), signal);
      }
    }
  };

  const body = (target: EventWriteTarget, count: number, lastObservedMs: number): EventsV1Event => {
    const { regarding, related, type, reason, note, action } = target.record;
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: target.name, namespace: target.namespace },
      eventTime: microTime(target.eventTimeMs),
      ...(count >= 2 ? { series: { count, lastObservedTime: microTime(lastObservedMs) } } : {}),
      reportingController,
      reportingInstance,
      action,
      reason,
      regarding,
      ...(related ? { related } : {}),
      note,
      type,
    };
  };

  const create: EventWriter['create'] = (target, count, lastObservedMs) => {
    const event = body(target, count, lastObservedMs);
    return withRetries(async (attemptNumber) => {
      try {
        await sink.create(event, { signal });
      } catch (error) {
        // A retried create that meets its own name means an earlier attempt reached the server after all.
        if (!(attemptNumber > 1 && isAlreadyExists(error))) throw error;
      }
    });
  };

  const patchOrCreate: EventWriter['patchOrCreate'] = async (target, count, lastObservedMs) => {
    const patch = { series: { count, lastObservedTime: microTime(lastObservedMs) } };
    try {
      await withRetries(() => sink.patch(target.namespace, target.name, patch, { signal }));
      return 'patch';
    } catch (error) {
      if (signal.aborted || !isNotFound(error)) throw error;
    }
    // The Event expired (the API server's --event-ttl, 1 h by default) or was deleted: client-go creates it again.
    target.name = eventName(target.record.regarding.name);
    await create(target, count, lastObservedMs);
    return 'create';
  };

  return { create, patchOrCreate };
}
