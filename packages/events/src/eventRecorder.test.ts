import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { InvalidEventError } from './errors.js';
import { createEventBus, type EventBus, type EventPublisher } from './eventBus.js';
import { createEventRecorder, type EventRecorderOptions, eventRecorderDefaults } from './eventRecorder.js';
import type { EventRecord, StandardEvents } from './standardEvents.js';
import { createMemoryEventSink } from './testing/memoryEventSink.js';

const minute = 60_000;
const pinot = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', namespace: 'pinot', name: 'pinot', uid: 'u-1' };
const scaled: EventRecord = {
  regarding: pinot,
  type: 'Normal',
  reason: 'ScaledUp',
  note: 'broker scaled from 2 to 3 replicas',
  action: 'Scale',
};
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** A recorder over a memory sink with a clock the test moves by hand. */
function setup(options: Partial<EventRecorderOptions> = {}) {
  const sink = createMemoryEventSink();
  const clock = { ms: Date.parse('2024-05-01T10:00:00Z') };
  const bus = createEventBus();
  const recorder = createEventRecorder({
    sink,
    reportingController: 'dsoi.io/pinot-operator',
    reportingInstance: 'pinot-operator-7d9f-abcde',
    bus,
    now: () => clock.ms,
    ...options,
  });
  return { sink, clock, bus, recorder };
}

describe('createEventRecorder: validation', () => {
  it.each([['scaled up'], ['scaledUp'], ['Scaled_Up'], [''], [`A${'b'.repeat(128)}`]])(
    'throws InvalidEventError for the reason %j, before any I/O',
    (reason) => {
      const { recorder, sink } = setup();
      const attempt = () => recorder.record({ ...scaled, reason });
      expect(attempt).toThrow(InvalidEventError);
      expect(attempt).toThrow(/UpperCamelCase/);
      expect(sink.calls()).toEqual([]);
      expect(recorder.stats().recorded).toBe(0);
    },
  );

  it.each([
    [{ action: '' }, 'action'],
    [{ action: 'x'.repeat(129) }, 'action'],
    [{ type: 'Error' }, 'type'],
    [{ regarding: { apiVersion: 'v1', kind: 'Pod', name: '' } }, 'regarding'],
    [{ related: { apiVersion: 'v1', name: 'p' } }, 'related'],
  ])('throws InvalidEventError naming the field for %j', (patch, field) => {
    const { recorder } = setup();
    const event = { ...scaled, ...patch } as EventRecord;
    expect(() => recorder.record(event)).toThrow(expect.objectContaining({ name: 'InvalidEventError', field }));
  });

  it.each([
    [{ reportingController: 'Pinot Operator' }, 'reportingController'],
    [{ reportingController: 'Bad_Prefix/pinot' }, 'reportingController'],
    [{ reportingInstance: '' }, 'reportingInstance'],
    [{ reportingInstance: 'x'.repeat(129) }, 'reportingInstance'],
  ])('rejects the options %j at construction', (patch, field) => {
    expect(() => setup(patch)).toThrow(expect.objectContaining({ field }));
  });

  it('rejects count options below their minimum', () => {
    expect(() => setup({ maxConcurrentWrites: 0 })).toThrow(RangeError);
    expect(() => setup({ queueSize: -1 })).toThrow(/queueSize/);
  });

  it('exports frozen defaults matching client-go', () => {
    expect(Object.isFrozen(eventRecorderDefaults)).toBe(true);
    expect(eventRecorderDefaults).toMatchObject({ spamBurst: 25, spamRefillMs: 300_000, seriesWindowMs: 360_000 });
  });

  it('accepts a bus of a user-extended event map', () => {
    const bus = createEventBus<StandardEvents & { 'rollout.done': { cluster: string } }>();
    expectTypeOf(bus).toExtend<EventPublisher>();
    expectTypeOf(bus).not.toExtend<EventBus<StandardEvents>>();
    expect(() => setup({ bus })).not.toThrow();
  });
});

