/** A typed in-process event bus on mitt: a failing handler never stops the others; subscriptions end by AbortSignal. */
import mittModule, { type Emitter } from 'mitt';
import type { StandardEvents } from './standardEvents.js';

// mitt 3 ships one CommonJS-typed index.d.ts for both of its builds, so under NodeNext TypeScript sees the default
// import as the module object; at runtime it is the factory in ESM and (through tsup's interop) in CJS alike. The
// check says so without a cast (the first branch is `never` to TypeScript), and a loader that hands over the module
// object still gets the factory.
const mitt = typeof mittModule === 'function' ? mittModule : mittModule.default;

/** A handler of one event type. A returned promise is not awaited; its rejection is reported like a throw. */
export type EventHandler<TPayload> = (payload: TPayload) => unknown;

/**
 * A handler of every event type, called with the type and its payload. Checking `type` narrows `payload`:
 * `(type, payload) => { if (type === 'failed') console.log(payload.error); }`.
 */
export type WildcardEventHandler<TEvents extends object> = (
  ...args: { [TType in keyof TEvents & string]: [type: TType, payload: TEvents[TType]] }[keyof TEvents & string]
) => unknown;

/** Ends a subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** Options of `EventBus.on()`. */
export interface SubscribeOptions {
  /** Ends the subscription when aborted; an already aborted signal subscribes nothing. @default no signal */
  readonly signal?: AbortSignal;
}

/** Options of `EventBus.once()`. */
export interface OnceOptions<TPayload> {
  /** Rejects the promise with the signal's reason when aborted. @default no signal */
  readonly signal?: AbortSignal;
  /**
   * Only a payload for which this returns true settles the promise; if it throws, the promise rejects.
   * @default every payload
   */
  readonly filter?: (payload: TPayload) => boolean;
}

/**
 * A typed in-process event bus. `TEvents` maps each event type to its payload; it defaults to {@link StandardEvents}.
 *
 * Guarantees: `emit` calls the handlers synchronously, in subscription order, then the wildcard handlers; a handler
 * that throws (or whose promise rejects) is reported through `onHandlerError` and the others still run. A handler
 * unsubscribed during an `emit` is not called by it, and one subscribed during an `emit` first hears the next one.
 */
export interface EventBus<TEvents extends object = StandardEvents> {
  /** Calls every handler of `type`, then every wildcard handler, with `payload`. Never throws. */
  emit<TType extends keyof TEvents & string>(type: TType, payload: TEvents[TType]): void;
  /** Subscribes `handler` to `type`; returns the function that unsubscribes it. */
  on<TType extends keyof TEvents & string>(
    type: TType,
    handler: EventHandler<TEvents[TType]>,
    options?: SubscribeOptions,
  ): Unsubscribe;
  /** Subscribes `handler` to every event type (`'*'`); returns the function that unsubscribes it. */
  on(type: '*', handler: WildcardEventHandler<TEvents>, options?: SubscribeOptions): Unsubscribe;
  /** Resolves with the payload of the next event of `type` that passes `options.filter`. */
  once<TType extends keyof TEvents & string>(
    type: TType,
    options?: OnceOptions<TEvents[TType]>,
  ): Promise<TEvents[TType]>;
}

/**
 * The emitting side of an {@link EventBus}: what a producer such as the Event recorder or `@dsoi/client` needs. Unlike
 * `EventBus<StandardEvents>`, it also accepts a bus of a map that extends `StandardEvents`.
 */
export type EventPublisher<TEvents extends object = StandardEvents> = Pick<EventBus<TEvents>, 'emit'>;

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  /**
   * Called with what a handler threw (or its promise rejected with) and the event type; `emit` then goes on with
   * the next handler. If this function throws too, that error is ignored.
   * @default eventBusDefaults.onHandlerError, which writes both to `console.error`
   */
  readonly onHandlerError?: (error: unknown, type: string) => void;
}

