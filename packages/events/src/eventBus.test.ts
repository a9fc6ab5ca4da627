import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createEventBus, type EventBus, eventBusDefaults } from './eventBus.js';
import type { ClientOperationEvent, StandardEvents } from './standardEvents.js';

const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'pinot', name: 'pinot-broker' };
const applied: ClientOperationEvent = { verb: 'apply', ref, durationMs: 12 };

type TestEvents = StandardEvents & { 'rollout.done': { cluster: string }; tick: number };

describe('createEventBus', () => {
  it('calls the handlers of the emitted type only, in subscription order', () => {
    const bus = createEventBus<TestEvents>();
    const calls: string[] = [];
    bus.on('applied', (event) => calls.push(`first ${event.verb}`));
    bus.on('applied', (event) => calls.push(`second ${event.ref.name}`));
    bus.on('deleted', () => calls.push('deleted'));
    bus.emit('applied', applied);
    expect(calls).toEqual(['first apply', 'second pinot-broker']);
  });

  it('types payloads from the event map, extended maps included', () => {
    const bus = createEventBus<TestEvents>();
    bus.on('rollout.done', (event) => expectTypeOf(event).toEqualTypeOf<{ cluster: string }>());
    bus.on('failed', (event) => expectTypeOf(event.error).toBeUnknown());
    // @ts-expect-error the payload of 'tick' is a number
    bus.emit('tick', 'soon');
    // @ts-expect-error 'nope' is not in the map
    bus.on('nope', () => {});
    expectTypeOf(createEventBus()).toEqualTypeOf<EventBus<StandardEvents>>();
  });

  it('stops calling a handler after its unsubscribe function runs, and a second call does nothing', () => {
    const bus = createEventBus<TestEvents>();
    const handler = vi.fn();
    const unsubscribe = bus.on('tick', handler);
    bus.emit('tick', 1);
    unsubscribe();
    unsubscribe();
    bus.emit('tick', 2);
    expect(handler.mock.calls).toEqual([[1]]);
  });

  it('keeps two subscriptions of the same function apart', () => {
    const bus = createEventBus<TestEvents>();
    const handler = vi.fn();
    const first = bus.on('tick', handler);
    bus.on('tick', handler);
    first();
    bus.emit('tick', 1);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('calls wildcard handlers with every type and payload, after the typed handlers', () => {
    const bus = createEventBus<TestEvents>();
    const calls: unknown[] = [];
    bus.on('*', (type, payload) => {
      calls.push([type, payload]);
      if (type === 'rollout.done') expectTypeOf(payload).toEqualTypeOf<{ cluster: string }>();
    });
    bus.on('tick', (n) => calls.push(['typed', n]));
    bus.emit('tick', 7);
    bus.emit('rollout.done', { cluster: 'pinot' });
    expect(calls).toEqual([
      ['typed', 7],
      ['tick', 7],
      ['rollout.done', { cluster: 'pinot' }],
    ]);
  });

  it('unsubscribes through an AbortSignal, wildcard handlers included', () => {
    const bus = createEventBus<TestEvents>();
    const controller = new AbortController();
    const typed = vi.fn();
    const wildcard = vi.fn();
    bus.on('tick', typed, { signal: controller.signal });
    bus.on('*', wildcard, { signal: controller.signal });
    bus.emit('tick', 1);
    controller.abort();
    bus.emit('tick', 2);
    expect(typed).toHaveBeenCalledTimes(1);
    expect(wildcard).toHaveBeenCalledTimes(1);
  });

  it('subscribes nothing with an already aborted signal', () => {
    const bus = createEventBus<TestEvents>();
    const handler = vi.fn();
    const unsubscribe = bus.on('tick', handler, { signal: AbortSignal.abort() });
    bus.emit('tick', 1);
    unsubscribe();
    expect(handler).not.toHaveBeenCalled();
  });

  it('does not call a handler unsubscribed by an earlier handler of the same emit', () => {
    const bus = createEventBus<TestEvents>();
    const late = vi.fn();
    let unsubscribeLate = (): void => {};
    bus.on('tick', () => unsubscribeLate());
    unsubscribeLate = bus.on('tick', late);
    bus.emit('tick', 1);
    expect(late).not.toHaveBeenCalled();
  });

  it('keeps emitting to the other handlers when one throws, and reports the error with its type', () => {
    const onHandlerError = vi.fn();
    const bus = createEventBus<TestEvents>({ onHandlerError });
    const after = vi.fn();
    const wildcard = vi.fn();
    const boom = new Error('boom');
    bus.on('tick', () => {
      throw boom;
    });
    bus.on('tick', after);
    bus.on('*', wildcard);
    expect(() => bus.emit('tick', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith(1);
    expect(wildcard).toHaveBeenCalledWith('tick', 1);
    expect(onHandlerError).toHaveBeenCalledWith(boom, 'tick');
  });

  it('reports the rejection of an async handler', async () => {
    const onHandlerError = vi.fn();
    const bus = createEventBus<TestEvents>({ onHandlerError });
    const boom = new Error('async boom');
    bus.on('*', async () => {
      throw boom;
    });
    bus.emit('tick', 1);
    await vi.waitFor(() => expect(onHandlerError).toHaveBeenCalledWith(boom, 'tick'));
  });

  it('ignores a reporter that throws too', () => {
    const bus = createEventBus<TestEvents>({
      onHandlerError: () => {
        throw new Error('reporter');
      },
    });
    const after = vi.fn();
    bus.on('tick', () => {
      throw new Error('handler');
    });
    bus.on('tick', after);
    expect(() => bus.emit('tick', 1)).not.toThrow();
    expect(after).toHaveBeenCalled();
  });

  it('writes handler errors to console.error by default', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bus = createEventBus<TestEvents>();
    const boom = new Error('boom');
    bus.on('tick', () => {
      throw boom;
    });
    bus.emit('tick', 1);
    expect(consoleError).toHaveBeenCalledWith('@dsoi/events: a handler of "tick" threw', boom);
    expect(Object.isFrozen(eventBusDefaults)).toBe(true);
    consoleError.mockRestore();
  });

  it('shares nothing between two buses', () => {
    const one = createEventBus<TestEvents>();
    const two = createEventBus<TestEvents>();
    const handler = vi.fn();
    one.on('tick', handler);
    two.emit('tick', 1);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('EventBus.once', () => {
  it('resolves with the next event of the type and then stops listening', async () => {
    const bus = createEventBus<TestEvents>();
    const next = bus.once('tick');
    bus.emit('tick', 1);
    bus.emit('tick', 2);
    await expect(next).resolves.toBe(1);
    expectTypeOf(next).toEqualTypeOf<Promise<number>>();
  });

  it('resolves with the first payload that passes the filter', async () => {
    const bus = createEventBus<TestEvents>();
    const next = bus.once('applied', { filter: (event) => event.ref.name === 'pinot-server' });
    bus.emit('applied', applied);
    bus.emit('applied', { ...applied, ref: { ...ref, name: 'pinot-server' } });
    await expect(next).resolves.toMatchObject({ ref: { name: 'pinot-server' } });
  });

  it('rejects with what the filter throws', async () => {
    const bus = createEventBus<TestEvents>();
    const boom = new Error('filter');
    const next = bus.once('tick', {
      filter: () => {
        throw boom;
      },
    });
    bus.emit('tick', 1);
    await expect(next).rejects.toBe(boom);
  });

  it('rejects with the reason of an AbortSignal, aborted before or while waiting', async () => {
    const bus = createEventBus<TestEvents>();
    const reason = new Error('stop waiting');
    await expect(bus.once('tick', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    const next = bus.once('tick', { signal: controller.signal });
    controller.abort(reason);
    await expect(next).rejects.toBe(reason);
    expect(() => bus.emit('tick', 1)).not.toThrow();
  });

  it('ignores an abort after it resolved', async () => {
    const bus = createEventBus<TestEvents>();
    const controller = new AbortController();
    const next = bus.once('tick', { signal: controller.signal });
    bus.emit('tick', 3);
    controller.abort();
    await expect(next).resolves.toBe(3);
  });
});
