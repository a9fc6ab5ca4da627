/** @dsoi/events/testing: test doubles for code that records Kubernetes Events, kept out of the main entry. */

export type { MemoryEventSink, MemoryEventSinkCall, MemoryEventSinkError } from './memoryEventSink.js';
export { createMemoryEventSink } from './memoryEventSink.js';
