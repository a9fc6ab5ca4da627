// The README example of @dsoi/events; test/readme.test.ts runs it, so it cannot drift from the code.
import { createEventBus, createEventRecorder } from '@dsoi/events';
import { createMemoryEventSink } from '@dsoi/events/testing';

const bus = createEventBus();
bus.on('event.written', ({ operation, name, count }) => console.log(operation, name, count));

// In an operator the sink comes from @dsoi/client; here the Events stay in memory.
const sink = createMemoryEventSink();
const recorder = createEventRecorder({ sink, bus, reportingController: 'dsoi.io/pinot', reportingInstance: 'pod-0' });

const regarding = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', namespace: 'pinot', name: 'pinot' };
const event = { regarding, type: 'Warning', reason: 'NotReady', note: 'broker-0 not ready', action: 'Sync' } as const;
for (let i = 0; i < 50; i++) recorder.record(event);

// close() writes what is pending: one Event whose series counts the 50 occurrences.
await recorder.close();
console.log(sink.events().length, sink.events()[0]?.series?.count); // 1 50
