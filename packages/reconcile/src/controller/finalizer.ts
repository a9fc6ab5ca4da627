/**
 * The finalizer dance: add the finalizer before any external side effect; on deletion run the cleanup and remove the
 * finalizer only after the cleanup succeeded. The Go Pinot operator removed it even when Pinot refused the delete.
 */

import type { Writer } from '@dsoi/client';
import type { KubeObject } from '@dsoi/object';

/** The annotation that lets a stuck deletion through: set it to `"true"` to remove the finalizer without cleanup. */
export const skipCleanupAnnotation = 'dsoi.io/skip-finalizer-cleanup';

/**
 * @deprecated {@link finalize} takes any `KubeObject` of `@dsoi/object` (its metadata has `finalizers` and
 * `deletionTimestamp`), the one object model of every dsoi package; import that instead.
 */
export type FinalizableObject = KubeObject;

/** Options of {@link finalize}. */
export interface FinalizeOptions<TObject extends KubeObject> {
  /** Where the finalizer patches go. */
  readonly client: Pick<Writer, 'patch'>;
  /** The object as last read (its resourceVersion guards the patches). */
  readonly object: TObject;
  /** The finalizer name, e.g. `pinot.datainfra.io/finalizer`. */
  readonly finalizer: string;
  /** Undoes the external side effects; throw to keep the finalizer (the reconcile is retried with backoff). */
  readonly cleanup: (object: TObject) => Promise<void>;
  /** Escape-hatch annotation: when `"true"` on a deleted object, the finalizer goes without cleanup. @default 'dsoi.io/skip-finalizer-cleanup' */
  readonly skipAnnotation?: string;
  readonly signal?: AbortSignal;
}

/**
 * What happened:
 * - `added`: the finalizer was just added (the live object changed; continue the reconcile with side effects);
 * - `present`: the object is not being deleted and has the finalizer; continue;
 * - `finalized`: the object is being deleted, the cleanup succeeded (or was skipped) and the finalizer is gone;
 *   stop the reconcile;
 * - `deleting`: the object is being deleted and our finalizer is already gone; stop.
 */
export type FinalizeOutcome = 'added' | 'present' | 'finalized' | 'deleting';

/**
 * Runs the finalizer state machine once.
 *
 * Caveats: patches are JSON patches guarded by a `test` of the resourceVersion, so a concurrent writer makes them
 * fail with a conflict-like error and the reconcile retries with fresh data; they never drop another actor's
 * finalizer. A cleanup that can never succeed (the external system is gone for good) blocks deletion until someone
 * sets the `skipAnnotation` to `"true"`: document that for your users.
 */
export async function finalize<TObject extends KubeObject>(
  options: FinalizeOptions<TObject>,
): Promise<FinalizeOutcome> {
  const { client, object, finalizer, cleanup, signal, skipAnnotation = skipCleanupAnnotation } = options;
  const finalizers = object.metadata?.finalizers ?? [];
  const index = finalizers.indexOf(finalizer);
  const resourceVersion = object.metadata?.resourceVersion;
  const guard = resourceVersion
    ? [{ op: 'test' as const, path: '/metadata/resourceVersion', value: resourceVersion }]
    : [];
  const writeOptions = signal ? { signal } : {};
  if (!object.metadata?.deletionTimestamp) {
    if (index !== -1) return 'present';
    const add =
      finalizers.length === 0
        ? { op: 'add' as const, path: '/metadata/finalizers', value: [finalizer] }
        : { op: 'add' as const, path: '/metadata/finalizers/-', value: finalizer };
    await client.patch(object, { type: 'json', body: [...guard, add] }, writeOptions);
    return 'added';
  }
  if (index === -1) return 'deleting';
  if (object.metadata.annotations?.[skipAnnotation] !== 'true') await cleanup(object);
  await client.patch(
    object,
    {
      type: 'json',
      body: [
        ...guard,
        { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ],
    },
    writeOptions,
  );
  return 'finalized';
}