describe('createEventRecorder: the Event written', () => {
  it('creates an events.k8s.io/v1 Event without series for a first occurrence', async () => {
    const { recorder, sink } = setup();
    recorder.record({ ...scaled, related: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'broker' } });
    await recorder.flush();
    const [event] = sink.events();
    expect(event).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { namespace: 'pinot' },
      eventTime: '2024-05-01T10:00:00.000000Z',
      reportingController: 'dsoi.io/pinot-operator',
      reportingInstance: 'pinot-operator-7d9f-abcde',
      type: 'Normal',
      reason: 'ScaledUp',
      action: 'Scale',
      note: 'broker scaled from 2 to 3 replicas',
      regarding: pinot,
      related: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'broker' },
    });
    expect(event?.series).toBeUndefined();
    expect(event?.metadata.name).toMatch(/^pinot\.[0-9a-f]{16}$/);
    expect(recorder.stats()).toEqual({ recorded: 1, written: 1, updated: 0, dropped: 0, failed: 0 });
  });

  it('writes Events about cluster-scoped objects to the default namespace, under a valid name', async () => {
    const { recorder, sink } = setup();
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:controller:Pinot' };
    recorder.record({ ...scaled, regarding: role });
    recorder.record({ ...scaled, regarding: { ...role, name: `${'a'.repeat(250)}.b` } });
    await recorder.flush();
    const [first, second] = sink.events();
    expect(first?.metadata).toMatchObject({ namespace: 'default' });
    expect(first?.metadata.name).toMatch(/^system-controller-pinot\.[0-9a-f]{16}$/);
    expect(second?.metadata.name.length).toBeLessThanOrEqual(253);
    expect(recorder.stats().failed).toBe(0);
  });

  it('cuts a long note to 1 KiB with an ellipsis, on the bus as on the server', async () => {
    const { recorder, sink, bus } = setup();
    const recorded = vi.fn();
    bus.on('event.recorded', recorded);
    recorder.record({ ...scaled, note: '🚀'.repeat(600) });
    await recorder.flush();
    const note = sink.events()[0]?.note ?? '';
    expect(new TextEncoder().encode(note).length).toBeLessThanOrEqual(1024);
    expect(note).toMatch(/^(🚀)+…$/u);
    expect(recorded.mock.calls[0]?.[0].event.note).toBe(note);
  });

  it('copies the references, so later changes by the caller do not reach the sink', async () => {
    const { recorder, sink } = setup();
    const regarding = { ...pinot, extra: 'ignored' };
    recorder.record({ ...scaled, regarding });
    regarding.name = 'changed';
    await recorder.flush();
    expect(sink.events()[0]?.regarding).toEqual(pinot);
  });
});

describe('createEventRecorder: series', () => {
  it('folds 50 identical occurrences in a burst into one Event with series.count 50', async () => {
    const { recorder, sink, clock } = setup();
    for (let i = 0; i < 50; i++) {
      clock.ms += 10;
      recorder.record(scaled);
    }
    await recorder.flush();
    const events = sink.events();
    expect(events).toHaveLength(1);
    expect(events[0]?.series).toEqual({ count: 50, lastObservedTime: '2024-05-01T10:00:00.500000Z' });
    expect(events[0]?.eventTime).toBe('2024-05-01T10:00:00.010000Z');
    expect(sink.calls().filter((call) => call.verb === 'create')).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ recorded: 50, dropped: 0, failed: 0 });
  });

  it('folds 50 occurrences spread over the writes into one create and a few patches', async () => {
    const { recorder, sink } = setup();
    for (let i = 0; i < 50; i++) {
      recorder.record(scaled);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await recorder.flush();
    expect(sink.events()).toHaveLength(1);
    expect(sink.events()[0]?.series?.count).toBe(50);
    const calls = sink.calls();
    expect(calls.filter((call) => call.verb === 'create')).toHaveLength(1);
    expect(calls.length).toBeLessThan(10);
    expect(calls.every((call) => call.verb === 'create' || call.patch.series.count >= 2)).toBe(true);
  });

  it('turns the second occurrence into a series of 2 at once and sends later counts after the interval', async () => {
    const { recorder, sink, clock } = setup({ seriesUpdateIntervalMs: 50 });
    recorder.record(scaled);
    await recorder.flush();
    clock.ms += 1000;
    recorder.record(scaled);
    await vi.waitFor(() => expect(sink.events()[0]?.series?.count).toBe(2));
    const [call] = sink.calls().slice(-1);
    expect(call).toMatchObject({ verb: 'patch', patch: { series: { count: 2 } } });
    expect(call?.verb === 'patch' && call.patch.series.lastObservedTime).toMatch(microTime);
    recorder.record(scaled);
    recorder.record(scaled);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sink.events()[0]?.series?.count).toBe(2);
    await vi.waitFor(() => expect(sink.events()[0]?.series?.count).toBe(4));
    expect(recorder.stats()).toMatchObject({ written: 1, updated: 2 });
  });

  it('sends a waiting series patch at once on flush', async () => {
    const { recorder, sink } = setup({ seriesUpdateIntervalMs: 60 * minute });
    recorder.record(scaled);
    await recorder.flush();
    recorder.record(scaled);
    await recorder.flush();
    recorder.record(scaled);
    await recorder.flush();
    expect(sink.events()[0]?.series?.count).toBe(3);
  });

  it.each([
    ['reason', { reason: 'ScaledDown' }],
    ['type', { type: 'Warning' }],
    ['action', { action: 'Reconcile' }],
    ['regarding', { regarding: { ...pinot, uid: 'u-2' } }],
    ['related', { related: { apiVersion: 'v1', kind: 'Pod', namespace: 'pinot', name: 'broker-0' } }],
  ] as const)('makes a different %s a different Event', async (_field, patch) => {
    const { recorder, sink } = setup();
    recorder.record(scaled);
    recorder.record({ ...scaled, ...patch });
    await recorder.flush();
    expect(sink.events()).toHaveLength(2);
    expect(sink.events().every((event) => event.series === undefined)).toBe(true);
  });

  it('keeps a different note in the same series, with the first note', async () => {
    const { recorder, sink } = setup();
    recorder.record(scaled);
    recorder.record({ ...scaled, note: 'another text' });
    await recorder.flush();
    expect(sink.events()).toMatchObject([{ note: scaled.note, series: { count: 2 } }]);
  });

  it('starts a new Event once the window after the last occurrence has passed', async () => {
    const { recorder, sink, clock } = setup();
    recorder.record(scaled);
    clock.ms += 5 * minute;
    recorder.record(scaled); // within 6 minutes of the last occurrence: same series
    clock.ms += 5 * minute;
    recorder.record(scaled); // the window slides with each occurrence
    await recorder.flush();
    expect(sink.events()).toHaveLength(1);
    clock.ms += 6 * minute + 1;
    recorder.record(scaled);
    await recorder.flush();
    const events = sink.events();
    expect(events).toHaveLength(2);
    expect(events[0]?.series?.count).toBe(3);
    expect(events[1]?.series).toBeUndefined();
    expect(events[1]?.eventTime).toBe('2024-05-01T10:16:00.001000Z');
  });

  it('forgets the least recently used series past cacheSize', async () => {
    const { recorder, sink } = setup({ cacheSize: 2 });
    recorder.record(scaled);
    await recorder.flush();
    recorder.record({ ...scaled, reason: 'B' });
    recorder.record({ ...scaled, reason: 'C' });
    await recorder.flush();
    recorder.record(scaled);
    await recorder.flush();
    expect(sink.events().filter((event) => event.reason === 'ScaledUp')).toHaveLength(2);
  });
});

