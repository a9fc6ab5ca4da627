/** An in-memory EventSink that stores Events, applies series merge patches and fails as the API server would. */
import type { EventSeriesPatch, EventSink, EventsV1Event } from '../eventSink.js';

/** One call received by a {@link MemoryEventSink}. */
export type MemoryEventSinkCall =
  | { readonly verb: 'create'; readonly event: EventsV1Event }
  | { readonly verb: 'patch'; readonly namespace: string; readonly name: string; readonly patch: EventSeriesPatch };

/** An {@link EventSink} that keeps Events in memory, for tests and examples that have no API server. */
export interface MemoryEventSink extends EventSink {
  /** The stored Events, in creation order. */
  events(): EventsV1Event[];
  /** Every call received, in order, including those that failed. */
  calls(): MemoryEventSinkCall[];
  /** Deletes a stored Event, as the API server's `--event-ttl` would; false when there was none. */
  delete(namespace: string, name: string): boolean;
}

/** The error a {@link MemoryEventSink} rejects with: it carries `reason` and `code` like a Kubernetes Status. */
export interface MemoryEventSinkError extends Error {
  /** `NotFound`, `AlreadyExists` or `Invalid`. */
  readonly reason: 'NotFound' | 'AlreadyExists' | 'Invalid';
  /** 404, 409 or 422. */
  readonly code: 404 | 409 | 422;
}

const codes = { NotFound: 404, AlreadyExists: 409, Invalid: 422 } as const;

function statusError(reason: MemoryEventSinkError['reason'], message: string): MemoryEventSinkError {
  return Object.assign(new Error(message), { reason, code: codes[reason] });
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// The checks of the API server's events.k8s.io/v1 validation that a recorder could get wrong.
function invalidFields(event: EventsV1Event): string[] {
  const { metadata, series, note, reason, action, eventTime, reportingController, reportingInstance } = event;
  return [
    metadata.name.length > 253 || !dnsSubdomain.test(metadata.name) ? 'metadata.name' : '',
    !dnsSubdomain.test(metadata.namespace) ? 'metadata.namespace' : '',
    !eventTime ? 'eventTime' : '',
    series && (series.count < 2 || !series.lastObservedTime) ? 'series' : '',
    new TextEncoder().encode(note).length > 1024 ? 'note' : '',
    !reason || reason.length > 128 ? 'reason' : '',
    !action || action.length > 128 ? 'action' : '',
    !reportingController ? 'reportingController' : '',
    !reportingInstance || reportingInstance.length > 128 ? 'reportingInstance' : '',
  ].filter((field) => field !== '');
}

/** JSON merge patch (RFC 7386): objects merge, `null` deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Creates a {@link MemoryEventSink}. Like the API server, it rejects a create of an existing name (AlreadyExists),
 * a patch of a missing Event (NotFound) and an Event that `events.k8s.io/v1` validation would refuse (Invalid).
 */
export function createMemoryEventSink(): MemoryEventSink {
  const stored = new Map<string, EventsV1Event>();
  const received: MemoryEventSinkCall[] = [];
  let resourceVersion = 0;

  return {
    async create(event) {
      const copy = structuredClone(event);
      received.push({ verb: 'create', event: copy });
      const key = `${event.metadata.namespace}/${event.metadata.name}`;
      const invalid = invalidFields(event);
      if (invalid.length > 0) throw statusError('Invalid', `Event "${key}" is invalid: ${invalid.join(', ')}`);
      if (stored.has(key)) throw statusError('AlreadyExists', `events.events.k8s.io "${key}" already exists`);
      resourceVersion += 1;
      const saved: EventsV1Event = {
        ...copy,
        metadata: { ...copy.metadata, uid: `uid-${resourceVersion}`, resourceVersion: String(resourceVersion) },
      };
      stored.set(key, saved);
      return structuredClone(saved);
    },
    async patch(namespace, name, patch) {
      received.push({ verb: 'patch', namespace, name, patch: structuredClone(patch) });
      const key = `${namespace}/${name}`;
      const current = stored.get(key);
      if (!current) throw statusError('NotFound', `events.events.k8s.io "${key}" not found`);
      const patched = mergePatch(current, patch) as EventsV1Event;
      const invalid = invalidFields(patched);
      if (invalid.length > 0) throw statusError('Invalid', `Event "${key}" is invalid: ${invalid.join(', ')}`);
      resourceVersion += 1;
      const saved = { ...patched, metadata: { ...patched.metadata, resourceVersion: String(resourceVersion) } };
      stored.set(key, saved);
      return structuredClone(saved);
    },
    events: () => [...stored.values()].map((event) => structuredClone(event)),
    calls: () => [...received],
    delete: (namespace, name) => stored.delete(`${namespace}/${name}`),
  };
}
