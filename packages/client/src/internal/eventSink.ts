/** The sink through which the `@dsoi/events` recorder writes `events.k8s.io/v1` Events, past the client's bus. */
import type { EventSink, EventSinkCallOptions } from '@dsoi/events';
import type { RequestOptions } from '../reader.js';
import type { Call } from './caller.js';
import { objectRef } from './objectRefs.js';
import { patchContentTypes } from './writeSpec.js';

const events = { apiVersion: 'events.k8s.io/v1', kind: 'Event' } as const;

/** What each sink method accepts: the recorder's `signal`, and a `beforeSend` as in `RequestOptions`. */
type SinkCallOptions = EventSinkCallOptions & Pick<RequestOptions, 'beforeSend'>;

/**
 * An `EventSink` whose writes go through `call` as `fieldManager`. Not announced on the bus, because the recorder
 * announces its own writes.
 */
export function createEventSink(call: Call, fieldManager: string): EventSink {
  return {
    async create(event, { signal, beforeSend }: SinkCallOptions) {
      const ref = objectRef(event, 'create', true);
      const spec = {
        operation: 'create',
        verb: 'create',
        type: events,
        namespace: ref.namespace,
        name: ref.name,
      } as const;
      const request = { method: 'POST', contentType: 'application/json', idempotent: false, collection: true } as const;
      return call({ ...spec, ...request, query: { fieldManager }, body: event }, { signal, beforeSend });
    },
    patch(namespace, name, patch, { signal, beforeSend }: SinkCallOptions) {
      const spec = {
        operation: 'patch',
        verb: 'patch',
        type: events,
        namespace,
        name,
        query: { fieldManager },
      } as const;
      const request = { method: 'PATCH', contentType: patchContentTypes.merge, idempotent: true } as const;
      return call({ ...spec, ...request, body: patch }, { signal, beforeSend });
    },
  };
}
