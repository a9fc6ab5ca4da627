/** What the client announces on an `@dsoi/events` bus: one fact per finished write (`created` ... `failed`). */
import type { ClientOperationEvent, ClientOperationFailedEvent } from '@dsoi/events';

/** The bus events the client emits, a subset of `DsoiEvents` from `@dsoi/events`. */
export interface ClientEvents {
  readonly created: ClientOperationEvent;
  readonly applied: ClientOperationEvent;
  readonly updated: ClientOperationEvent;
  readonly patched: ClientOperationEvent;
  readonly deleted: ClientOperationEvent;
  readonly failed: ClientOperationFailedEvent;
}

/**
 * The one method of a bus the client needs. `createEventBus()` of `@dsoi/events` (with `DsoiEvents`, or a map that
 * extends it) satisfies it.
 */
export interface ClientBus {
  emit<TType extends keyof ClientEvents>(type: TType, payload: ClientEvents[TType]): void;
}
