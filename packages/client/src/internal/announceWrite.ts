/** Announces a client write on the bus: its success (with the object's uid and resourceVersion) or its failure. */

import type { ClientVerb } from '@dsoi/events';
import type { ObjectRef } from '@dsoi/object';
import type { ClientBus } from '../bus.js';
import { isKubeObject } from './objectRefs.js';

/** The bus event of each successful write. */
export const busEventOf = {
  create: 'created',
  apply: 'applied',
  update: 'updated',
  patch: 'patched',
  delete: 'deleted',
} as const satisfies Record<ClientVerb, string>;

/** One write, as the bus sees it. */
export interface AnnouncedWrite {
  readonly verb: ClientVerb;
  readonly ref: ObjectRef;
  readonly subresource: string | undefined;
  readonly options: { readonly dryRun?: boolean | undefined; readonly signal?: AbortSignal | undefined };
}

/**
 * Runs a write and announces its outcome on `bus`: never for a dry run, and a failure only when it is the server's
 * or the connection's (not an aborted call, not invalid input, which throws a `TypeError`). A throwing bus does not
 * change the write's outcome.
 */
export async function announceWrite<TResult>(
  bus: ClientBus | undefined,
  write: AnnouncedWrite,
  run: () => Promise<TResult>,
): Promise<TResult> {
  const { verb, ref, subresource, options } = write;
  const startedMs = performance.now();
  const silent = bus === undefined || options.dryRun === true;
  const reference = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: ref.namespace };
  try {
    const result = await run();
    if (!silent) {
      const meta = isKubeObject(result) ? result.metadata : undefined;
      const payload = {
        verb,
        ref: { ...reference, uid: meta?.uid, resourceVersion: meta?.resourceVersion },
        subresource,
        durationMs: performance.now() - startedMs,
      };
      safeEmit(() => bus.emit(busEventOf[verb], payload));
    }
    return result;
  } catch (error) {
    if (!silent && !options.signal?.aborted && !(error instanceof TypeError)) {
      const payload = { verb, ref: reference, subresource, durationMs: performance.now() - startedMs, error };
      safeEmit(() => bus.emit('failed', payload));
    }
    throw error;
  }
}

function safeEmit(emit: () => void) {
  try {
    emit();
  } catch {
    // A bus is an observer: its failure must not turn a successful write into a failed one.
  }
}