/** The defaults of {@link EventBusOptions}. */
export const eventBusDefaults: Readonly<Required<EventBusOptions>> = Object.freeze({
  onHandlerError: (error: unknown, type: string) => {
    console.error(`@dsoi/events: a handler of "${type}" threw`, error);
  },
});

type Invoke = (type: string, payload: unknown) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Creates an {@link EventBus}. Each call returns an independent bus; there is no shared default instance.
 *
 * @example
 * const bus = createEventBus();
 * const stop = bus.on('failed', ({ verb, ref, error }) => log.warn({ verb, ref, error }, 'write failed'));
 */
export function createEventBus<TEvents extends object = StandardEvents>({
  onHandlerError = eventBusDefaults.onHandlerError,
}: EventBusOptions = {}): EventBus<TEvents> {
  const emitter: Emitter<Record<string, unknown>> = mitt<Record<string, unknown>>();

  const report = safeReporter(onHandlerError);
  const subscribe = (type: string, invoke: Invoke, signal: AbortSignal | undefined): Unsubscribe =>
    subscribeTo(emitter, report, type, invoke, signal);

  const bus = {
    emit(type: string, payload: unknown): void {
      emitter.emit(type, payload);
    },
    on(type: string, handler: (...args: never[]) => unknown, options: SubscribeOptions = {}): Unsubscribe {
      const invoke: Invoke =
        type === '*'
          ? (handler as (type: string, payload: unknown) => unknown)
          : (_type, payload) => (handler as (payload: unknown) => unknown)(payload);
      return subscribe(type, invoke, options.signal);
    },
    once(type: string, { signal, filter }: OnceOptions<unknown> = {}): Promise<unknown> {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const done = new AbortController();
        const onAbort = (): void => {
          done.abort();
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const settle = (settleWith: () => void): void => {
          done.abort();
          signal?.removeEventListener('abort', onAbort);
          settleWith();
        };
        subscribe(
          type,
          (_type, payload) => {
            let matches: boolean;
            try {
              matches = filter === undefined || filter(payload);
            } catch (error) {
              settle(() => reject(error));
              return;
            }
            if (matches) settle(() => resolve(payload));
          },
          done.signal,
        );
      });
    },
  };
  return bus as EventBus<TEvents>;
}

/**
 * Adds a handler for `type` (`'*'`: every type) that reports what it throws or rejects with instead of breaking
 * `emit`; it is removed by the returned function or when `signal` aborts.
 */
function subscribeTo(
  emitter: Emitter<Record<string, unknown>>,
  report: (error: unknown, type: string) => void,
  type: string,
  invoke: Invoke,
  signal: AbortSignal | undefined,
): Unsubscribe {
  if (signal?.aborted) return () => {};
  let active = true;
  const call = (eventType: string, payload: unknown): void => {
    if (!active) return;
    try {
      const result = invoke(eventType, payload);
      if (isThenable(result)) result.then(undefined, (error: unknown) => report(error, eventType));
    } catch (error) {
      report(error, eventType);
    }
  };
  // mitt calls wildcard handlers with (type, payload) and the others with (payload).
  const wrapped = type === '*' ? call : (payload: unknown) => call(type, payload);
  emitter.on(type, wrapped as (payload: unknown) => void);
  const unsubscribe = (): void => {
    if (!active) return;
    active = false;
    emitter.off(type, wrapped as (payload: unknown) => void);
    signal?.removeEventListener('abort', unsubscribe);
  };
  signal?.addEventListener('abort', unsubscribe, { once: true });
  return unsubscribe;
}

/** `onHandlerError`, made safe: if it throws too, that error is ignored. */
function safeReporter(onHandlerError: (error: unknown, type: string) => void): (error: unknown, type: string) => void {
  return (error, type) => {
    try {
      onHandlerError(error, type);
    } catch {
      // A failing reporter must not break emit either.
    }
  };
}
