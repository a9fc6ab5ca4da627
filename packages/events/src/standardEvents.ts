/** The standard event map of dsoi: the facts that the client and the Event recorder announce on the in-process bus. */
import type { ObjectRef } from '@dsoi/object';

/** @deprecated Use `ObjectRef` of `@dsoi/object`, the one object model of every dsoi package: the same fields. */
export type ObjectReference = ObjectRef;

/** The write operations that `@dsoi/client` announces on the bus. */
export type ClientVerb = 'create' | 'apply' | 'update' | 'patch' | 'delete';

/** One finished client operation, announced by `@dsoi/client` under `created`, `applied`, ... or `failed`. */
export interface ClientOperationEvent {
  /** What the client did. */
  readonly verb: ClientVerb;
  /** The object it did it to. */
  readonly ref: ObjectRef;
  /** The subresource written, such as `'status'`; absent for the object itself. */
  readonly subresource?: string;
  /** Wall time of the operation, retries included. */
  readonly durationMs: number;
  /** Why the operation failed; present only under `failed`. */
  readonly error?: unknown;
}

/** A client operation that failed; `error` is what the client threw to its caller. */
export interface ClientOperationFailedEvent extends ClientOperationEvent {
  /** What the client threw (a `@dsoi/client` error). */
  readonly error: unknown;
}

/** The two Kubernetes Event types. */
export type KubeEventType = 'Normal' | 'Warning';

/** What a caller passes to `EventRecorder.record()`: one occurrence of a Kubernetes Event. */
export interface EventRecord {
  /** The object the Event is about; the Event goes to this object's namespace (`default` if cluster-scoped). */
  readonly regarding: ObjectRef;
  /** A second object involved, such as the Pod a StatefulSet created. */
  readonly related?: ObjectRef;
  /** `Normal` for expected progress, `Warning` for something an operator should look at. */
  readonly type: KubeEventType;
  /** Why the Event happened: a short UpperCamelCase code such as `ScaledUp` (at most 128 characters). */
  readonly reason: string;
  /** Human-readable text; cut to 1 KiB of UTF-8 with an ellipsis, the API's limit. */
  readonly note: string;
  /** What was done or attempted, such as `Scale` or `Reconcile` (1 to 128 characters). */
  readonly action: string;
}

/**
 * Why the recorder dropped occurrences: the per-object spam filter was empty, the queue was full, or the recorder
 * was closed (or `close()` ran out of time before writing them).
 */
export type EventDropReason = 'spamFilter' | 'queueFull' | 'closed';

/** Announced under `event.recorded` each time `record()` accepts an occurrence. */
export interface EventRecordedFact {
  /** The occurrence, with its note already truncated. */
  readonly event: EventRecord;
  /** How many occurrences the Event's series holds so far, this one included (1 for a new Event). */
  readonly count: number;
}

/** Announced under `event.written` each time the API server accepted a create or a series patch. */
export interface EventWrittenFact {
  /** The first occurrence of the Event that was written. */
  readonly event: EventRecord;
  /** `create` for a new Event object, `patch` for a series update. */
  readonly operation: 'create' | 'patch';
  /** The Event object's namespace. */
  readonly namespace: string;
  /** The Event object's name. */
  readonly name: string;
  /** The series count now on the server (1 for an Event without a series). */
  readonly count: number;
}

/** Announced under `event.failed` when the recorder abandoned a write after its last attempt. */
export interface EventFailedFact {
  /** The first occurrence of the Event. */
  readonly event: EventRecord;
  /** The write that failed. */
  readonly operation: 'create' | 'patch';
  /** The series count the write carried. */
  readonly count: number;
  /** What the sink rejected with on the last attempt. */
  readonly error: unknown;
}

/** Announced under `event.dropped` when occurrences will never reach the API server. */
export interface EventDroppedFact {
  /** The occurrence dropped (when `close()` gives up, the first occurrence of the Event). */
  readonly event: EventRecord;
  /** Why it was dropped. */
  readonly dropReason: EventDropReason;
  /** How many occurrences were lost. */
  readonly count: number;
}

/**
 * The standard event map that dsoi packages emit on an `EventBus`. Extend it with your own facts through an
 * intersection: `createEventBus<StandardEvents & { 'pinot.rolledOut': { cluster: string } }>()`.
 */
export interface StandardEvents {
  /** `@dsoi/client` created an object. */
  readonly created: ClientOperationEvent;
  /** `@dsoi/client` wrote an object by server-side apply. */
  readonly applied: ClientOperationEvent;
  /** `@dsoi/client` replaced an object (PUT). */
  readonly updated: ClientOperationEvent;
  /** `@dsoi/client` patched an object. */
  readonly patched: ClientOperationEvent;
  /** `@dsoi/client` deleted an object. */
  readonly deleted: ClientOperationEvent;
  /** A `@dsoi/client` write failed. */
  readonly failed: ClientOperationFailedEvent;
  /** The Event recorder accepted an occurrence. */
  readonly 'event.recorded': EventRecordedFact;
  /** The Event recorder wrote an Event (create or series patch). */
  readonly 'event.written': EventWrittenFact;
  /** The Event recorder abandoned a write. */
  readonly 'event.failed': EventFailedFact;
  /** The Event recorder dropped occurrences. */
  readonly 'event.dropped': EventDroppedFact;
}
