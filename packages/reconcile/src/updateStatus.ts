/** Writes a status only when it differs from the live one, so a controller never wakes itself up in a loop. */
import type { KubeObject, Writer } from '@dsoi/client';
import { canonicalJson } from '@dsoi/hash';

/** Options of {@link updateStatus}. */
export interface UpdateStatusOptions {
  readonly signal?: AbortSignal;
}

/**
 * Merge-patches `status` onto the object's status subresource unless the live status already equals it (compared as
 * canonical JSON, so key order does not matter). Returns whether it wrote. Pass the whole desired status: fields
 * missing from it are left as they are, set them to `null` to remove them.
 */
export async function updateStatus(
  client: Pick<Writer, 'patchStatus'>,
  object: KubeObject & { readonly status?: unknown },
  status: Readonly<Record<string, unknown>>,
  options: UpdateStatusOptions = {},
): Promise<boolean> {
  const live = (object.status ?? {}) as Record<string, unknown>;
  const merged = Object.fromEntries(
    Object.entries({ ...live, ...status }).filter(([, value]) => value !== null && value !== undefined),
  );
  if (canonicalJson(merged) === canonicalJson(stripUndefined(live))) return false;
  await client.patchStatus(
    object,
    { type: 'merge', body: { status } },
    options.signal ? { signal: options.signal } : {},
  );
  return true;
}

function stripUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}
