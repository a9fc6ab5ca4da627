/**
 * Test helpers for an operator run and what it reports: start a long-lived `start(signal)` in the background and stop
 * it with its drain awaited; list the Events regarding an object.
 */

import type { Reader } from '@dsoi/client';
import type { KubeObject } from '@dsoi/object';

/** A run started by {@link startInBackground}. */
export interface BackgroundRun {
  /** Aborts the signal and waits until `start` settled (a rejection is not rethrown: see `ended`). */
  stop(): Promise<void>;
  /** `undefined` while running; `'resolved'` or `'rejected: <stack>'` once `start` settled on its own or by `stop`. */
  ended(): string | undefined;
}

/** Calls `start(signal)` (an operator's, a manager's) without awaiting it; `stop()` ends it through the signal. */
export function startInBackground(start: (signal: AbortSignal) => Promise<void>): BackgroundRun {
  const controller = new AbortController();
  let ended: string | undefined;
  const run = start(controller.signal).then(
    () => {
      ended = 'resolved';
    },
    (err: unknown) => {
      ended = `rejected: ${err instanceof Error ? err.stack : String(err)}`;
    },
  );
  return {
    async stop() {
      controller.abort();
      await run;
    },
    ended: () => ended,
  };
}

/** An Event (`events.k8s.io/v1`) as {@link eventsRegarding} returns it. */
export interface RecordedEvent extends KubeObject {
  readonly type: string;
  readonly reason: string;
  readonly note?: string;
  readonly regarding: { readonly name: string };
  readonly series?: { readonly count: number };
}

/** The Events of `namespace` regarding the object named `name`. */
export async function eventsRegarding(
  reader: Pick<Reader, 'list'>,
  namespace: string,
  name: string,
): Promise<RecordedEvent[]> {
  const list = await reader.list<RecordedEvent>({ apiVersion: 'events.k8s.io/v1', kind: 'Event' }, { namespace });
  return list.items.filter((e) => e.regarding.name === name);
}
