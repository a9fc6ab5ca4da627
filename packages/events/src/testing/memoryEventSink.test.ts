import { describe, expect, it } from 'vitest';
import type { EventsV1Event } from '../eventSink.js';
import { createMemoryEventSink } from './memoryEventSink.js';

const signal = new AbortController().signal;
const event: EventsV1Event = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'pinot.0123456789abcdef', namespace: 'pinot' },
  eventTime: '2024-05-01T10:00:00.000000Z',
  reportingController: 'dsoi.io/pinot-operator',
  reportingInstance: 'pinot-operator-0',
  action: 'Scale',
  reason: 'ScaledUp',
  regarding: { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', namespace: 'pinot', name: 'pinot' },
  note: 'scaled',
  type: 'Normal',
};
const series = { count: 2, lastObservedTime: '2024-05-01T10:01:00.000000Z' };

describe('createMemoryEventSink', () => {
  it('stores created Events with a uid and applies series merge patches', async () => {
    const sink = createMemoryEventSink();
    await expect(sink.create(event, { signal })).resolves.toMatchObject({ metadata: { uid: 'uid-1' } });
    await sink.patch('pinot', event.metadata.name, { series }, { signal });
    expect(sink.events()).toMatchObject([{ reason: 'ScaledUp', series, metadata: { resourceVersion: '2' } }]);
    expect(sink.calls().map((call) => call.verb)).toEqual(['create', 'patch']);
  });

  it('fails as the API server would: AlreadyExists, NotFound and Invalid', async () => {
    const sink = createMemoryEventSink();
    await sink.create(event, { signal });
    await expect(sink.create(event, { signal })).rejects.toMatchObject({ reason: 'AlreadyExists', code: 409 });
    await expect(sink.patch('pinot', 'missing', { series }, { signal })).rejects.toMatchObject({ code: 404 });
    const invalid = { ...event, metadata: { name: 'Bad_Name', namespace: 'pinot' }, note: 'x'.repeat(1025) };
    await expect(sink.create(invalid, { signal })).rejects.toThrow(/metadata.name, note/);
    const badSeries = { series: { count: 1, lastObservedTime: '' } };
    await expect(sink.patch('pinot', event.metadata.name, badSeries, { signal })).rejects.toMatchObject({
      reason: 'Invalid',
    });
  });

  it('deletes an Event, as the API server TTL would', async () => {
    const sink = createMemoryEventSink();
    await sink.create(event, { signal });
    expect(sink.delete('pinot', event.metadata.name)).toBe(true);
    expect(sink.delete('pinot', event.metadata.name)).toBe(false);
    expect(sink.events()).toEqual([]);
  });
});
