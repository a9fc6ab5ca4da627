/** @dsoi/events: a typed in-process event bus (mitt) and a deduplicating Kubernetes Event recorder. */

// Errors
export type { InvalidEventField } from './errors.js';
export { InvalidEventError, isInvalidEventError } from './errors.js';
// The in-process bus
export type {
  EventBus,
  EventBusOptions,
  EventHandler,
  EventPublisher,
  OnceOptions,
  SubscribeOptions,
  Unsubscribe,
  WildcardEventHandler,
} from './eventBus.js';
export { createEventBus, eventBusDefaults } from './eventBus.js';
// The Kubernetes Event recorder
export type {
  EventRecorder,
  EventRecorderFlushOptions,
  EventRecorderOptions,
  EventRecorderStats,
} from './eventRecorder.js';
export { createEventRecorder, eventRecorderDefaults } from './eventRecorder.js';
// The sink the recorder writes through
export type {
  EventSeries,
  EventSeriesPatch,
  EventSink,
  EventSinkCallOptions,
  EventsV1Event,
  EventsV1EventMetadata,
} from './eventSink.js';
export { eventSeriesPatchContentType } from './eventSink.js';
// The standard event map
export type {
  ClientOperationEvent,
  ClientOperationFailedEvent,
  ClientVerb,
  EventDroppedFact,
  EventDropReason,
  EventFailedFact,
  EventRecord,
  EventRecordedFact,
  EventWrittenFact,
  KubeEventType,
  ObjectReference,
  StandardEvents,
} from './standardEvents.js';
