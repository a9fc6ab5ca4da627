/**
 * Data claims that outlive their tenant (`persistentVolumeClaimRetentionPolicy.whenDeleted: Retain`, the default):
 * applied without an ownerReference, so neither the garbage collector nor pruning ever deletes user data. A claim a
 * previous operator (the Go one, or this one under `Delete`) made owned by the tenant is released first.
 */
import type { BuiltPersistentVolumeClaim } from '@dsoi/builder';
import type { KubeObject, ObjectRef, Writer } from '@dsoi/client';
import type { EventRecord } from '@dsoi/events';
import { readHash, stampHash } from '@dsoi/hash';
import type { ChildCache } from '@dsoi/reconcile';

/** The PersistentVolumeClaim kind. */
export const persistentVolumeClaimType = Object.freeze({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' });

/** Options of {@link applyRetainedClaims}. */
export interface RetainedClaimsOptions {
  /** The tenant (its uid identifies ownerReferences to release). */
  readonly owner: { readonly metadata: { readonly uid: string } };
  /** The tenant's reference, for Events. */
  readonly ownerRef: ObjectRef;
  readonly claims: readonly BuiltPersistentVolumeClaim[];
  readonly client: Pick<Writer, 'apply' | 'patch'>;
  /** Must watch PersistentVolumeClaims. */
  readonly cache: ChildCache;
  readonly recorder?: { record(event: EventRecord): void };
  readonly signal?: AbortSignal;
}

/** What {@link applyRetainedClaims} did. */
export interface RetainedClaimsReport {
  /** Claims created, changed or released. */
  readonly written: number;
  /** Claims that could not be written, as `PersistentVolumeClaim name: error`. */
  readonly failures: readonly string[];
}

interface OwnerReference {
  readonly uid: string;
}

/**
 * Creates or updates each claim (server-side apply, only when its desired hash differs from the live one) and removes
 * the tenant's ownerReference from a live claim that has one. Failures do not stop the other claims.
 */
export async function applyRetainedClaims(options: RetainedClaimsOptions): Promise<RetainedClaimsReport> {
  const { owner, ownerRef, client, cache, recorder, signal } = options;
  const failures: string[] = [];
  let written = 0;
  const note = (event: Omit<EventRecord, 'regarding'>) => recorder?.record({ regarding: ownerRef, ...event });
  for (const claim of options.claims) {
    const name = claim.metadata.name;
    const ref = { ...persistentVolumeClaimType, name, namespace: claim.metadata.namespace };
    const desired = stampHash(claim);
    const live = cache.get(persistentVolumeClaimType, name, claim.metadata.namespace);
    try {
      // A retained claim has no owner: its tenant label says whose data it holds, and it is never shared.
      const holder = (live?.metadata as { labels?: Record<string, string> } | undefined)?.labels?.custom_resource;
      if (holder !== undefined && holder !== claim.metadata.labels?.custom_resource) {
        throw new Error(`it holds the data of ParseableTenant ${holder}; not taking it over`);
      }
      const refs = ((live?.metadata as { ownerReferences?: OwnerReference[] } | undefined)?.ownerReferences ??
        []) as OwnerReference[];
      if (refs.some((r) => r.uid === owner.metadata.uid)) {
        const kept = refs.filter((r) => r.uid !== owner.metadata.uid);
        await client.patch(
          ref,
          { type: 'merge', body: { metadata: { ownerReferences: kept.length > 0 ? kept : null } } },
          { ...(signal && { signal }) },
        );
        written++;
        note({
          type: 'Normal',
          reason: 'ClaimRetained',
          action: 'Update',
          note: `released PersistentVolumeClaim ${name} from the tenant: it is kept when the tenant is deleted (whenDeleted: Retain)`,
          related: ref,
        });
      }
      if (live === undefined || readHash(live as KubeObject) !== readHash(desired)) {
        await client.apply(desired as KubeObject, { force: true, ...(signal && { signal }) });
        written++;
        const verb = live === undefined ? 'Created' : 'Updated';
        note({
          type: 'Normal',
          reason: verb,
          action: verb === 'Created' ? 'Create' : 'Update',
          note: `${verb.toLowerCase()} v1 PersistentVolumeClaim ${claim.metadata.namespace}/${name} (retained)`,
          related: ref,
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`PersistentVolumeClaim ${name}: ${message}`);
      note({
        type: 'Warning',
        reason: 'ApplyFailed',
        action: 'Apply',
        note: `PersistentVolumeClaim ${name}: ${message}`,
        related: ref,
      });
    }
  }
  return { written, failures };
}
