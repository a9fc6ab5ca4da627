import { describe, expect, it } from 'vitest';
import type { Call, CallSpec } from './caller.js';
import { createEventSink } from './eventSink.js';

describe('createEventSink', () => {
  it('creates and merge-patches events.k8s.io/v1 Events as the field manager, passing beforeSend on', async () => {
    const specs: CallSpec[] = [];
    const passed: unknown[] = [];
    const call: Call = async (spec, options) => {
      specs.push(spec);
      passed.push(options.beforeSend);
      return {};
    };
    const sink = createEventSink(call, 'pinot-operator');
    const beforeSend = () => {};
    const event = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { namespace: 'a', name: 'e.1' } };
    // The recorder passes beforeSend beside its signal (see Client.eventSink).
    const withBeforeSend = { signal: new AbortController().signal, beforeSend };
    await sink.create(event as never, withBeforeSend);
    await sink.patch(
      'a',
      'e.1',
      { series: { count: 2, lastObservedTime: '2026-01-01T00:00:00.000000Z' } },
      {
        signal: new AbortController().signal,
      },
    );
    expect(specs.map((s) => [s.verb, s.method, s.name, s.collection, s.idempotent, s.contentType, s.query])).toEqual([
      ['create', 'POST', 'e.1', true, false, 'application/json', { fieldManager: 'pinot-operator' }],
      ['patch', 'PATCH', 'e.1', undefined, true, 'application/merge-patch+json', { fieldManager: 'pinot-operator' }],
    ]);
    expect(specs.map((s) => s.type)).toEqual([
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
    ]);
    expect(passed).toEqual([beforeSend, undefined]);
  });
});
