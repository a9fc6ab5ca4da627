/**
 * Child ownership as a policy of `reconcileChildren`, after the Java Operator SDK's dependent resources: a
 * `controlled` child carries the owner's controller ownerReference (garbage-collected with the owner, pruned when
 * no longer desired); a `retained` child carries none and outlives its owner (data volumes), and is marked with the
 * owner it is kept for, so another owner never takes it over.
 */

import type { controllerRef } from '@dsoi/builder';
import type { Patch } from '@dsoi/client';
import type { KubeObject } from '@dsoi/object';

/** How a child relates to its owner: `controlled` (the default) or `retained` (no ownerReference, kept). */
export type ChildOwnership = 'controlled' | 'retained';

/** The annotation of a retained child naming the owner it is kept for, e.g. `ParseableTenant logs`. */
export const retainedForAnnotation = 'dsoi.io/retained-for';

type OwnerReference = ReturnType<typeof controllerRef>;
type Metadata = {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
};

function metadataOf(object: KubeObject | undefined): Metadata {
  return (object?.metadata ?? {}) as Metadata;
}

/** `Kind name` of the owner, as the retained-for annotation holds it. */
export function ownerIdentity(ownerRef: OwnerReference): string {
  return `${ownerRef.kind} ${ownerRef.name}`;
}

/** The desired metadata of a child under its policy: the controller ownerReference, or the retained-for mark. */
export function withOwnership(
  metadata: KubeObject['metadata'],
  ownership: ChildOwnership,
  ownerRef: OwnerReference,
): NonNullable<KubeObject['metadata']> {
  if (ownership === 'controlled') return { ...metadata, ownerReferences: [ownerRef] };
  const { ownerReferences: _dropped, ...rest } = metadata ?? {};
  const annotations = { ...rest.annotations };
  annotations[retainedForAnnotation] = ownerIdentity(ownerRef);
  return { ...rest, annotations };
}

/**
 * Why this owner must not write the live child, or `undefined`: another owner controls it (as controller-runtime's
 * AlreadyOwned), or it is retained for another owner (its data is someone else's).
 */
export function ownershipConflict(live: KubeObject | undefined, ownerRef: OwnerReference): string | undefined {
  const { ownerReferences, annotations } = metadataOf(live);
  const other = ownerReferences?.find((ref) => ref.controller === true && ref.uid !== ownerRef.uid);
  if (other) return `controlled by ${other.kind} ${other.name} (uid ${other.uid}); not taking it over`;
  const keptFor = annotations?.[retainedForAnnotation];
  if (keptFor !== undefined && keptFor !== ownerIdentity(ownerRef)) {
    return `it is retained for ${keptFor}; not taking it over`;
  }
  return undefined;
}

/**
 * The merge patch that removes this owner's ownerReference from a live child that is now retained (made controlled
 * by an earlier policy or by another operator), or `undefined` when it has none. A plain apply would not remove a
 * reference another field manager set.
 */
export function releasePatch(live: KubeObject | undefined, ownerUid: string): Patch | undefined {
  const refs = metadataOf(live).ownerReferences ?? [];
  if (!refs.some((ref) => ref.uid === ownerUid)) return undefined;
  const kept = refs.filter((ref) => ref.uid !== ownerUid);
  return { type: 'merge', body: { metadata: { ownerReferences: kept.length > 0 ? kept : null } } };
}
