/** What the client announces on an `@dsoi/events` bus: one fact per finished write (`created` ... `failed`). */
import type { StandardEvents } from '@dsoi/events';

/**
 * The bus events the client emits: the client-operation part of `StandardEvents` from `@dsoi/events` (a type-only
 * import, so the client loads nothing of `@dsoi/events` at run time).
 */
export type ClientEvents = Pick<StandardEvents, 'created' | 'applied' | 'updated' | 'patched' | 'deleted' | 'failed'>;

/**
 * The one method of a bus the client needs. `createEventBus()` of `@dsoi/events` (with `StandardEvents`, or a map
 * that extends it) satisfies it.
 */
export interface ClientBus {
  /** Publishes one client event (`created`, `updated`, `deleted`, `failed`) to the bus's subscribers. */
  emit<TType extends keyof ClientEvents>(type: TType, payload: ClientEvents[TType]): void;
}
