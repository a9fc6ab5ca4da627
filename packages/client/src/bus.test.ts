import { createEventBus, type EventSink, type StandardEvents } from '@dsoi/events';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ClientBus } from './bus.js';
import type { Client } from './client.js';

describe('ClientBus', () => {
  it('is satisfied by an @dsoi/events bus, with StandardEvents or a map that extends it', () => {
    const extended = createEventBus<StandardEvents & { 'pinot.rolledOut': { cluster: string } }>();
    const bus: ClientBus = extended;
    const seen: string[] = [];
    extended.on('applied', ({ ref }) => seen.push(ref.name));
    bus.emit('applied', { verb: 'apply', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'a' }, durationMs: 1 });
    expect(seen).toEqual(['a']);
    expectTypeOf(createEventBus()).toExtend<ClientBus>();
  });

  it('gives the recorder an EventSink through client.eventSink()', () => {
    expectTypeOf<ReturnType<Client['eventSink']>>().toEqualTypeOf<EventSink>();
  });
});
