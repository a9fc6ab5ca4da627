/** The informer's event handlers: synchronous fan-out where one failing handler cannot hurt the others. */
import type { KubeObject } from '@dsoi/object';
import type { HandlerErrorInfo, InformerEventHandlers } from '../informer.js';

/** What changed in one relist, emitted as one batch. */
export interface SubscriberBatch<TObject> {
  readonly added: readonly TObject[];
  readonly updated: readonly (readonly [oldObj: TObject, newObj: TObject])[];
  readonly deleted: readonly TObject[];
}

/** The set of subscribers and the fan-out. */
export interface Subscribers<TObject extends KubeObject> {
  /** Adds handlers, first calling their `add` for each of `existing`; returns the function that removes them. */
  add(handlers: InformerEventHandlers<TObject>, existing: Iterable<TObject>): () => void;
  readonly size: number;
  emitAdd(obj: TObject): void;
  emitUpdate(oldObj: TObject, newObj: TObject): void;
  emitDelete(obj: TObject): void;
  /**
   * Emits a relist's differences to the subscribers present when it starts: one subscribing from inside a handler
   * already got the whole cache replayed, so it must not get the rest of the batch as well.
   */
  emitBatch(batch: SubscriberBatch<TObject>): void;
}

export function createSubscribers<TObject extends KubeObject>(
  onHandlerError: (error: unknown, info: HandlerErrorInfo<TObject>) => void,
): Subscribers<TObject> {
  interface Entry {
    readonly handlers: InformerEventHandlers<TObject>;
    active: boolean;
  }
  // One entry per subscribe() call: subscribing the same object twice gives two independent subscriptions.
  const entries = new Set<Entry>();

  const report = (error: unknown, event: HandlerErrorInfo['event'], object: TObject) => {
    try {
      onHandlerError(error, { event, object });
    } catch {
      // The error reporter itself failed; nothing sensible is left to do with either error.
    }
  };

  const call = (event: HandlerErrorInfo['event'], object: TObject, invoke: () => unknown) => {
    try {
      const result = invoke();
      // Handlers are typed as synchronous, but an async one must not leave an unhandled rejection behind.
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        (result as PromiseLike<unknown>).then(undefined, (error: unknown) => report(error, event, object));
      }
    } catch (error) {
      report(error, event, object);
    }
  };

  const addTo = (targets: readonly Entry[], obj: TObject) => {
    for (const { handlers, active } of targets) if (active && handlers.add) call('add', obj, () => handlers.add?.(obj));
  };
  const updateTo = (targets: readonly Entry[], oldObj: TObject, newObj: TObject) => {
    for (const { handlers, active } of targets) {
      if (active && handlers.update) call('update', newObj, () => handlers.update?.(oldObj, newObj));
    }
  };
  const deleteTo = (targets: readonly Entry[], obj: TObject) => {
    for (const { handlers, active } of targets) {
      if (active && handlers.delete) call('delete', obj, () => handlers.delete?.(obj));
    }
  };

  return {
    add(handlers, existing) {
      const entry: Entry = { handlers, active: true };
      entries.add(entry);
      // Replay before any other event can arrive (this is synchronous), so the subscriber misses nothing.
      if (handlers.add !== undefined) {
        for (const obj of existing) {
          if (!entry.active) break;
          addTo([entry], obj);
        }
      }
      return () => {
        entry.active = false;
        entries.delete(entry);
      };
    },
    get size() {
      return entries.size;
    },
    // A snapshot per event, so handlers may subscribe from inside a handler; one removed meanwhile is skipped.
    emitAdd: (obj) => addTo([...entries], obj),
    emitUpdate: (oldObj, newObj) => updateTo([...entries], oldObj, newObj),
    emitDelete: (obj) => deleteTo([...entries], obj),
    emitBatch({ added, updated, deleted }) {
      const targets = [...entries];
      for (const obj of added) addTo(targets, obj);
      for (const [oldObj, newObj] of updated) updateTo(targets, oldObj, newObj);
      for (const obj of deleted) deleteTo(targets, obj);
    },
  };
}
