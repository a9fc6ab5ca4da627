/** The `events.k8s.io/v1` Event shape and the small sink interface through which the recorder writes Events. */
import type { ObjectRef } from '@dsoi/object';
import type { KubeEventType } from './standardEvents.js';

/** An `EventSeries`: how often an isomorphic Event was seen and when last. */
export interface EventSeries {
  /** Occurrences so far; at least 2 (an Event seen once has no series). */
  readonly count: number;
  /** The last occurrence, as a MicroTime (`2006-01-02T15:04:05.000000Z`). */
  readonly lastObservedTime: string;
}

/** The metadata of an Event object that the recorder sets or may get back. */
export interface EventsV1EventMetadata {
  /** `<regarding name>.<16 hex digits>`, a DNS subdomain of at most 253 characters. */
  readonly name: string;
  /** The regarding object's namespace, or `default` for a cluster-scoped object. */
  readonly namespace: string;
  /** Set by the API server. */
  readonly uid?: string;
  /** Set by the API server. */
  readonly resourceVersion?: string;
  /** Set by the API server. */
  readonly creationTimestamp?: string;
}

/** A Kubernetes `events.k8s.io/v1` Event, with only the fields the recorder writes. */
export interface EventsV1Event {
  /** Always `events.k8s.io/v1`. */
  readonly apiVersion: 'events.k8s.io/v1';
  /** Always `Event`. */
  readonly kind: 'Event';
  /** Name and namespace of the Event object. */
  readonly metadata: EventsV1EventMetadata;
  /** The first occurrence, as a MicroTime (`2006-01-02T15:04:05.000000Z`). */
  readonly eventTime: string;
  /** Present once the Event has been seen at least twice. */
  readonly series?: EventSeries;
  /** The controller that emitted the Event, such as `dsoi.io/pinot-operator`. */
  readonly reportingController: string;
  /** The emitting instance, such as the Pod name. */
  readonly reportingInstance: string;
  /** What was done or attempted. */
  readonly action: string;
  /** Why: a short UpperCamelCase code. */
  readonly reason: string;
  /** The object the Event is about. */
  readonly regarding: ObjectRef;
  /** A second object involved. */
  readonly related?: ObjectRef;
  /** Human-readable text, at most 1 KiB. */
  readonly note: string;
  /** `Normal` or `Warning`. */
  readonly type: KubeEventType;
}

/**
 * The body of a series update: a JSON merge patch (RFC 7386) that sets only `series`. Send it with
 * {@link eventSeriesPatchContentType}.
 */
export interface EventSeriesPatch {
  /** The new series. */
  readonly series: EventSeries;
}

/** The content type of an {@link EventSeriesPatch}: `application/merge-patch+json`. */
export const eventSeriesPatchContentType = 'application/merge-patch+json';

/** Per-call options of an {@link EventSink} method. */
export interface EventSinkCallOptions {
  /** Aborted when the recorder closes; pass it to the HTTP request. */
  readonly signal: AbortSignal;
}

/**
 * Where the recorder writes Events; `@dsoi/client` provides one, tests use `createMemoryEventSink()` from
 * `@dsoi/events/testing`.
 *
 * Errors: a method reports failure by rejecting. The recorder reads the HTTP status from the error's `reason`
 * (Kubernetes `Status.reason`, as `@dsoi/client` errors carry it) or from a numeric `code`, `statusCode` or `status`
 * (as `@kubernetes/client-node`'s `ApiException` carries it). NotFound on `patch` makes the recorder create the Event
 * again. An error without a status (a reset connection), 408, 429 and 5xx are retried with backoff; any other status
 * (Forbidden, Invalid, NotFound on create, ...) is not.
 */
export interface EventSink {
  /** Creates `event` in `event.metadata.namespace`. The result is not read. */
  create(event: EventsV1Event, options: EventSinkCallOptions): Promise<unknown>;
  /**
   * Applies `patch` to the Event `namespace/name` as a JSON merge patch ({@link eventSeriesPatchContentType}).
   * The result is not read.
   */
  patch(namespace: string, name: string, patch: EventSeriesPatch, options: EventSinkCallOptions): Promise<unknown>;
}
