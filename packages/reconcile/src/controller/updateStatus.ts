/**
 * Writes a status only when it differs from the live one (so a controller never wakes itself up in a loop), never
 * from a stale read, and reports a status too large to store as a condition instead of failing for ever.
 */

import type { Reader, Writer } from '@dsoi/client';
import { isConflict, isKubeApiError } from '@dsoi/client/errors';
import { canonicalJson } from '@dsoi/hash';
import type { KubeObject } from '@dsoi/object';
import { type Condition, setCondition } from './conditions.js';

/** Options of {@link updateStatus}. */
export interface UpdateStatusOptions {
  readonly signal?: AbortSignal;
  /**
   * Send `object`'s `metadata.resourceVersion` with the patch, so the API server refuses it with a `ConflictError`
   * when the object changed since it was read: a pass working on a stale cache (or a paused former leader) cannot
   * move the status backwards. When the client can also `get`, a conflict is checked against a fresh read: if only
   * metadata or spec changed (a finalizer added in the same pass), the status it was computed from is still the
   * live one and the write is sent again with the fresh resourceVersion; if the status changed, the conflict is
   * thrown (the work queue retries it with the fresh object). @default true
   */
  readonly requireResourceVersion?: boolean;
}

/** What {@link updateStatus} does with a status the API server cannot store. */
export const updateStatusDefaults = Object.freeze({
  /** Fields of the status over this many bytes of JSON are left out when the whole is too large to store. */
  largeFieldBytes: 16_384,
  /** The reason of the `Ready=False` condition written instead. */
  tooLargeReason: 'StatusTooLarge',
});

/**
 * Merge-patches `status` onto the object's status subresource unless the live status already equals it (compared as
 * canonical JSON, so key order does not matter). Returns whether it wrote. Pass the whole desired status: fields
 * missing from it are left as they are, set them to `null` to remove them.
 *
 * When the API server refuses the write as too large (etcd's request limit, HTTP 413), it writes the status without
 * its large fields (each over `updateStatusDefaults.largeFieldBytes`, else the largest one), removed, and with a
 * `Ready=False` condition of reason `StatusTooLarge` naming them: never a stale or a `Ready` status.
 * @throws ConflictError when `object` is stale (see `requireResourceVersion`); any other write error.
 */
export async function updateStatus(
  client: Pick<Writer, 'patchStatus'> & Partial<Pick<Reader, 'get'>>,
  object: KubeObject & { readonly status?: unknown },
  status: Readonly<Record<string, unknown>>,
  options: UpdateStatusOptions = {},
): Promise<boolean> {
  let current = object;
  for (let attempt = 1; ; attempt++) {
    try {
      return await updateStatusOnce(client, current, status, options);
    } catch (err) {
      if (!isConflict(err) || client.get === undefined || attempt >= maxFreshReads) throw err;
      const fresh = await client.get<KubeObject & { status?: unknown }>(
        object,
        options.signal ? { signal: options.signal } : {},
      );
      // Someone else wrote the status since `object` was read: what was computed from it may be older.
      if (canonicalJson(stripUndefined(statusOf(fresh))) !== canonicalJson(stripUndefined(statusOf(object)))) throw err;
      current = fresh;
    }
  }
}

/** Fresh reads after conflicts whose status was unchanged, before the conflict is thrown anyway. */
const maxFreshReads = 3;

const statusOf = (object: { readonly status?: unknown }) => (object.status ?? {}) as Record<string, unknown>;

async function updateStatusOnce(
  client: Pick<Writer, 'patchStatus'>,
  object: KubeObject & { readonly status?: unknown },
  status: Readonly<Record<string, unknown>>,
  options: UpdateStatusOptions,
): Promise<boolean> {
  const { signal, requireResourceVersion = true } = options;
  const live = (object.status ?? {}) as Record<string, unknown>;
  const merged = Object.fromEntries(
    Object.entries({ ...live, ...status }).filter(([, value]) => value !== null && value !== undefined),
  );
  if (canonicalJson(merged) === canonicalJson(stripUndefined(live))) return false;
  const resourceVersion = object.metadata?.resourceVersion;
  const write = (body: Record<string, unknown>) =>
    client.patchStatus(
      object,
      {
        type: 'merge',
        body: {
          ...(requireResourceVersion && resourceVersion !== undefined && { metadata: { resourceVersion } }),
          status: body,
        },
      },
      signal ? { signal } : {},
    );
  try {
    await write(status);
  } catch (err) {
    if (!isTooLarge(err)) throw err;
    const { generation } = (object.metadata ?? {}) as { generation?: number };
    await write(withoutLargeFields(status, live, generation));
  }
  return true;
}

/** etcd's "request is too large" (an InternalError), or the API server's own 413 for a body over its limit. */
function isTooLarge(err: unknown): boolean {
  if (!isKubeApiError(err)) return false;
  return err.code === 413 || /request is too large/i.test(err.message);
}

/** The status with its large fields removed and a `Ready=False` condition that names them. */
function withoutLargeFields(
  status: Readonly<Record<string, unknown>>,
  live: Readonly<Record<string, unknown>>,
  generation: number | undefined,
): Record<string, unknown> {
  const sizes = Object.entries(status)
    .filter(([key, value]) => key !== 'conditions' && value !== null && value !== undefined)
    .map(([key, value]) => [key, Buffer.byteLength(canonicalJson(value))] as const)
    .sort((a, b) => b[1] - a[1]);
  const large = sizes.filter(([, bytes]) => bytes > updateStatusDefaults.largeFieldBytes);
  const dropped = large.length > 0 ? large : sizes.slice(0, 1);
  const fields = dropped.map(([key, bytes]) => `status.${key} (${bytes} bytes)`).join(', ');
  const conditions = (status.conditions ?? live.conditions) as Condition[] | undefined;
  return {
    ...status,
    ...Object.fromEntries(dropped.map(([key]) => [key, null])),
    conditions: setCondition(conditions, {
      type: 'Ready',
      status: 'False',
      reason: updateStatusDefaults.tooLargeReason,
      message: `${fields} not written: the object would exceed the API server's size limit; shrink the input it comes from`,
      ...(generation !== undefined && { observedGeneration: generation }),
    }),
  };
}

function stripUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}