describe('createEventRecorder: spam filter', () => {
  it('allows 25 new Events per object, then drops until a token refills after 5 minutes', async () => {
    const { recorder, sink, clock, bus } = setup();
    const dropped = vi.fn();
    bus.on('event.dropped', dropped);
    for (let i = 0; i < 30; i++) recorder.record({ ...scaled, reason: `Reason${i}` });
    await recorder.flush();
    expect(sink.events()).toHaveLength(25);
    expect(recorder.stats()).toMatchObject({ recorded: 25, written: 25, dropped: 5 });
    expect(dropped).toHaveBeenCalledTimes(5);
    expect(dropped.mock.calls[0]?.[0]).toMatchObject({
      dropReason: 'spamFilter',
      count: 1,
      event: { reason: 'Reason25' },
    });

    clock.ms += 5 * minute;
    recorder.record({ ...scaled, reason: 'AfterRefill' });
    recorder.record({ ...scaled, reason: 'OneTooMany' });
    await recorder.flush();
    expect(sink.events().map((event) => event.reason)).toContain('AfterRefill');
    expect(sink.events().map((event) => event.reason)).not.toContain('OneTooMany');
  });

  it('counts each object on its own, and lets repeats of a known Event through', async () => {
    const { recorder, sink } = setup();
    for (let i = 0; i < 25; i++) recorder.record({ ...scaled, reason: `Reason${i}` });
    recorder.record({ ...scaled, regarding: { ...pinot, uid: 'other' } });
    for (let i = 0; i < 10; i++) recorder.record({ ...scaled, reason: 'Reason0' });
    await recorder.flush();
    expect(sink.events()).toHaveLength(26);
    expect(sink.events().find((event) => event.reason === 'Reason0')?.series?.count).toBe(11);
    expect(recorder.stats().dropped).toBe(0);
  });

  it('can be widened with spamBurst', async () => {
    const { recorder, sink } = setup({ spamBurst: 100 });
    for (let i = 0; i < 30; i++) recorder.record({ ...scaled, reason: `Reason${i}` });
    await recorder.flush();
    expect(sink.events()).toHaveLength(30);
  });
});

describe('createEventRecorder: bus facts', () => {
  it('announces recorded, written and dropped facts', async () => {
    const { recorder, bus } = setup({ spamBurst: 1 });
    const facts: unknown[] = [];
    bus.on('*', (type, payload) => {
      if (type.startsWith('event.')) facts.push([type, payload]);
    });
    recorder.record(scaled);
    recorder.record(scaled);
    recorder.record({ ...scaled, reason: 'Other' });
    await recorder.flush();
    expect(facts).toMatchObject([
      ['event.recorded', { event: { reason: 'ScaledUp' }, count: 1 }],
      ['event.recorded', { count: 2 }],
      ['event.dropped', { event: { reason: 'Other' }, dropReason: 'spamFilter', count: 1 }],
      ['event.written', { operation: 'create', namespace: 'pinot', count: 2, event: { reason: 'ScaledUp' } }],
    ]);
  });

  it('survives a foreign bus that throws', async () => {
    const bus = {
      emit: () => {
        throw new Error('bus');
      },
    } as unknown as EventBus;
    const { recorder, sink } = setup({ bus });
    expect(() => recorder.record(scaled)).not.toThrow();
    await recorder.flush();
    expect(sink.events()).toHaveLength(1);
  });
});
